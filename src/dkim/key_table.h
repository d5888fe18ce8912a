// KeyTable: every [[dkim.keys]] entry of a config, with its private key loaded and
// checked (permissions, type, size). Built once per config snapshot, before privileges
// are dropped, then immutable and shared by every signing thread. A key that cannot be
// used is a build error naming the file and the declaration (file:line), never a
// silent skip; weak RSA keys are kept and reported as warnings.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "dkim/key_file.h"

namespace vouch::dkim {

struct KeyEntry {
  std::string name;
  std::string domain;    // lowercase, no trailing dot
  std::string selector;
  std::string keyFile;
  std::shared_ptr<const PrivateKey> key;
};

class KeyTable {
 public:
  // Loads every key of config.dkimKeys. Null when any fails (errors appended).
  static std::shared_ptr<const KeyTable> build(const config::Config& config,
                                               std::vector<config::Error>& errors,
                                               std::vector<std::string>& warnings);
  // The policy the config asks for (dkim.allow_group_readable_keys, RFC 8301 sizes).
  static KeyPolicy policyFrom(const config::Config& config);

  explicit KeyTable(std::vector<KeyEntry> entries) : entries_(std::move(entries)) {}

  const KeyEntry* find(std::string_view name) const;
  const std::vector<KeyEntry>& entries() const { return entries_; }

 private:
  std::vector<KeyEntry> entries_;
};

// A config error located at a "file:line" origin (as recorded by the config loader).
config::Error errorAt(const std::string& origin, std::string message);

}  // namespace vouch::dkim
