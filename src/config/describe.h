// Renders the settings table for people: `vouch config defaults` (text, TOML, Markdown)
// and docs/settings.md, which is this function's Markdown output checked in. Pure
// functions over the immutable table; output is deterministic so staleness of the
// checked-in docs can be detected by comparing bytes.
#pragma once

#include <string>

namespace vouch::config {

enum class DescribeFormat { Text, Toml, Markdown };

// Every setting with its default, bounds or choices, reloadability and help, grouped by
// section, plus the structured [[dkim.keys]] / [[dkim.signing]] tables. The Toml form is
// a valid config file equal to the defaults.
std::string describeSettings(DescribeFormat format);

}  // namespace vouch::config
