// Fuzz target: the policy-delegation protocol reader fed hostile bytes in random-sized
// pieces. Checks the reader's own promises: it never buffers past its bounds, every
// request it returns respects the attribute limit, and a clean request sent after any
// garbage (once the garbage's request is terminated) still parses.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "policyd/request_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using vouch::policyd::ReaderLimits;
  using vouch::policyd::RequestReader;
  const ReaderLimits limits{2048, 16, 256};
  RequestReader reader(limits);
  std::size_t off = 0;
  while (off < size) {
    // The first byte of each piece chooses its length, so the fuzzer explores splits.
    std::size_t len = 1 + data[off] % 97;
    ++off;
    len = std::min(len, size - off);
    reader.feed(std::string_view(reinterpret_cast<const char*>(data + off), len));
    off += len;
    if (reader.pending() > limits.maxLine + 97) std::abort();
    while (auto req = reader.next()) {
      if (req->attrs.size() > limits.maxAttributes) std::abort();
    }
  }
  reader.feed("\n\n\nsender=ok@example.org\n\n");
  bool found = false;
  while (auto req = reader.next()) {
    if (req->error.empty() && req->get("sender") == "ok@example.org") found = true;
  }
  if (!found) std::abort();
  return 0;
}
