//===- emulator/http/encoding.hpp - Bytes and text for HTTP -------*- C++ -*-===//
///
/// \file
/// Small codecs the emulator's Azure side needs: base64 and base64url (JWT),
/// hex (publicBlob, thumbprints), percent-decoding and
/// application/x-www-form-urlencoded bodies (token requests), GUIDs in
/// ARM's lower-case form, and the UTC timestamp formats ARM and Entra print.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace milink::emulator::http {

using Bytes = std::vector<std::uint8_t>;

std::string base64_encode(const Bytes& data);
std::string base64_encode(std::string_view data);
/// Standard alphabet, padding optional; nullopt when malformed.
std::optional<Bytes> base64_decode(std::string_view text);
/// RFC 4648 §5, no padding.
std::string base64url_encode(const Bytes& data);
std::string base64url_encode(std::string_view data);
/// Accepts missing padding; nullopt when malformed.
std::optional<Bytes> base64url_decode(std::string_view text);

/// Upper-case hex, no separators.
std::string hex_upper(const Bytes& data);
/// Hex digits only (either case, even length); nullopt otherwise.
std::optional<Bytes> hex_decode(std::string_view text);

/// %XX and (when \p plus_is_space) '+' decoding; invalid escapes stay as they are.
std::string percent_decode(std::string_view text, bool plus_is_space = false);
/// Percent-encoding of a query value or path segment (unreserved characters kept).
std::string percent_encode(std::string_view text);
/// "a=1&b=2" -> pairs, decoded; empty names are skipped.
std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body);
/// "/a//b/c" -> {"a", "b", "c"}: the non-empty segments of a '/'-separated path, as they are.
std::vector<std::string> split_path(const std::string& path);

/// A random version-4 GUID, lower case ("0f8fad5b-d9cb-469f-a165-70867728950e").
std::string new_guid_lower();

/// Seconds since the Unix epoch, now.
std::int64_t unix_now();
/// "2025-08-01T10:20:30Z"
std::string iso8601_utc(std::int64_t unix_seconds);
/// "2025-08-01T10:20:30.1234567Z" (7 fractional digits, as Entra prints).
std::string iso8601_utc_7(std::chrono::system_clock::time_point t);
/// "2025-08-01 10:20:30Z" (Entra's "Timestamp:" line and "timestamp" member).
std::string entra_timestamp(std::int64_t unix_seconds);
/// "08/01/2025 10:20:30" (Entra's "Found key 'Start=..., End=...'").
std::string entra_key_time(std::int64_t unix_seconds);
/// "8/1/2025 10:20:30 AM" (.NET's invariant G format, as ARM prints token expiry times).
std::string dotnet_general_time(std::int64_t unix_seconds);

/// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view s);

}  // namespace milink::emulator::http
