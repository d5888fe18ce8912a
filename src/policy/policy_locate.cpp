// Finding and reading the policy file that policy.name designates. Search order (first
// hit wins): policy.dir when set; else policies/ beside the config file's folder, then
// beside its parent (the repository keeps conf.d/ and policies/ side by side); with no
// config file, policies/ near the executable and in the current directory; finally
// /etc/vouch/policies and /usr/share/vouch/policies. Touches the filesystem only;
// a missing or unreadable policy is an Error naming where policy.name was set.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "config/dkim_tables.h"
#include "policy/policy.h"

namespace vouch::policy {
namespace {

namespace fs = std::filesystem;

bool isPath(const std::string& name) {
  return name.find('/') != std::string::npos ||
         (name.size() > 5 && name.compare(name.size() - 5, 5, ".toml") == 0);
}

bool validName(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

fs::path exeDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

std::vector<fs::path> searchDirs(const config::Config& cfg) {
  std::vector<fs::path> dirs;
  const fs::path cfgDir = cfg.mainFile.empty() ? fs::path() : fs::path(cfg.directory.empty() ? "." : cfg.directory);
  if (!cfg.policy_dir.empty()) {
    fs::path d(cfg.policy_dir);
    if (d.is_relative() && !cfgDir.empty()) d = cfgDir / d;
    return {d};
  }
  if (!cfgDir.empty()) {
    dirs.push_back(cfgDir / "policies");
    dirs.push_back(cfgDir / ".." / "policies");
  } else {
    // Defaults only (no --config): a build tree has the binary in build*/, the policies
    // in the source folder above it.
    if (const auto e = exeDir(); !e.empty()) {
      dirs.push_back(e / "policies");
      dirs.push_back(e / ".." / "policies");
      dirs.push_back(e / ".." / "share" / "vouch" / "policies");
    }
    dirs.push_back(fs::path("policies"));
  }
  dirs.push_back("/etc/vouch/policies");
  dirs.push_back("/usr/share/vouch/policies");
  return dirs;
}

config::Error errorForName(const config::Config& cfg, std::string msg) {
  auto it = cfg.origins.find("policy.name");
  if (it == cfg.origins.end()) return {cfg.mainFile.empty() ? "policy.name" : cfg.mainFile, 0, std::move(msg)};
  return config::detail::errorAt(it->second, std::move(msg));
}

}  // namespace

std::string Policy::locate(const config::Config& cfg, std::vector<std::string>& tried) {
  std::error_code ec;
  const std::string& name = cfg.policy_name;
  if (isPath(name)) {
    fs::path p(name);
    if (p.is_relative() && !cfg.mainFile.empty()) p = fs::path(cfg.directory.empty() ? "." : cfg.directory) / p;
    tried.push_back(p.lexically_normal().string());
    return fs::is_regular_file(p, ec) ? p.lexically_normal().string() : std::string();
  }
  if (!validName(name)) return {};
  for (const auto& dir : searchDirs(cfg)) {
    const fs::path p = (dir / (name + ".toml")).lexically_normal();
    tried.push_back(p.string());
    if (fs::is_regular_file(p, ec)) return p.string();
  }
  return {};
}

std::shared_ptr<const Policy> Policy::load(const config::Config& cfg, std::vector<config::Error>& errors) {
  std::vector<std::string> tried;
  const std::string file = locate(cfg, tried);
  if (file.empty()) {
    std::string msg = "policy '" + cfg.policy_name + "' not found";
    if (!isPath(cfg.policy_name) && !validName(cfg.policy_name)) {
      msg += ": a policy name may use only letters, digits, '-' and '_' (or give a path)";
    } else {
      msg += " (looked at:";
      for (const auto& t : tried) msg += " " + t;
      msg += ")";
    }
    errors.push_back(errorForName(cfg, std::move(msg)));
    return nullptr;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.push_back({file, 0, "policy file cannot be read"});
    return nullptr;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), file, cfg, errors);
}

}  // namespace vouch::policy
