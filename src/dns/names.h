// Domain-name text helpers shared by every resolver: the one normal form used as a map
// key (ASCII lowercase, no trailing dot, root = ""), a syntax check (RFC 1035 2.3.4
// lengths) and parent walking. Pure functions on untrusted text; they never throw on bad
// input: a malformed name is reported by isValidName() and answered as NXDOMAIN.
#pragma once

#include <string>
#include <string_view>

namespace vouch::dns {

// "Example.COM." -> "example.com"; "." -> "".
std::string normalizeName(std::string_view name);

// True when every label is 1..63 bytes and the name (without trailing dot) is at most
// 253 bytes. The root ("" or ".") is valid.
bool isValidName(std::string_view name);

// "a.b.c" -> "b.c"; "c" -> ""; "" -> "" (callers stop at the root themselves).
std::string_view parentName(std::string_view normalized);

// True when `name` equals `ancestor` or lies below it (both normalized).
bool isAtOrBelow(std::string_view name, std::string_view ancestor);

}  // namespace vouch::dns
