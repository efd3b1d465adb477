// fuzz_http: the emulator's HTTP request parsing (emulator/http). The input
// is what a client sends: POCO reads the request head as the emulator's
// HTTPServer does, then the emulator's own code takes over: the request
// target (percent-decoding, the query string), the Router's matching of
// ARM-style patterns, form bodies (Entra's token endpoint) and JSON bodies
// (ARM PUTs, read with the SDK's reader).
#include "http/encoding.hpp"
#include "http/http_server.hpp"

#include <milink/sdk/json.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <sstream>
#include <string>

namespace http = milink::emulator::http;

namespace {

const http::Router& router() {
  static const http::Router r = [] {
    http::Router out;
    auto json_body = [](http::Request& req, http::Response& resp) {
      try {
        milink::sdk::parse_json(req.body, "body.json");
        resp.empty(200);
      } catch (const milink::sdk::JsonError&) {
        resp.text(400, "bad json");
      }
    };
    auto form_body = [](http::Request& req, http::Response& resp) {
      for (const auto& [k, v] : http::parse_form(req.body)) resp.set_header("x-" + k, v);
    };
    out.add("PUT", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
                   "Microsoft.Sql/managedInstances/{managedInstanceName}/distributedAvailabilityGroups/{name}",
            json_body);
    out.add("GET", "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/"
                   "Microsoft.Sql/managedInstances/{managedInstanceName}",
            json_body);
    out.add("POST", "/{tenant}/oauth2/v2.0/token", form_body);
    out.add("GET", "/metadata/identity/oauth2/token", form_body);
    out.add("GET", "/files/{path*}", form_body);
    return out;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  Poco::Net::HTTPRequest head;
  try {
    head.read(in);
  } catch (const Poco::Exception&) {
    return 0;  // POCO answers 400 and closes; the emulator never sees it
  }
  http::Request req;
  req.set_target(head.getMethod(), head.getURI());
  for (const auto& [k, v] : head) req.headers.emplace_back(k, v);
  req.host = head.get("Host", "");
  req.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  req.header("Authorization");
  req.query_param("api-version");
  req.base_url();
  const http::Handler* handler = nullptr;
  if (router().route(req, &handler) == http::Router::Match::Found) {
    http::Response resp;
    (*handler)(req, resp);
  }
  return 0;
}
