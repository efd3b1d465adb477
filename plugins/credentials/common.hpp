//===- plugins/credentials/common.hpp - Shared credential helpers -*- C++ -*-===//
///
/// \file
/// Helpers every credential provider uses: the error type, token-response
/// parsing, a form-POST helper, redaction, bounded file reads and
/// small validation routines. Nothing here keeps state, so every function is
/// safe to call from several threads at once.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/credential.hpp>
#include <milink/sdk/http.hpp>
#include <milink/sdk/params.hpp>
#include <milink/sdk/value.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace milink::credentials {

/// A failed token acquisition. what() says what failed and what to check;
/// it never carries a secret or a token.
class CredentialError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Current Unix time in seconds.
std::int64_t unix_now();

/// \p text with every occurrence of each non-trivial secret replaced by "***".
std::string redact(std::string text, const std::vector<std::string>& secrets);

/// The first line of \p text, trimmed, at most \p max characters.
std::string first_line(const std::string& text, std::size_t max = 400);

/// \p text without leading and trailing whitespace.
std::string trim(const std::string& text);

bool starts_with(const std::string& s, const std::string& prefix);
bool ends_with(const std::string& s, const std::string& suffix);
bool iequals(const std::string& a, const std::string& b);

/// Reads a whole file of at most \p max_bytes. Throws CredentialError naming
/// \p what and the path (never the contents).
std::string read_small_file(const std::string& path, std::size_t max_bytes, const std::string& what);

/// The value of environment variable \p name, or "" when unset.
std::string env(const char* name);

/// A random version-4 GUID, lowercase.
std::string random_guid();

/// Throws CredentialError unless \p tenant is a plausible tenant id or
/// domain (letters, digits, '-', '.'): it becomes part of a URL path.
void check_tenant_id(const std::string& tenant, const std::string& where);

/// Checks an authority host ("https://login.microsoftonline.com"): https,
/// or http for loopback only. Returns it without a trailing '/'.
std::string normalize_authority(const std::string& authority, const std::string& where);

/// "https://host" for "https://host/path?x"; used in messages.
std::string url_origin(const std::string& url);

/// \p url with "?" or "&" and the encoded query appended.
std::string append_query(const std::string& url, const std::vector<std::pair<std::string, std::string>>& query);

/// An application/x-www-form-urlencoded body.
std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields);

/// A string parameter, or "" when absent/null.
std::string param_or_empty(const sdk::Params& p, const std::string& name);

/// Parses an OAuth-style token response body: access_token plus either
/// expires_on (epoch seconds, number or numeric string) or expires_in
/// (seconds, number or numeric string). \p source names the sender for
/// errors. Throws CredentialError.
sdk::AccessToken parse_token_response(const std::string& body, const std::string& source);

/// Parses \p body as a JSON object; nullopt when it is not one.
std::optional<sdk::Object> parse_object(const std::string& body);

/// A string member of \p o, or "".
std::string string_member(const sdk::Object& o, const std::string& key);

/// Seconds from an integer, a double or a numeric string; nullopt otherwise.
std::optional<std::int64_t> seconds_value(const sdk::Value* v);

/// Sends \p request; throws CredentialError("could not reach <what> at
/// <origin>: <transport error>; <hint>") when no response arrived.
sdk::HttpResponse send_or_throw(sdk::HttpClient& http, const sdk::HttpRequest& request, const std::string& what,
                                const std::string& hint);

}  // namespace milink::credentials
