// `vouch keygen --domain D --selector S [--type rsa|ed25519] [--bits 2048] [--out DIR]`:
// makes a DKIM key pair, writes the private key to DIR/S.private (mode 0600, never over
// an existing file) and the DNS record to DIR/S.txt as a zone-file line, which it also
// prints. Runs once in the CLI thread; arguments are checked by CLI11 and by name rules.
// Exit 0 when both files are written, 2 for usage errors or files that cannot be written.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "dkim/key_file.h"

namespace vouch::cli {
namespace {

struct KeygenOptions {
  std::string domain;
  std::string selector;
  std::string type = "rsa";
  unsigned bits = 2048;
  std::string out = ".";
};

// Domain and selector end up in file names and zone lines: letters, digits, '-', '_'
// and '.' only, no empty labels.
bool validName(const std::string& s) {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.find("..") != std::string::npos)
    return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

// Writes `text` to a new file of mode `mode`; refuses to replace an existing file.
bool writeNew(const std::string& path, const std::string& text, mode_t mode, std::string& error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  // The umask may have removed bits but never added any; make the mode exact anyway.
  bool ok = ::fchmod(fd, mode) == 0;
  std::size_t done = 0;
  while (ok && done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) ok = false;
    else done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) ok = false;
  if (!ok) {
    error = path + ": " + std::strerror(errno);
    ::unlink(path.c_str());
  }
  return ok;
}

int runKeygen(const KeygenOptions& o) {
  if (!validName(o.domain) || !validName(o.selector)) {
    std::cerr << "vouch keygen: --domain and --selector must be DNS names\n";
    return kExitUsage;
  }
  const bool rsa = o.type == "rsa";
  std::string error;
  auto key = dkim::PrivateKey::generate(rsa ? dkim::KeyAlgorithm::Rsa : dkim::KeyAlgorithm::Ed25519,
                                        o.bits, error);
  if (!key) {
    std::cerr << "vouch keygen: " << error << "\n";
    return kExitUsage;
  }
  const std::string base = o.out + "/" + o.selector;
  const std::string line = dkim::zoneLine(*key, o.domain, o.selector) + "\n";
  if (!writeNew(base + ".private", key->pem(), 0600, error) ||
      !writeNew(base + ".txt", line, 0644, error)) {
    std::cerr << "vouch keygen: " << error << "\n";
    return kExitUsage;
  }
  std::cerr << "vouch keygen: wrote " << base << ".private (" << dkim::toString(key->algorithm())
            << (rsa ? " " + std::to_string(key->bits()) + " bits" : std::string()) << ", mode 0600) and "
            << base << ".txt; publish this record:\n";
  std::cout << line;
  return kExitOk;
}

}  // namespace

void addKeygenCommand(CLI::App& app, int& exitCode) {
  auto opts = std::make_shared<KeygenOptions>();
  CLI::App* cmd = app.add_subcommand("keygen", "make a DKIM key pair and its DNS record");
  cmd->add_option("--domain", opts->domain, "signing domain (d=)")->required();
  cmd->add_option("--selector", opts->selector, "selector (s=)")->required();
  cmd->add_option("--type", opts->type, "key type")
      ->check(CLI::IsMember({"rsa", "ed25519"}))
      ->capture_default_str();
  cmd->add_option("--bits", opts->bits, "RSA key size (RFC 8301: at least 1024; 2048 advised)")
      ->check(CLI::Range(1024u, 8192u))
      ->capture_default_str();
  cmd->add_option("--out", opts->out, "folder for S.private and S.txt")
      ->check(CLI::ExistingDirectory)
      ->capture_default_str();
  cmd->callback([opts, &exitCode] { exitCode = runKeygen(*opts); });
}

}  // namespace vouch::cli
