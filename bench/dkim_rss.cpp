// dkim_rss: shows that DKIM verification memory does not grow with the body. Signs and
// verifies (rsa-sha256, relaxed/relaxed) a 10 KB and a 50 MB message whose body is
// generated chunk by chunk and never held whole, each in its own child process, and
// prints VmHWM/VmRSS from /proc/self/status. Exit 1 when the 50 MB peak exceeds the
// 10 KB peak by more than --max-growth-mb (default 16), 77 (skip) under sanitizers.
// Memory only, never time. Run: dkim_rss [--max-growth-mb N] | dkim_rss --child BYTES
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "config/config.h"
#include "dkim/dkim_library.h"
#include "dkim/verify_stream.h"
#include "dns/fake_resolver.h"

namespace {

using vouch::dkim::Library;

long statusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::size_t n = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, n, field) == 0) return std::atol(line.c_str() + n + 1);
  }
  return -1;
}

const char kHeaders[] =
    "From: Bench <bench@example.org>\r\nTo: rss@example.net\r\nSubject: rss\r\n"
    "Date: Fri, 27 Nov 2026 10:00:00 +0000\r\nMessage-ID: <rss@example.org>\r\n";

// Bytes [offset, offset+size) of a body of `total` bytes: 78-byte CRLF lines of text,
// the last line cut short but CRLF ended.
std::string bodyChunk(std::size_t offset, std::size_t size, std::size_t total) {
  std::string chunk(size, 'x');
  for (std::size_t k = 0; k < size; ++k) {
    const std::size_t at = offset + k;
    const std::size_t pos = at % 78;
    const bool cr = pos == 76 || at + 2 == total;
    const bool lf = pos == 77 || at + 1 == total;
    chunk[k] = lf ? '\n' : cr ? '\r' : static_cast<char>('a' + at % 26);
  }
  return chunk;
}

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct DkimFree { void operator()(DKIM* d) const { dkim_free(d); } };

template <typename Fn>
void forEachChunk(std::size_t total, Fn fn) {
  constexpr std::size_t kChunk = 65536;  // what Postfix hands a milter at most
  for (std::size_t off = 0; off < total; off += kChunk) {
    fn(bodyChunk(off, std::min(kChunk, total - off), total));
  }
}

int child(std::size_t bodyBytes) {
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_RSA_gen(2048));
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  unsigned char* der = nullptr;
  const int derLen = i2d_PUBKEY(key.get(), &der);
  std::string p(4 * ((static_cast<std::size_t>(derLen) + 2) / 3) + 1, '\0');
  p.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(p.data()), der, derLen)));
  OPENSSL_free(der);
  PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* pem = nullptr;
  const long pemLen = BIO_get_mem_data(bio.get(), &pem);
  std::string pemText(pem, static_cast<std::size_t>(pemLen));

  auto resolver = std::make_shared<vouch::dns::FakeResolver>();
  resolver->addTxt("rss._domainkey.example.org", "v=DKIM1; k=rsa; p=" + p);
  std::string error;
  auto lib = Library::create(vouch::config::Config::defaults(), resolver, error);
  if (!lib) { std::fprintf(stderr, "dkim_rss: %s\n", error.c_str()); return 2; }

  // Sign (streaming) to get a signature worth verifying.
  DKIM_STAT st = DKIM_STAT_OK;
  std::unique_ptr<DKIM, DkimFree> s(dkim_sign(lib->handle(), reinterpret_cast<const unsigned char*>("rss"), nullptr,
      reinterpret_cast<dkim_sigkey_t>(pemText.data()), reinterpret_cast<const unsigned char*>("rss"),
      reinterpret_cast<const unsigned char*>("example.org"), DKIM_CANON_RELAXED, DKIM_CANON_RELAXED,
      DKIM_SIGN_RSASHA256, -1, &st));
  if (!s) { std::fprintf(stderr, "dkim_rss: dkim_sign %d\n", st); return 2; }
  std::string headers = kHeaders;
  for (std::size_t pos = 0; pos < headers.size();) {
    const std::size_t end = headers.find("\r\n", pos);
    std::string h = headers.substr(pos, end - pos);
    dkim_header(s.get(), reinterpret_cast<u_char*>(h.data()), h.size());
    pos = end + 2;
  }
  dkim_eoh(s.get());
  forEachChunk(bodyBytes, [&](std::string c) { dkim_body(s.get(), reinterpret_cast<u_char*>(c.data()), c.size()); });
  st = dkim_eom(s.get(), nullptr);
  if (st != DKIM_STAT_OK) {
    std::fprintf(stderr, "dkim_rss: signing failed (%d: %s)\n", st, dkim_geterror(s.get()));
    return 2;
  }
  unsigned char* sig = nullptr;
  std::size_t sigLen = 0;
  dkim_getsighdr_d(s.get(), 16, &sig, &sigLen);
  const std::string signature(reinterpret_cast<char*>(sig), sigLen);
  s.reset();
  const long rssBefore = statusKb("VmRSS:");

  vouch::dkim::VerifyStream v(lib, vouch::dkim::VerifyOptions{}, vouch::dns::Clock::now() + std::chrono::seconds(20));
  v.header("DKIM-Signature", " " + signature);
  for (std::size_t pos = 0; pos < headers.size();) {
    const std::size_t colon = headers.find(':', pos);
    const std::size_t end = headers.find("\r\n", pos);
    v.header(headers.substr(pos, colon - pos), headers.substr(colon + 1, end - colon - 1));
    pos = end + 2;
  }
  v.endOfHeaders();
  forEachChunk(bodyBytes, [&](const std::string& c) { v.body(std::span<const char>(c.data(), c.size())); });
  const auto findings = v.finish();
  const bool pass = findings.size() == 1 && findings[0].result == vouch::core::Result::Pass;
  std::printf("%zu %ld %ld %ld %s\n", bodyBytes, statusKb("VmHWM:"), rssBefore, statusKb("VmRSS:"),
              pass ? "pass" : (findings.empty() ? "none" : findings[0].reason.c_str()));
  return pass ? 0 : 1;
}

// Runs this program with --child BYTES; parses "bytes hwm rssBefore rssAfter result".
bool measure(const char* self, std::size_t bytes, long& hwm) {
  const std::string cmd = std::string("'") + self + "' --child " + std::to_string(bytes);
  FILE* f = popen(cmd.c_str(), "r");
  if (f == nullptr) return false;
  char line[512] = {};
  const bool got = std::fgets(line, sizeof line, f) != nullptr;
  const int rc = pclose(f);
  long b = 0, before = 0, after = 0;
  char result[256] = {};
  if (!got || std::sscanf(line, "%ld %ld %ld %ld %255s", &b, &hwm, &before, &after, result) != 5) return false;
  std::printf("body %9zu bytes: VmHWM %6ld kB, VmRSS before verify %6ld kB, after %6ld kB, dkim=%s\n",
              bytes, hwm, before, after, result);
  return rc == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--child") == 0) return child(std::strtoull(argv[2], nullptr, 10));
  long maxGrowthMb = 16;
  if (argc == 3 && std::strcmp(argv[1], "--max-growth-mb") == 0) maxGrowthMb = std::atol(argv[2]);
  if (std::getenv("VOUCH_SANITIZED") != nullptr) {
    std::printf("dkim_rss: skipped under sanitizers (their allocators distort RSS)\n");
    return 77;
  }
  char self[4096] = {};
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return 2;
  long small = 0, large = 0;
  if (!measure(self, 10 * 1024, small) || !measure(self, 50 * 1024 * 1024, large)) {
    std::printf("dkim_rss: a measurement failed\n");
    return 1;
  }
  const long growth = large - small;
  std::printf("VmHWM growth 10 KB -> 50 MB: %ld kB (bound %ld MB)\n", growth, maxGrowthMb);
  return growth < maxGrowthMb * 1024 ? 0 : 1;
}
