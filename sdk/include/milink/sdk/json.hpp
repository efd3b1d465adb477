//===- milink/sdk/json.hpp - JSON text <-> Value, with locations -*- C++ -*-===//
///
/// \file
/// A strict JSON (RFC 8259) reader that remembers where every value and every
/// object key stood, so that errors can say "file:line: /steps/2/with/port".
/// POCO's JSON parser reports no positions, which is why this exists.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace milink::sdk {

struct SourceLocation {
  int line = 0;    ///< 1-based; 0 = unknown
  int column = 0;  ///< 1-based
};

/// Where each JSON pointer (RFC 6901) came from. For object members the
/// location is that of the key; for array elements, that of the element.
class SourceMap {
public:
  void add(const std::string& pointer, SourceLocation loc) { locs_[pointer] = loc; }
  /// The location of \p pointer, or of its nearest ancestor that has one.
  SourceLocation locate(const std::string& pointer) const;

private:
  std::map<std::string, SourceLocation> locs_;
};

/// Raised for malformed JSON text. what() reads "<source>:<line>:<col>: <message>".
class JsonError : public std::runtime_error {
public:
  JsonError(std::string source, SourceLocation loc, std::string message);
  const std::string& source() const noexcept { return source_; }
  SourceLocation location() const noexcept { return loc_; }
  const std::string& message() const noexcept { return message_; }

private:
  std::string source_;
  SourceLocation loc_;
  std::string message_;
};

/// Parses \p text. \p source names it in errors. When \p map is given it is
/// filled with the location of every value. Duplicate object keys are an
/// error (a silent "last one wins" hides mistakes).
Value parse_json(std::string_view text, const std::string& source = "<json>",
                 SourceMap* map = nullptr);

/// Appends \p token to a JSON pointer, escaping '~' and '/'.
std::string json_pointer_join(const std::string& base, const std::string& token);
std::string json_pointer_join(const std::string& base, std::size_t index);

}  // namespace milink::sdk
