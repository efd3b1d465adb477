#include "config.hpp"

#include <milink/link/polling.hpp>

#include <algorithm>
#include <cctype>

namespace milink::netcheck {

using milink::sdk::ConfigError;
using milink::sdk::ParamSpec;
using milink::sdk::Value;
using milink::sdk::Output;
using milink::sdk::Param;

bool valid_host(const std::string& host) {
  return !host.empty() && host.size() <= 253 && host.front() != '-' &&
         std::all_of(host.begin(), host.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '.' || c == '-' || c == ':';
         });
}

std::vector<ParamSpec> spec_params() {
  return {
      Param::string("sqlserver_target")
          .defaults_to(Value("sqlserver"))
          .doc("SQL target (config section) of SQL Server"),
      Param::string("mi_target")
          .defaults_to(Value("managed_instance"))
          .doc("SQL target (config section) of the managed instance"),
      Param::string("sqlserver_host")
          .required()
          .doc("The address the managed instance connects to for SQL Server: the host of the link's partner "
               "endpoint (e.g. ${{ config.sqlserver.fqdn }})"),
      Param::integer("endpoint_port")
          .defaults_to(Value(5022))
          .doc("SQL Server's database mirroring endpoint port, tested from the instance"),
      Param::string("instance_fqdn")
          .defaults_to(Value(""))
          .doc("The instance's DNS name SQL Server connects to on 5022; default: its DnsRecordName "
               "(sys.dm_hadr_fabric_config_parameters)"),
      Param::boolean("from_sqlserver")
          .defaults_to(Value(true))
          .doc("Test SQL Server -> instance: 5022 and the instance node's port (11000-11999), with an Agent job on SQL Server"),
      Param::boolean("from_instance")
          .defaults_to(Value(true))
          .doc("Test instance -> SQL Server on endpoint_port, with an Agent job on the instance (and a temporary endpoint "
               "on SQL Server when it has none)"),
      Param::integer("timeout_seconds")
          .defaults_to(Value(120))
          .doc("How long to wait for each test job to finish (1-3600)"),
      Param::integer("poll_interval_ms")
          .defaults_to(Value(1000))
          .doc("How often to look at the job's history (10-600000)"),
  };
}

std::vector<milink::sdk::OutputSpec> spec_outputs() {
  return {
      Output::integer("passed").doc("Connection tests that passed"),
      Output::array("tests").doc("One entry per test: {direction, target, port, status (PASS|FAIL|WARN), detail}"),
  };
}

Config parse_config(const milink::sdk::Params& p) {
  Config c;
  c.sqlserver_target = p.string("sqlserver_target");
  c.mi_target = p.string("mi_target");
  c.sqlserver_host = p.string("sqlserver_host");
  if (!p.value("sqlserver_host").is_unknown() && !valid_host(c.sqlserver_host))
    throw ConfigError("sqlserver_host", "\"" + c.sqlserver_host +
                                            "\" is not a host name or IP address; set sqlserver.fqdn in the config to "
                                            "the address the managed instance reaches SQL Server at");
  c.endpoint_port = p.integer("endpoint_port");
  if (c.endpoint_port < 1 || c.endpoint_port > 65535)
    throw ConfigError("endpoint_port", std::to_string(c.endpoint_port) + " is not a TCP port (1-65535)");
  c.instance_fqdn = p.string("instance_fqdn");
  if (!p.value("instance_fqdn").is_unknown() && !c.instance_fqdn.empty() && !valid_host(c.instance_fqdn))
    throw ConfigError("instance_fqdn", "\"" + c.instance_fqdn +
                                           "\" is not a host name; set managed_instance.fqdn in the config (or leave "
                                           "it empty to read the instance's own)");
  c.from_sqlserver = p.boolean("from_sqlserver");
  c.from_instance = p.boolean("from_instance");
  c.timeout_seconds = p.integer("timeout_seconds");
  if (c.timeout_seconds < 1 || c.timeout_seconds > 3600)
    throw ConfigError("timeout_seconds", std::to_string(c.timeout_seconds) + " is out of range; give 1 to 3600 seconds");
  c.poll_interval_ms = milink::link::read_poll_interval(p);
  return c;
}

}  // namespace milink::netcheck
