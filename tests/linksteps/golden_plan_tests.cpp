// Golden plans: each bundled link step alone in a one-step workflow with the
// seed's example values (sqlserver1 / sqlserver1.domain.com / 10.0.1.100,
// managedinstance1.6d710bcf372b.database.windows.net, database sales,
// Cert_sqlserver1_endpoint), run through `milink plan --out DIR`, which
// connects nowhere. Every file milink writes into DIR is compared byte for
// byte with a reviewed copy under golden/<plugin>/; the sets of files must
// match too. MILINK_UPDATE_GOLDEN=1 rewrites the copies instead (review the
// diff before checking it in). The master key password is a secret: it must
// not appear in any plan file.
#include "linksteps_rig.hpp"

#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <regex>

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;
using testsupport::write_file;

namespace {

const char* kSubscription = "00000000-0000-0000-0000-000000000000";
const char* kResourceGroup = "rg-sqlmi-link";
const char* kInstance = "managedinstance1";
const char* kInstanceFqdn = "managedinstance1.6d710bcf372b.database.windows.net";
const char* kEndpointUrl = "TCP://10.0.1.100:5022";
/// A fixed stand-in for CERTENCODED(CERT_ID('Cert_sqlserver1_endpoint')): the
/// start of a DER certificate (plan connects nowhere, so nothing checks it).
const char* kPublicKey = "0x308202FA308201E2A00302010202104C2A7E5D6B1F4E5A8B9C0D1E2F3A4B5C300D06092A864886F70D01010B0500";

bool updating() {
  const char* v = std::getenv("MILINK_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

/// The config: the seed's names, ARM coordinates as placeholders, the
/// master key password from a file. No credential: plan connects nowhere.
Value plan_config() {
  return Value(Object{
      {"milink_config", Value(1)},
      {"sqlserver", Value(Object{{"name", Value("sqlserver1")},
                                 {"fqdn", Value("sqlserver1.domain.com")},
                                 {"host", Value("10.0.1.100")},
                                 {"user", Value("sa")},
                                 {"password", Value(Object{{"from_file", Value("sql-password")}})},
                                 {"endpoint_port", Value(5022)}})},
      {"managed_instance", Value(Object{{"name", Value(kInstance)}, {"fqdn", Value(kInstanceFqdn)}})},
      {"azure", Value(Object{{"subscription_id", Value(kSubscription)},
                             {"resource_group", Value(kResourceGroup)},
                             {"instance_name", Value(kInstance)}})},
      {"databases", Value(Array{Value("sales")})},
      {"inputs", Value(Object{{"master_key_password", Value(Object{{"from_file", Value("master-key-password")}})}})}});
}

/// A one-step workflow: step \p id (the id the bundled workflows give it) runs \p uses with \p with. It declares the secret
/// master_key_password input (set by the config) so every plan has it in scope.
Value one_step(const std::string& id, const std::string& uses, const Object& with) {
  return Value(Object{
      {"milink", Value(1)},
      {"name", Value("golden-" + uses)},
      {"inputs", Value(Object{{"master_key_password", Value(Object{{"type", Value("string")}, {"secret", Value(true)}})}})},
      {"steps", Value(Array{Value(Object{{"id", Value(id)}, {"uses", Value(uses)}, {"with", Value(with)}})})}});
}

/// Plans \p workflow and compares (or, when updating, rewrites) golden/<golden>.
void check_golden(const std::string& golden, const Value& workflow) {
  testsupport::TempDir dir;
  write_file(dir / "wf.json", workflow.to_pretty_json() + "\n");
  write_file(dir / "milink.json", plan_config().to_pretty_json() + "\n");
  write_file(dir / "sql-password", "Sql#Passw0rd-not-used\n");
  write_file(dir / "master-key-password", std::string(linksteps::kMasterKeyPassword) + "\n");

  // Offline: the config points nowhere, and placeholders are what is compared.
  auto r = linksteps::milink({"plan", "wf.json", "-c", "milink.json", "--offline", "--out", "plan"}, dir.path());
  REQUIRE(r.exit_code == 0);
  auto produced = linksteps::files_in(dir / "plan");
  // When the plan was made is the one thing that differs between runs.
  static const std::regex made_at("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z");
  for (auto& [name, text] : produced) text = std::regex_replace(text, made_at, "<made at>");
  REQUIRE(!produced.empty());

  // The secret, in any of its forms, is in no plan file.
  const std::string password = linksteps::kMasterKeyPassword;
  std::string sql_quoted;
  for (char c : password) sql_quoted += c == '\'' ? std::string("''") : std::string(1, c);
  for (const auto& [name, text] : produced) {
    INFO(name);
    CHECK(text.find(password) == std::string::npos);
    CHECK(text.find(sql_quoted) == std::string::npos);
    CHECK(text.find("L1nk") == std::string::npos);  // not even part of it
  }

  const std::filesystem::path golden_dir = std::filesystem::path(MILINK_LINKSTEPS_GOLDEN_DIR) / golden;
  if (updating()) {
    std::filesystem::remove_all(golden_dir);
    std::filesystem::create_directories(golden_dir);
    for (const auto& [name, text] : produced) write_file(golden_dir / name, text);
    WARN("rewrote " << golden_dir.string() << ": review the diff");
    return;
  }
  auto expected = linksteps::files_in(golden_dir);
  REQUIRE_FALSE(expected.empty());  // MILINK_UPDATE_GOLDEN=1 creates it
  std::vector<std::string> produced_names, expected_names;
  for (const auto& kv : produced) produced_names.push_back(kv.first);
  for (const auto& kv : expected) expected_names.push_back(kv.first);
  CHECK(produced_names == expected_names);
  for (const auto& [name, text] : expected) {
    auto it = produced.find(name);
    if (it == produced.end()) continue;
    INFO("golden/" << golden << "/" << name << " differs (MILINK_UPDATE_GOLDEN=1 rewrites it)\n--- produced\n"
                   << it->second);
    CHECK(it->second == text);
  }
}

}  // namespace

TEST_CASE("linksteps: golden plan: sqlserver-cert creates the master key and Cert_sqlserver1_endpoint", "[linksteps][golden]") {
  check_golden("sqlserver-cert",
               one_step("cert", "sqlserver-cert", Object{{"master_key_password", Value("${{ inputs.master_key_password }}")},
                                                 {"server_name", Value("${{ config.sqlserver.name }}")},
                                                 {"expiry_date", Value("2099-03-30")}}));
}

TEST_CASE("linksteps: golden plan: mi-cert-import trusts both ways, the instance certificate read with T-SQL",
          "[linksteps][golden]") {
  check_golden("mi-cert-import",
               one_step("trust", "mi-cert-import", Object{{"certificate_name", Value("Cert_sqlserver1_endpoint")},
                                                 {"public_key", Value(kPublicKey)},
                                                 {"instance_fqdn", Value("${{ config.managed_instance.fqdn }}")},
                                                 {"instance_certificate_source", Value("tsql")},
                                                 {"api_version", Value("2021-08-01-preview")}}));
}

TEST_CASE("linksteps: golden plan: mirroring-endpoint creates the certificate endpoint on 5022", "[linksteps][golden]") {
  check_golden("mirroring-endpoint",
               one_step("endpoint", "mirroring-endpoint", Object{{"certificate_name", Value("Cert_sqlserver1_endpoint")},
                                                     {"port", Value("${{ config.sqlserver.endpoint_port }}")},
                                                     {"host", Value("${{ config.sqlserver.host }}")}}));
}

TEST_CASE("linksteps: golden plan: ag creates AG_sales on sqlserver1", "[linksteps][golden]") {
  check_golden("ag", one_step("ag", "ag", Object{{"database", Value("sales")},
                                           {"server_name", Value("${{ config.sqlserver.name }}")},
                                           {"endpoint_url", Value(kEndpointUrl)}}));
}

TEST_CASE("linksteps: golden plan: dag joins AG_sales and AG_sales_MI on managedinstance1 as DAG_sales", "[linksteps][golden]") {
  check_golden("dag", one_step("dag", "dag", Object{{"database", Value("sales")},
                                             {"ag_name", Value("AG_sales")},
                                             {"listener_url", Value(kEndpointUrl)},
                                             {"instance_name", Value("${{ config.managed_instance.name }}")},
                                             {"instance_fqdn", Value("${{ config.managed_instance.fqdn }}")}}));
}

TEST_CASE("linksteps: golden plan: arm-link with the seed api-version 2021-05-01-preview", "[linksteps][golden]") {
  check_golden("arm-link/2021-05-01-preview",
               one_step("link", "arm-link", Object{{"name", Value("DAG_sales")},
                                           {"database", Value("sales")},
                                           {"ag_name", Value("AG_sales")},
                                           {"instance_ag_name", Value("${{ config.managed_instance.name }}")},
                                           {"partner_endpoint", Value(kEndpointUrl)},
                                           {"api_version", Value("2021-05-01-preview")}}));
}

TEST_CASE("linksteps: golden plan: arm-link with api-version 2025-01-01", "[linksteps][golden]") {
  check_golden("arm-link/2025-01-01",
               one_step("link", "arm-link", Object{{"name", Value("DAG_sales")},
                                           {"database", Value("sales")},
                                           {"ag_name", Value("AG_sales")},
                                           {"instance_ag_name", Value("${{ config.managed_instance.name }}")},
                                           {"partner_endpoint", Value(kEndpointUrl)},
                                           {"api_version", Value("2025-01-01")}}));
}

TEST_CASE("linksteps: golden plan: arm-link with failover_mode manual and replication_mode sync", "[linksteps][golden]") {
  check_golden("arm-link/2025-01-01-manual-sync",
               one_step("link", "arm-link", Object{{"name", Value("DAG_sales")},
                                           {"database", Value("sales")},
                                           {"ag_name", Value("AG_sales")},
                                           {"instance_ag_name", Value("AG_sales_MI")},
                                           {"partner_endpoint", Value(kEndpointUrl)},
                                           {"failover_mode", Value("manual")},
                                           {"replication_mode", Value("sync")}}));
}

TEST_CASE("linksteps: golden plan: the removal steps mark every action destructive", "[linksteps][golden]") {
  Value wf = one_step("link", "remove-link", Object{{"name", Value("DAG_sales")}});
  auto& steps = wf.mutable_object().find("steps")->mutable_array();
  steps.push_back(Value(Object{{"id", Value("dag")}, {"uses", Value("remove-dag")},
                               {"with", Value(Object{{"name", Value("DAG_sales")}, {"drop_ag", Value(true)},
                                                     {"ag_name", Value("AG_sales")}})}}));
  steps.push_back(Value(Object{{"id", Value("trust")}, {"uses", Value("remove-trust")},
                               {"with", Value(Object{{"instance_fqdn", Value(kInstanceFqdn)},
                                                     {"drop_trust_certificate", Value(true)},
                                                     {"drop_instance_certificate", Value(true)}})}}));
  check_golden("remove-link", wf);
}

TEST_CASE("linksteps: golden plan: failover, planned and forced, each way, every action destructive",
          "[linksteps][golden]") {
  check_golden("failover/planned-to-instance", one_step("failover", "failover", Object{{"name", Value("DAG_sales")}}));
  check_golden("failover/planned-to-sqlserver",
               one_step("failback", "failover", Object{{"name", Value("DAG_sales")}, {"to", Value("sqlserver")}}));
  check_golden("failover/forced-to-instance",
               one_step("failover", "failover",
                        Object{{"name", Value("DAG_sales")}, {"type", Value("forced")},
                               {"acknowledge_data_loss", Value(true)}}));
  check_golden("failover/forced-to-sqlserver",
               one_step("failback", "failover",
                        Object{{"name", Value("DAG_sales")}, {"type", Value("forced")}, {"to", Value("sqlserver")},
                               {"acknowledge_data_loss", Value(true)}}));
}

TEST_CASE("linksteps: golden plan: verify only reads", "[linksteps][golden]") {
  check_golden("verify", one_step("verify", "verify", Object{{"dag_name", Value("DAG_sales")},
                                                   {"database", Value("sales")},
                                                   {"instance_name", Value("${{ config.managed_instance.name }}")},
                                                   {"timeout_seconds", Value(600)}}));
}
