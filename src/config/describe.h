// Renders the settings table for people: `vouch config defaults` (text, TOML, Markdown)
// and docs/settings.md, which is this function's Markdown output checked in; and the
// effective values of one Config (`vouch config show`). Pure
// functions over the immutable table; output is deterministic so staleness of the
// checked-in docs can be detected by comparing bytes.
#pragma once

#include <string>

#include "config/config.h"

namespace vouch::config {

enum class DescribeFormat { Text, Toml, Markdown };

// Every setting with its default, bounds or choices, reloadability and help, grouped by
// section, plus the structured [[dkim.keys]] / [[dkim.signing]] tables. The Toml form is
// a valid config file equal to the defaults.
std::string describeSettings(DescribeFormat format);

// The effective configuration as a TOML file that loads back to the same values:
// every setting (defaults included), then the [[dkim.keys]] and [[dkim.signing]]
// entries. With `withOrigins`, a comment names the file:line (or --set) each non-default
// value came from. Key file paths are printed as resolved (absolute or as given).
std::string describeConfig(const Config& cfg, bool withOrigins);

}  // namespace vouch::config
