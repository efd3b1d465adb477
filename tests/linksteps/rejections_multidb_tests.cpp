// The multi-database link's parameters, refused before anything runs, word
// for word: arm-link's link_mode with an api-version without linkMode, several
// databases without MultiDatabase, a name Azure does not take for a
// multi-database link; dag's multi_database name; link-databases' lists and
// api-version; ag's databases listed twice.
#include "rejections_rig.hpp"

#include <catch2/catch.hpp>

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;
using rejections::refused;
using rejections::refused_before_run;
using rejections::one_step;

namespace {

Value list(std::initializer_list<const char*> names) {
  Array a;
  for (const char* n : names) a.push_back(Value(n));
  return Value(a);
}

Value multi_link(Object extra = {}) {
  Object with{{"name", Value("link-sales")},
              {"databases", list({"sales", "hr"})},
              {"link_mode", Value("MultiDatabase")},
              {"ag_name", Value("AG_sales")},
              {"partner_endpoint", Value("TCP://sqlbox1.example.com:5022")},
              {"api_version", Value("2025-08-01-preview")}};
  for (const auto& [k, v] : extra) with.set(k, v);
  return one_step("arm-link", with);
}

Value link_databases(Object extra = {}) {
  Object with{{"name", Value("link-sales")}, {"ag_name", Value("AG_sales")}, {"add", list({"crm"})}};
  for (const auto& [k, v] : extra) with.set(k, v);
  return one_step("link-databases", with);
}

}  // namespace

TEST_CASE("linksteps: rejections: arm-link's link_mode needs an api-version with linkMode", "[linksteps][rejections][multidb]") {
  rejections::Offline offline;
  for (const char* v : {"2025-01-01", "2021-05-01-preview", "2024-11-01-preview"}) {
    INFO(v);
    CHECK(refused_before_run(offline.run(multi_link(Object{{"api_version", Value(v)}})), "arm-link",
                  std::string("parameter \"link_mode\": api-version ") + v +
                      " has no linkMode (it came with 2025-02-01-preview); set api_version to 2025-08-01-preview, or "
                      "leave link_mode out for a single-database link"));
  }
  CHECK(refused_before_run(offline.run(multi_link(Object{{"link_mode", Value("Multi")}})), "arm-link",
                "parameter \"link_mode\": \"Multi\" is not a link mode; write SingleDatabase or MultiDatabase"));
}

TEST_CASE("linksteps: rejections: arm-link's databases and a multi-database link's name", "[linksteps][rejections][multidb]") {
  rejections::Offline offline;
  CHECK(refused_before_run(offline.run(multi_link(Object{{"link_mode", Value("SingleDatabase")}})), "arm-link",
                "parameter \"databases\": a link carries one database unless link_mode is MultiDatabase; set "
                "link_mode: MultiDatabase (with api_version 2025-08-01-preview) or give one database"));
  CHECK(refused_before_run(offline.run(multi_link(Object{{"name", Value("DAG_sales")}})), "arm-link",
                "parameter \"name\": \"DAG_sales\" cannot name a multi-database link: Azure takes only lower-case "
                "letters a-z, digits and hyphens (not first or last); name the DAG e.g. \"link-sales\""));
  CHECK(refused_before_run(offline.run(multi_link(Object{{"database", Value("hr")}})), "arm-link",
                "parameter \"database\": \"hr\" is not the first of databases; leave database out"));
}

TEST_CASE("linksteps: rejections: dag's multi_database name", "[linksteps][rejections][multidb]") {
  rejections::Offline offline;
  Object with{{"database", Value("sales")},
              {"ag_name", Value("AG_sales")},
              {"listener_url", Value("TCP://sqlbox1.example.com:5022")},
              {"instance_name", Value("mi1")},
              {"instance_fqdn", Value("mi1.abc123def456.database.windows.net")},
              {"multi_database", Value(true)}};
  CHECK(refused_before_run(offline.run(one_step("dag", with)), "dag",
                "parameter \"name_pattern\": \"DAG_sales\" cannot name a multi-database link: Azure takes only "
                "lower-case letters a-z, digits and hyphens (not first or last); set name_pattern to e.g. "
                "\"link-sales\""));
}

TEST_CASE("linksteps: rejections: dag's replicas", "[linksteps][rejections][multidb][existing_ag]") {
  rejections::Offline offline;
  Object with{{"database", Value("sales")},
              {"ag_name", Value("AG_prod")},
              {"listener_url", Value("TCP://aglistener:5022")},
              {"instance_name", Value("mi1")},
              {"instance_fqdn", Value("mi1.abc123def456.database.windows.net")},
              {"name_pattern", Value("milink-ag")},
              {"replicas", Value(milink::sdk::Array{Value(Object{{"name", Value("sqlbox2")}})})}};
  CHECK(refused_before_run(offline.run(one_step("dag", with)), "dag",
                "parameter \"replicas\": replicas are for a multi-database link only; set multi_database to true"));
  with.set("multi_database", Value(true));
  with.set("replicas", Value(milink::sdk::Array{Value(Object{{"host", Value("10.0.0.6")}})}));
  CHECK(refused_before_run(offline.run(one_step("dag", with)), "dag",
                "parameter \"replicas\": each replica must be an object with a name (the config's "
                "sqlserver.replicas)"));
}

TEST_CASE("linksteps: rejections: link-databases' lists and api-version", "[linksteps][rejections][multidb]") {
  rejections::Offline offline;
  CHECK(refused_before_run(offline.run(link_databases(Object{{"remove", list({"crm"})}})), "link-databases",
                "parameter \"remove\": \"crm\" is both in add and in remove; list it in one of them"));
  CHECK(refused_before_run(offline.run(link_databases(Object{{"add", list({"crm", "CRM"})}})), "link-databases",
                "parameter \"add\": \"CRM\" is listed twice"));
  CHECK(refused_before_run(offline.run(link_databases(Object{{"api_version", Value("2025-01-01")}})), "link-databases",
                "parameter \"api_version\": api-version 2025-01-01 has no multi-database links (linkMode came with "
                "2025-02-01-preview); set api_version to 2025-08-01-preview"));
}

TEST_CASE("linksteps: rejections: ag's databases listed twice", "[linksteps][rejections][multidb]") {
  rejections::Offline offline;
  Object with{{"databases", list({"sales", "hr", "sales"})}, {"endpoint_url", Value("TCP://sqlbox1.example.com:5022")}};
  CHECK(refused_before_run(offline.run(one_step("ag", with)), "ag", "parameter \"databases\": \"sales\" is listed twice"));
}
