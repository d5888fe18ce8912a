// config::load / loadString: reads the main file, then the *.conf drop-ins beside it in
// lexical order, each over the result of the previous (scalars override, dkim.keys and
// dkim.signing append). Every problem is collected with file:line (TOML syntax, unknown
// keys with a suggestion, types, bounds, choices, dkim tables); a Config is returned
// only when there are none. Untrusted input; no exception escapes.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "config/dkim_tables.h"
#include "config/setting_access.h"

namespace vouch::config {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string>& allKeys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const auto& row : detail::settingAccess()) out.emplace_back(row.spec.key);
    out.emplace_back("dkim.keys");
    out.emplace_back("dkim.signing");
    return out;
  }();
  return keys;
}

std::string unknownKeyMessage(const std::string& path) {
  std::string msg = "unknown setting '" + path + "'";
  auto hint = detail::didYouMean(path, allKeys());
  if (hint.empty()) {
    // Right name in the wrong section ("[general] socket"): match the last component.
    const auto leaf = path.substr(path.rfind('.') + 1);
    for (const auto& k : allKeys()) {
      if (k.size() > leaf.size() && k.compare(k.size() - leaf.size(), leaf.size(), leaf) == 0 &&
          k[k.size() - leaf.size() - 1] == '.') {
        hint = " (did you mean '" + k + "'?)";
        break;
      }
    }
  }
  return msg + hint;
}

struct Walker {
  Config& cfg;
  std::vector<Error>& errors;
  const std::string& file;
  const std::string& dir;

  void table(const toml::table& t, const std::string& prefix) {
    for (auto&& [k, v] : t) {
      const std::string path = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
      int line = static_cast<int>(k.source().begin.line);
      if (line <= 0) line = static_cast<int>(v.source().begin.line);
      if (path == "dkim.keys") {
        detail::parseDkimKeys(v, line, file, dir, cfg, errors);
      } else if (path == "dkim.signing") {
        detail::parseDkimSigning(v, line, file, cfg, errors);
      } else if (const auto* row = detail::findSetting(path)) {
        if (auto problem = detail::assign(cfg, *row, v); !problem.empty()) {
          errors.push_back({file, line, path + ": " + problem});
        } else {
          cfg.origins[path] = file + ":" + std::to_string(line);
        }
      } else if (v.is_table() && detail::isSection(path)) {
        table(*v.as_table(), path);
      } else {
        errors.push_back({file, line, unknownKeyMessage(path)});
      }
    }
  }
};

// Parses one document into cfg; appends its errors.
void applyText(std::string_view text, const std::string& file, const std::string& dir, Config& cfg,
               std::vector<Error>& errors) {
  toml::table doc;
  try {
    doc = toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    errors.push_back({file, static_cast<int>(b.line),
                      "TOML syntax error at column " + std::to_string(b.column) + ": " + std::string(e.description())});
    return;
  }
  Walker{cfg, errors, file, dir}.table(doc, "");
}

bool readFile(const fs::path& p, std::string& out, std::string& why) {
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    why = "is a directory";
    return false;
  }
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    why = "cannot be read";
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// The drop-in folder: conf.d/ beside the main file; when the main file itself sits in a
// folder named conf.d (the repository layout), that folder. Only *.conf files count, not
// hidden ones (editor lock and swap files start with '.').
std::vector<fs::path> dropIns(const fs::path& mainFile, std::vector<Error>& errors) {
  const fs::path dir = mainFile.parent_path().empty() ? fs::path(".") : mainFile.parent_path();
  std::error_code ec;
  fs::path folder = dir / "conf.d";
  if (!fs::is_directory(folder, ec)) {
    if (fs::absolute(dir, ec).lexically_normal().filename() != "conf.d" &&
        dir.lexically_normal().filename() != "conf.d") {
      return {};
    }
    folder = dir;
  }
  std::vector<fs::path> out;
  fs::directory_iterator it(folder, ec);
  if (ec) {
    errors.push_back({folder.string(), 0, "drop-in folder cannot be read: " + ec.message()});
    return {};
  }
  for (const auto& entry : it) {
    const auto& p = entry.path();
    if (p.extension() != ".conf" || p.filename().string().front() == '.' || !entry.is_regular_file(ec)) continue;
    if (fs::equivalent(p, mainFile, ec)) continue;  // the main file is not its own drop-in
    out.push_back(p);
  }
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
    return a.filename().string() < b.filename().string();
  });
  return out;
}

LoadResult finish(Config cfg, std::vector<Error> errors) {
  detail::checkDkimTables(cfg, errors);
  // Report in reading order: by file (as merged), then line.
  auto rank = [&](const Error& e) {
    auto it = std::find(cfg.files.begin(), cfg.files.end(), e.file);
    return std::make_pair(it - cfg.files.begin(), e.line);
  };
  std::stable_sort(errors.begin(), errors.end(), [&](const Error& a, const Error& b) { return rank(a) < rank(b); });
  LoadResult r;
  if (errors.empty()) {
    r.config = std::make_shared<const Config>(std::move(cfg));
  }
  r.errors = std::move(errors);
  return r;
}

}  // namespace

LoadResult load(const std::string& mainFile) {
  Config cfg = Config::defaults();
  std::vector<Error> errors;
  cfg.mainFile = mainFile;
  const fs::path main(mainFile);
  cfg.directory = main.parent_path().empty() ? "." : main.parent_path().string();
  std::string text, why;
  if (!readFile(main, text, why)) {
    errors.push_back({mainFile, 0, "config file " + why});
    return finish(std::move(cfg), std::move(errors));
  }
  cfg.files.push_back(mainFile);
  applyText(text, mainFile, cfg.directory, cfg, errors);
  for (const auto& p : dropIns(main, errors)) {
    const std::string name = p.string();
    cfg.files.push_back(name);
    if (!readFile(p, text, why)) {
      errors.push_back({name, 0, "drop-in " + why});
      continue;
    }
    applyText(text, name, p.parent_path().string(), cfg, errors);
  }
  return finish(std::move(cfg), std::move(errors));
}

LoadResult loadString(std::string_view text, const std::string& name) {
  Config cfg = Config::defaults();
  std::vector<Error> errors;
  cfg.mainFile = name;
  cfg.files.push_back(name);
  const fs::path p(name);
  cfg.directory = p.parent_path().empty() ? "." : p.parent_path().string();
  applyText(text, name, cfg.directory, cfg, errors);
  return finish(std::move(cfg), std::move(errors));
}

}  // namespace vouch::config
