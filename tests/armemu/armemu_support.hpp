//===- tests/armemu/armemu_support.hpp - Driving the Azure emulator -*- C++ -*-===//
///
/// \file
/// An AzureEmulator on a fresh world with the real link simulator and fault
/// plan, and clients for it: POCO HTTPSClientSession trusting the emulator's
/// CA (from the file write_ca() wrote), plain HTTP for the managed-identity
/// endpoints, and JWT signing with OpenSSL for client assertions.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "arm/arm_service.hpp"
#include "arm/azure_emulator.hpp"
#include "faults/fault_plan.hpp"
#include "link/link_simulator.hpp"
#include "state/world.hpp"

#include <milink/sdk/json.hpp>
#include <milink/sdk/value.hpp>
#include <test_support.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace armemu {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

struct Reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The first header named \p name (any case), or "".
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const;
  /// The body parsed as JSON (null when empty). Fails the test when not JSON.
  Value json() const;
  /// json()["error"]["code"] (ARM) or json()["error"] (Entra/IMDS).
  std::string error_code() const;
  std::string error_message() const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

/// HTTPS to 127.0.0.1:\p port trusting \p ca_file (empty: the system CAs only).
/// Throws what POCO throws when no response arrives.
Reply https(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body = {},
            const Headers& headers = {}, const std::string& ca_file = {}, const std::string& host = "127.0.0.1");
/// Plain HTTP to 127.0.0.1:\p port.
Reply http(std::uint16_t port, const std::string& method, const std::string& target, const Headers& headers = {},
           const std::string& body = {});

/// "a=b&c=d" with form encoding.
std::string form(const std::vector<std::pair<std::string, std::string>>& fields);
std::string base64url(const std::string& bytes);
std::string base64url(const std::vector<unsigned char>& bytes);
std::string sha1_b64url(const std::vector<unsigned char>& der);
std::string sha256_b64url(const std::vector<unsigned char>& der);
std::vector<unsigned char> pem_certificate_der(const std::string& pem);
/// Signs header.claims with \p private_key_pem using \p alg ("RS256" | "PS256"), whatever header.alg says
/// (identity/jwt.hpp).
std::string sign_jwt(const Object& header, const Object& claims, const std::string& private_key_pem,
                     const std::string& alg);
std::int64_t now_s();
/// The JSON of part \p index (0 header, 1 claims) of a compact JWT.
Value jwt_part(const std::string& token, int index);
/// The SubjectPublicKeyInfo DER of a DER certificate (a "bare public key").
std::vector<unsigned char> public_key_der(const std::vector<unsigned char>& cert_der);
std::string hex(const std::vector<unsigned char>& bytes);

/// A fresh world, the real link simulator (fast profile), a fault plan and
/// an AzureEmulator, started; the CA written to a temp dir.
struct Env {
  explicit Env(milink::emulator::AzureOptions options = {});
  ~Env();

  milink::emulator::EmulatorWorld world;
  milink::emulator::LinkSimulator links;
  milink::emulator::FaultPlan faults;
  testsupport::TempDir dir;
  std::unique_ptr<milink::emulator::AzureEmulator> azure;
  std::string ca_file;
  std::string token;  ///< a valid ARM token (mint_token)

  /// "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Sql/managedInstances/{mi}"
  std::string mi_path() const;
  /// ARM request with the bearer \p bearer (empty: this->token; "-": none).
  Reply arm(const std::string& method, const std::string& path, const std::string& api_version,
            const std::string& body = {}, const std::string& bearer = {}, const Headers& extra = {});
  /// Entra token endpoint (v2 unless \p v1) for \p tenant (empty: the world's).
  Reply entra_token(const std::vector<std::pair<std::string, std::string>>& fields, const std::string& tenant = {},
              bool v1 = false);
  /// Follows an Azure-AsyncOperation URL until the status is not InProgress (at most \p timeout).
  Value poll_async(const std::string& url, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// GETs a Location URL until it answers something other than 202.
  Reply poll_location(const std::string& url, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  /// The path+query of an absolute URL on the ARM port (checks the host is the emulator's).
  std::string local_target(const std::string& url) const;
};

/// The shared Env of this test process (test cases run in their own processes).
Env& env();

/// A self-signed certificate (DER and PEM key) for trust-certificate and client-assertion tests.
struct TestCert {
  std::vector<unsigned char> der;
  std::string certificate_pem;
  std::string private_key_pem;
};
TestCert make_cert(const std::string& cn);

}  // namespace armemu
