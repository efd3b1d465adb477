//===- expr/values.hpp - Value helpers shared by expr (private) -*- C++ -*-===//
#pragma once

#include <milink/sdk/value.hpp>

#include <cstdint>
#include <string>

namespace milink::expr {

/// "an integer", "a string", "null": a kind with its article, for messages.
std::string a_kind(milink::sdk::Kind k);

/// True when \p v is Unknown or an array/object holding one at any depth.
bool has_unknown(const milink::sdk::Value& v);

/// True when \p s could be written after a '.' (an identifier).
bool is_identifier(const std::string& s);

/// \p path extended by a member: "a.b" for identifier keys, "a['my key']"
/// otherwise (quotes doubled as in a literal).
std::string path_member(const std::string& path, const std::string& key);
/// \p path extended by an array index: "a[3]".
std::string path_index(const std::string& path, std::int64_t index);

}  // namespace milink::expr
