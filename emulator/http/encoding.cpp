#include "http/encoding.hpp"

#include <milink/sdk/base64.hpp>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>
#include <Poco/UUIDGenerator.h>

#include <cctype>
#include <cstdio>
#include <ctime>

namespace milink::emulator::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Poco::DateTime utc(std::int64_t unix_seconds) {
  return Poco::DateTime(Poco::Timestamp::fromEpochTime(static_cast<std::time_t>(unix_seconds)));
}

}  // namespace

// Base64 is the SDK's one codec (POCO underneath); these adapt it to Bytes.
namespace b64 = milink::sdk::base64;

namespace {
std::string_view as_text(const Bytes& data) {
  return {reinterpret_cast<const char*>(data.data()), data.size()};
}
std::optional<Bytes> as_bytes(std::optional<std::string> text) {
  if (!text) return std::nullopt;
  return Bytes(text->begin(), text->end());
}
}  // namespace

std::string base64_encode(const Bytes& data) { return b64::encode(as_text(data)); }
std::string base64_encode(std::string_view data) { return b64::encode(data); }
std::optional<Bytes> base64_decode(std::string_view text) { return as_bytes(b64::decode(text)); }
std::string base64url_encode(const Bytes& data) { return b64::encode(as_text(data), b64::Alphabet::url); }
std::string base64url_encode(std::string_view data) { return b64::encode(data, b64::Alphabet::url); }
std::optional<Bytes> base64url_decode(std::string_view text) {
  return as_bytes(b64::decode(text, b64::Alphabet::url));
}

std::string hex_upper(const Bytes& data) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(data.size() * 2);
  for (auto b : data) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::optional<Bytes> hex_decode(std::string_view text) {
  if (text.size() % 2) return std::nullopt;
  Bytes out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
}

std::string percent_encode(std::string_view text) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_form(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t amp = body.find('&', pos);
    std::string_view part = body.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    if (!part.empty()) {
      std::size_t eq = part.find('=');
      std::string name = percent_decode(part.substr(0, eq), true);
      std::string value = eq == std::string_view::npos ? std::string() : percent_decode(part.substr(eq + 1), true);
      if (!name.empty()) out.emplace_back(std::move(name), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return out;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    std::size_t next = path.find('/', pos);
    out.push_back(path.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
    if (next == std::string::npos) break;
    pos = next;
  }
  return out;
}

std::string new_guid_lower() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string iso8601_utc(std::int64_t unix_seconds) {
  return Poco::DateTimeFormatter::format(utc(unix_seconds), "%Y-%m-%dT%H:%M:%SZ");
}

std::string iso8601_utc_7(std::chrono::system_clock::time_point t) {
  auto since = t.time_since_epoch();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  auto ticks = std::chrono::duration_cast<std::chrono::nanoseconds>(since - secs).count() / 100;
  // Poco keeps microseconds; Entra prints 100 ns ticks.
  char fraction[16];
  std::snprintf(fraction, sizeof fraction, ".%07lldZ", static_cast<long long>(ticks % 10000000));
  return Poco::DateTimeFormatter::format(utc(secs.count()), "%Y-%m-%dT%H:%M:%S") + fraction;
}

std::string entra_timestamp(std::int64_t unix_seconds) {
  return Poco::DateTimeFormatter::format(utc(unix_seconds), "%Y-%m-%d %H:%M:%SZ");
}

std::string entra_key_time(std::int64_t unix_seconds) {
  return Poco::DateTimeFormatter::format(utc(unix_seconds), "%m/%d/%Y %H:%M:%S");
}

std::string dotnet_general_time(std::int64_t unix_seconds) {
  const Poco::DateTime t = utc(unix_seconds);
  // .NET's "G": month, day and hour without leading zeros, which Poco's
  // formatter cannot leave out of the hour.
  return Poco::DateTimeFormatter::format(t, "%n/%e/%Y ") + std::to_string(t.hourAMPM()) +
         Poco::DateTimeFormatter::format(t, ":%M:%S %A");
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace milink::emulator::http
