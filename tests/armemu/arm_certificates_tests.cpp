// serverTrustCertificates (PUT/GET/list/DELETE, long-running, publicBlob
// rules, body validation) and endpointCertificates (GET, list).
#include "armemu_support.hpp"

#include <catch2/catch.hpp>

using namespace armemu;

namespace {

const std::string kInvalidBlob = "Invalid public blob specified, reason: 'Cannot find the requested object.'.";

std::string cert_body(const std::string& blob) {
  return Value(Object{{"properties", Value(Object{{"publicBlob", Value(blob)}})}}).to_json();
}

void check_error(const Reply& r, int status, const std::string& code, const std::string& message) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(r.error_code() == code);
  CHECK(r.error_message() == message);
}

}  // namespace

TEST_CASE("serverTrustCertificates: PUT is long-running, then GET, list and the world hold the whole DER", "[armemu][arm][trust]") {
  Env& e = env();
  TestCert cert = make_cert("SQLBOX1 link certificate");
  const std::string path = e.mi_path() + "/serverTrustCertificates/SqlBox1Cert";

  Reply put = e.arm("PUT", path, "2025-01-01", cert_body("0x" + hex(cert.der)));
  INFO(put.body);
  REQUIRE(put.status == 202);
  CHECK(put.body.empty());
  std::string async = put.header("Azure-AsyncOperation"), location = put.header("Location");
  std::string prefix = "https://127.0.0.1:" + std::to_string(e.azure->arm_port()) + "/subscriptions/" +
                       e.azure->subscription_id() + "/providers/Microsoft.Sql/locations/westeurope/";
  CHECK(async.rfind(prefix + "serverTrustCertificatesAzureAsyncOperation/", 0) == 0);
  CHECK(location.rfind(prefix + "serverTrustCertificatesOperationResults/", 0) == 0);
  CHECK(async.substr(async.size() - 23) == "?api-version=2025-01-01");
  CHECK(put.header("Retry-After") == "1");

  Value status = e.poll_async(async);
  CHECK(status.get("status")->as_string() == "Succeeded");
  CHECK(status.get("name")->as_string().size() == 36);
  CHECK(status.get("startTime"));
  CHECK(status.get("endTime"));
  Reply done = e.poll_location(location);
  REQUIRE(done.status == 200);
  Value resource = done.json();
  std::string thumbprint;
  {
    auto info = milink::emulator::parse_certificate_der({cert.der.begin(), cert.der.end()});
    REQUIRE(info);
    thumbprint = hex({info->sha1.begin(), info->sha1.end()});
  }
  CHECK(resource.get("id")->as_string() == path);
  CHECK(resource.get("name")->as_string() == "SqlBox1Cert");
  CHECK(resource.get("type")->as_string() == "Microsoft.Sql/managedInstances/serverTrustCertificates");
  CHECK(resource.get("properties")->get("publicBlob")->as_string() == "0x" + hex(cert.der));
  CHECK(resource.get("properties")->get("thumbprint")->as_string() == thumbprint);
  CHECK(resource.get("properties")->get("certificateName")->as_string() == "SqlBox1Cert");

  for (const char* v : {"2021-05-01-preview", "2025-01-01"}) {
    Reply get = e.arm("GET", path, v);
    REQUIRE(get.status == 200);
    CHECK(get.json() == resource);
  }
  Reply list = e.arm("GET", e.mi_path() + "/serverTrustCertificates", "2021-05-01-preview");
  REQUIRE(list.status == 200);
  bool listed = false;
  Value listed_json = list.json();
  for (const auto& item : listed_json.get("value")->as_array())
    if (item == resource) listed = true;
  CHECK(listed);
  {
    auto lock = e.world.lock();
    auto* stored = e.world.azure.find_trust_certificate("sqlbox1cert");
    REQUIRE(stored);
    CHECK(stored->der == std::vector<std::uint8_t>(cert.der.begin(), cert.der.end()));
    CHECK(stored->thumbprint == thumbprint);
  }

  // The same certificate again under the same name (bare lower-case hex, as the 2025 example writes it): 200.
  std::string lower = hex(cert.der);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Reply again = e.arm("PUT", path, "2025-01-01", cert_body(lower));
  CHECK(again.status == 200);
  CHECK(again.json() == resource);
  // Another name for the same blob, or another blob for the same name: refused.
  const std::string dup = "A certificate with a given name already exists or this certificate already has been added to the database.";
  check_error(e.arm("PUT", e.mi_path() + "/serverTrustCertificates/Copy", "2025-01-01", cert_body("0x" + hex(cert.der))),
              400, "CertificateAlreadyExists", dup);
  TestCert other = make_cert("other");
  check_error(e.arm("PUT", path, "2025-01-01", cert_body("0x" + hex(other.der))), 400, "CertificateAlreadyExists", dup);

  // DELETE: long-running, Location ends with 204; then 404; deleting again is 204.
  Reply del = e.arm("DELETE", path, "2025-01-01");
  REQUIRE(del.status == 202);
  CHECK(e.poll_async(del.header("Azure-AsyncOperation")).get("status")->as_string() == "Succeeded");
  CHECK(e.poll_location(del.header("Location")).status == 204);
  CHECK(e.arm("GET", path, "2025-01-01").status == 404);
  CHECK(e.arm("DELETE", path, "2025-01-01").status == 204);
  // An unknown operation id.
  check_error(e.arm("GET", "/subscriptions/" + e.azure->subscription_id() +
                               "/providers/Microsoft.Sql/locations/westeurope/serverTrustCertificatesAzureAsyncOperation/"
                               "00000000-0000-0000-0000-000000000000",
                    "2025-01-01"),
              404, "OperationIdNotFound", "The operation with Id does not exist.");
}

TEST_CASE("serverTrustCertificates: publicBlob must be a whole DER certificate -- bodies are checked against the spec", "[armemu][arm][trust][validation]") {
  Env& e = env();
  TestCert cert = make_cert("blob rules");
  const std::string path = e.mi_path() + "/serverTrustCertificates/BlobRules";
  // A bare public key (the classic mistake: X509Certificate2.PublicKey.EncodedKeyValue).
  check_error(e.arm("PUT", path, "2025-01-01", cert_body("0x" + hex(public_key_der(cert.der)))), 400,
              "InvalidPublicBlob", kInvalidBlob);
  // Truncated DER, DER with trailing bytes, not hex, odd length, a PEM.
  std::vector<unsigned char> truncated(cert.der.begin(), cert.der.end() - 16);
  check_error(e.arm("PUT", path, "2021-05-01-preview", cert_body("0x" + hex(truncated))), 400, "InvalidPublicBlob", kInvalidBlob);
  check_error(e.arm("PUT", path, "2025-01-01", cert_body("0x" + hex(cert.der) + "00")), 400, "InvalidPublicBlob", kInvalidBlob);
  check_error(e.arm("PUT", path, "2025-01-01", cert_body("0xZZ3082")), 400, "InvalidPublicBlob", kInvalidBlob);
  check_error(e.arm("PUT", path, "2025-01-01", cert_body("0x30820")), 400, "InvalidPublicBlob", kInvalidBlob);
  check_error(e.arm("PUT", path, "2025-01-01", cert_body(cert.certificate_pem)), 400, "InvalidPublicBlob", kInvalidBlob);
  // Missing: no blob, no properties, no body.
  for (const std::string& body : {std::string(R"({"properties":{}})"), std::string("{}"), std::string(),
                                  std::string(R"({"properties":{"publicBlob":""}})")})
    check_error(e.arm("PUT", path, "2025-01-01", body), 400, "MissingPublicBlob", "The public blob is missing.");
  CHECK(e.arm("GET", path, "2025-01-01").status == 404);

  // Bodies are checked against the spec.
  {
  TestCert cert = make_cert("validation");
  const std::string path = e.mi_path() + "/serverTrustCertificates/Validation";
  const std::string blob = "0x" + hex(cert.der);
  std::string prefix = "The request content was invalid and could not be deserialized: '";

  std::string body = R"({"properties":{"publicBlob":")" + blob + R"(","publicBlobs":"x"}})";
  Reply r = e.arm("PUT", path, "2025-01-01", body);
  check_error(r, 400, "InvalidRequestContent",
              prefix + "Could not find member 'publicBlobs' on object of type 'ServerTrustCertificateProperties'. Path "
                       "'properties.publicBlobs', line 1, position " +
                  std::to_string(body.find("\"publicBlobs\"") + 1) + ".'.");
  r = e.arm("PUT", path, "2025-01-01", R"({"properties":{"publicBlob":12}})");
  check_error(r, 400, "InvalidRequestContent",
              prefix + "Error converting value 12 to type 'System.String'. Path 'properties.publicBlob', line 1, position 16.'.");
  r = e.arm("PUT", path, "2025-01-01", "{\n  \"foo\": 1,\n  \"properties\": {}\n}");
  check_error(r, 400, "InvalidRequestContent",
              prefix + "Could not find member 'foo' on object of type 'ResourceDefinition'. Path 'foo', line 2, position 3.'.");
  r = e.arm("PUT", path, "2025-01-01", R"({"properties": )");
  CHECK(r.status == 400);
  CHECK(r.error_code() == "InvalidRequestContent");
  CHECK(r.error_message().rfind(prefix, 0) == 0);
  // Read-only members are ignored, names match in any case (the docs' scripts send PublicBlob),
  // and ARM envelope members (location, tags) are tolerated.
  r = e.arm("PUT", path, "2025-01-01",
            R"({"location":"westeurope","tags":{},"properties":{"PublicBlob":")" + blob +
                R"(","thumbprint":"00","certificateName":"ignored"}})");
  INFO(r.body);
  REQUIRE(r.status == 202);
  Reply done = e.poll_location(r.header("Location"));
  REQUIRE(done.status == 200);
  CHECK(done.json().get("properties")->get("certificateName")->as_string() == "Validation");
  CHECK(e.arm("DELETE", path, "2025-01-01").status == 202);
  }
}

TEST_CASE("endpointCertificates: the managed instance's DATABASE_MIRRORING and SERVICE_BROKER certificates", "[armemu][arm][endpoint]") {
  Env& e = env();
  std::vector<std::uint8_t> mirroring;
  {
    auto lock = e.world.lock();
    REQUIRE(e.world.managed_instance.endpoint_certificate);
    mirroring = e.world.managed_instance.endpoint_certificate->x509.der;
  }
  for (const char* v : {"2021-11-01-preview", "2025-01-01"}) {
    Reply r = e.arm("GET", e.mi_path() + "/endpointCertificates/DATABASE_MIRRORING", v);
    INFO(r.body);
    REQUIRE(r.status == 200);
    Value body = r.json();
    CHECK(body.get("id")->as_string() == e.mi_path() + "/endpointCertificates/DATABASE_MIRRORING");
    CHECK(body.get("name")->as_string() == "DATABASE_MIRRORING");
    CHECK(body.get("type")->as_string() == "Microsoft.Sql/managedInstances/endpointCertificates");
    CHECK(body.get("properties")->get("publicBlob")->as_string() == "0x" + hex({mirroring.begin(), mirroring.end()}));
  }
  Reply sb = e.arm("GET", e.mi_path() + "/endpointCertificates/service_broker", "2025-01-01");
  REQUIRE(sb.status == 200);
  CHECK(sb.json().get("name")->as_string() == "SERVICE_BROKER");
  std::string sb_blob = sb.json().get("properties")->get("publicBlob")->as_string();
  CHECK(sb_blob != "0x" + hex({mirroring.begin(), mirroring.end()}));
  auto sb_der = [&] {
    std::vector<unsigned char> out;
    for (std::size_t i = 2; i + 1 < sb_blob.size(); i += 2) out.push_back(static_cast<unsigned char>(std::stoi(sb_blob.substr(i, 2), nullptr, 16)));
    return out;
  }();
  CHECK(milink::emulator::certificate_signed_by({sb_der.begin(), sb_der.end()}, e.world.root_ca.info.der));

  Reply list = e.arm("GET", e.mi_path() + "/endpointCertificates", "2021-11-01-preview");
  REQUIRE(list.status == 200);
  auto items = list.json().get("value")->as_array();
  REQUIRE(items.size() == 2);
  CHECK(items[0].get("name")->as_string() == "DATABASE_MIRRORING");
  CHECK(items[1].get("name")->as_string() == "SERVICE_BROKER");

  Reply missing = e.arm("GET", e.mi_path() + "/endpointCertificates/FOO", "2025-01-01");
  check_error(missing, 404, "ResourceNotFound",
              "The Resource 'Microsoft.Sql/managedInstances/" + e.azure->managed_instance_name() +
                  "/endpointCertificates/FOO' under resource group '" + e.azure->resource_group() +
                  "' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix");
  CHECK(e.arm("PUT", e.mi_path() + "/endpointCertificates/DATABASE_MIRRORING", "2025-01-01", "{}").status == 405);
}
