#include <milink/link/ag_membership.hpp>

#include <milink/link/names.hpp>
#include <milink/link/results.hpp>
#include <milink/sdk/quote.hpp>

#include <algorithm>

namespace milink::link {

namespace tsql = milink::sdk::tsql;

std::vector<std::string> database_list(const milink::sdk::Params& p, const char* field) {
  std::vector<std::string> out;
  for (const auto& d : p.strings(field)) {
    check_sysname(d, field);
    if (has_name(out, d)) throw milink::sdk::ConfigError(field, "\"" + d + "\" is listed twice");
    out.push_back(d);
  }
  return out;
}

std::vector<std::string> replica_names(const milink::sdk::Params& p, const char* field) {
  std::vector<std::string> out;
  for (const milink::sdk::Value& r : p.value(field).as_array()) {
    const milink::sdk::Value* name = r.is_object() ? r.get("name") : &r;
    if (name == nullptr || !name->is_string() || name->as_string().empty())
      throw milink::sdk::ConfigError(field, "each replica must be an object with a name (the config's sqlserver.replicas)");
    out.push_back(name->as_string());
  }
  return out;
}

std::string replica_target(const std::string& name) { return "sqlserver.replicas." + name; }

bool has_name(const std::vector<std::string>& names, const std::string& name) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& x) { return iequals(x, name); });
}

std::string quoted_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + tsql::quote_identifier(n);
  return out;
}

std::string add_database_sql(const std::string& ag, const std::string& database) {
  return "ALTER AVAILABILITY GROUP " + tsql::quote_identifier(ag) + " ADD DATABASE " + tsql::quote_identifier(database) + ";";
}

std::string remove_database_sql(const std::string& ag, const std::string& database) {
  return "ALTER AVAILABILITY GROUP " + tsql::quote_identifier(ag) + " REMOVE DATABASE " + tsql::quote_identifier(database) +
         ";";
}

}  // namespace milink::link
