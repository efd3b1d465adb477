// URL splitting, origin comparison and the plain-http rule.
#include "http/url.hpp"

#include <catch2/catch.hpp>

using milink::http::parse_url;
using milink::http::Url;

TEST_CASE("absolute URLs split into origin and path - default ports are explicit") {
  Url u;
  std::string err;
  REQUIRE(parse_url("https://Management.Azure.com/subscriptions/x?api-version=1#frag", u, err));
  CHECK(u.scheme == "https");
  CHECK(u.host == "management.azure.com");
  CHECK(u.port == 443);
  CHECK(u.path_and_query == "/subscriptions/x?api-version=1");
  CHECK(u.display() == "https://management.azure.com/subscriptions/x");
  CHECK(u.origin() == "https://management.azure.com");

  REQUIRE(parse_url("http://127.0.0.1:8080", u, err));
  CHECK(u.port == 8080);
  CHECK(u.path_and_query == "/");

  REQUIRE(parse_url("https://[::1]:9443/a", u, err));
  CHECK(u.host == "::1");
  CHECK(u.port == 9443);
  CHECK(u.origin() == "https://[::1]:9443");
}

TEST_CASE("origins differ by scheme, host or port") {
  Url a, b, c, d, e;
  std::string err;
  REQUIRE(parse_url("https://management.azure.com/x", a, err));
  REQUIRE(parse_url("https://management.azure.com:443/y?z", b, err));
  REQUIRE(parse_url("https://management.azure.com:8443/x", c, err));
  REQUIRE(parse_url("http://management.azure.com/x", d, err));
  REQUIRE(parse_url("https://management.azure.com.evil.example/x", e, err));
  CHECK(a.same_origin(b));
  CHECK_FALSE(a.same_origin(c));
  CHECK_FALSE(a.same_origin(d));
  CHECK_FALSE(a.same_origin(e));
}

TEST_CASE("malformed URLs, other schemes and user information are refused") {
  Url u;
  std::string err;
  CHECK_FALSE(parse_url("management.azure.com/x", u, err));
  CHECK(err.find("not an absolute URL") != std::string::npos);
  CHECK_FALSE(parse_url("ftp://host/x", u, err));
  CHECK(err.find("not supported") != std::string::npos);
  CHECK_FALSE(parse_url("https://user:pw@host/x", u, err));
  CHECK(err.find("user information") != std::string::npos);
  CHECK_FALSE(parse_url("https://host:99999/x", u, err));
  CHECK_FALSE(parse_url("https:///x", u, err));
}

TEST_CASE("plain http is allowed only for loopback and the instance metadata service") {
  CHECK(milink::http::plain_http_allowed("127.0.0.1"));
  CHECK(milink::http::plain_http_allowed("127.1.2.3"));
  CHECK(milink::http::plain_http_allowed("localhost"));
  CHECK(milink::http::plain_http_allowed("::1"));
  CHECK(milink::http::plain_http_allowed("169.254.169.254"));
  CHECK_FALSE(milink::http::plain_http_allowed("169.254.169.253"));
  CHECK_FALSE(milink::http::plain_http_allowed("management.azure.com"));
  CHECK_FALSE(milink::http::plain_http_allowed("10.0.0.1"));
  CHECK_FALSE(milink::http::plain_http_allowed("localhost.evil.example"));
}
