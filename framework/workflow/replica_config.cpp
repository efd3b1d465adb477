#include "workflow/replica_config.hpp"

#include "workflow/schema.hpp"
#include "workflow/workflow_parser.hpp"

#include <boost/algorithm/string/predicate.hpp>

namespace milink::workflow {

using milink::sdk::json_pointer_join;
using milink::sdk::Value;

void check_sql_replicas(const milink::sdk::Object& top, Diagnostics& diags) {
  if (const Value* mi = top.find("managed_instance"); mi && mi->is_object())
    for (const char* key : {"availability_group", "listener", "replicas"})
      if (mi->as_object().contains(key))
        diags.error(json_pointer_join("/managed_instance", key),
                    std::string("\"") + key + "\" belongs under /sqlserver, not /managed_instance",
                    "move it to the sqlserver section: only SQL Server runs the existing availability group");
  const Value* sql = top.find("sqlserver");
  if (sql == nullptr || !sql->is_object()) return;
  const Value* replicas = sql->get("replicas");
  if (replicas == nullptr || !replicas->is_array()) return;  // the type is checked with the other keys
  const Value* ag = sql->get("availability_group");
  if (!replicas->as_array().empty() && (ag == nullptr || !ag->is_string() || ag->as_string().empty()))
    diags.error("/sqlserver/replicas", "replicas are given without the availability group they belong to",
                "add \"availability_group\": \"<AG name>\" to /sqlserver (the AG whose secondaries these are)");
  std::string primary;
  if (const Value* n = sql->get("name"); n && n->is_string()) primary = n->as_string();
  std::vector<std::string> seen;
  const auto& arr = replicas->as_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const std::string p = json_pointer_join("/sqlserver/replicas", i);
    if (!arr[i].is_object()) {
      diags.error(p, "a replica must be an object such as {\"name\": \"sqlbox2\", \"host\": \"sqlbox2.contoso.com\"}");
      continue;
    }
    check_keys(arr[i].as_object(), sql_replica_schema(), p, diags);
    for (const char* key : {"port", "endpoint_port"}) {
      const Value* port = arr[i].get(key);
      if (port != nullptr && port->is_int() && (port->as_int() < 1 || port->as_int() > 65535))
        diags.error(json_pointer_join(p, key), std::to_string(port->as_int()) + " is not a TCP port",
                    "a port is between 1 and 65535");
    }
    const Value* name = arr[i].get("name");
    if (name == nullptr || !name->is_string()) continue;  // reported by check_keys
    const std::string& n = name->as_string();
    if (n.empty()) {
      diags.error(json_pointer_join(p, "name"), "a replica's name cannot be empty",
                  "give the replica's @@SERVERNAME");
      continue;
    }
    if (boost::algorithm::iequals(n, primary))
      diags.error(json_pointer_join(p, "name"), "\"" + n + "\" is /sqlserver/name, the primary replica",
                  "list only the secondary replicas under /sqlserver/replicas");
    for (const auto& s : seen)
      if (boost::algorithm::iequals(s, n))
        diags.error(json_pointer_join(p, "name"), "replica \"" + n + "\" is listed twice",
                    "list each secondary replica once");
    seen.push_back(n);
  }
}

}  // namespace milink::workflow
