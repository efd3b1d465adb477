#include "workflow/schema.hpp"

namespace milink::workflow {

const KeySpec* ObjectSchema::find(const std::string& key) const {
  for (const auto& k : keys)
    if (key == k.key) return &k;
  return nullptr;
}

std::vector<std::string> ObjectSchema::key_names() const {
  std::vector<std::string> out;
  for (const auto& k : keys) out.emplace_back(k.key);
  return out;
}

const ObjectSchema& workflow_schema() {
  static const ObjectSchema s{
      "workflow", "the top level of a workflow file",
      {
          {"milink", "integer", true, "Format version of the workflow language. Must be 1."},
          {"name", "string", true, "Name shown in progress, plans and the journal."},
          {"description", "string", false, "What the workflow does, for people."},
          {"inputs", "object", false, "Declared inputs, by name (see *input*). Only declared inputs can be read."},
          {"steps", "array", true, "The steps, run in order (see *step*)."},
      }};
  return s;
}

const ObjectSchema& input_schema() {
  static const ObjectSchema s{
      "input", "/inputs/NAME",
      {
          {"type", "string", false,
           "One of string, integer, number, boolean, array, object, any. Default string."},
          {"required", "boolean", false, "The run fails validation when no value is given. Default false."},
          {"default", "any", false, "Value when neither --set nor the config's inputs give one."},
          {"description", "string", false, "What the input means."},
          {"secret", "boolean", false, "Redact the value everywhere. Default false."},
      }};
  return s;
}

const ObjectSchema& step_schema() {
  static const ObjectSchema s{
      "step", "/steps/N (and /steps/N/steps/M inside a group)",
      {
          {"id", "string", true,
           "snake_case identifier, unique within the workflow; later steps read steps.<id>.outputs.<name>."},
          {"name", "string", false, "Display name. Default: the id."},
          {"uses", "string", false,
           "The step plugin to run, by the name in its spec (milink plugins list). A step has either "
           "uses or steps."},
          {"with", "object", false, "Parameters for the plugin, checked against its spec. Values may be ${{ }} expressions."},
          {"steps", "array", false,
           "A group: these steps run in order, once per for_each item (or once). Inside, steps.<id> "
           "refers to the same item's steps."},
          {"if", "string", false,
           "Run only when this expression is truthy; otherwise the step is skipped. ${{ }} optional."},
          {"for_each", "string|array", false,
           "Run once per element of this array (literal, or one ${{ }} expression), concurrently up to "
           "max_parallel."},
          {"as", "string", false, "Name of the loop variable inside for_each. Default item."},
          {"max_parallel", "integer|object", false,
           "How many for_each branches run at once when the user gives no --parallel (which overrides it); "
           "without both, 4. As {\"limit\": N, \"reason\": \"...\"} (see *max_parallel ceiling*) it is also a "
           "ceiling: a higher --parallel is lowered to N, with a warning that gives the reason."},
          {"concurrency", "object", false,
           "Bound how many executions of this step (or group branches) apply at once across the whole run, "
           "by a key (see *concurrency*). A step that only observes never waits."},
          {"on_error", "string", false,
           "stop (default: running branches finish, then the workflow stops), continue (the workflow goes "
           "on), or fail_fast (branches not yet started are cancelled)."},
      }};
  return s;
}

const ObjectSchema& max_parallel_ceiling_schema() {
  static const ObjectSchema s{
      "max_parallel ceiling", "/steps/N/max_parallel, when an object",
      {
          {"limit", "integer", true, "At most this many for_each branches at once, 1 to 1024, whatever --parallel says."},
          {"reason", "string", true,
           "Why the workflow must not run more at once; shown when it lowers the user's --parallel."},
      }};
  return s;
}

const ObjectSchema& concurrency_schema() {
  static const ObjectSchema s{
      "concurrency", "/steps/N/concurrency",
      {
          {"group", "string", true,
           "Name of the group; ${{ }} expressions allowed (loop variables too), evaluated per execution. "
           "Executions whose group evaluates to the same text share its slots, across all for_each branches "
           "and steps of the run."},
          {"limit", "integer|string", true,
           "Slots in the group: 1 to 1024, or one ${{ }} expression that gives such an integer. An execution "
           "waits (Ctrl-C ends the wait) until fewer than its limit hold a slot. A leaf step takes its slot "
           "just before apply and gives it back when it ends; a group branch takes it before the first of its "
           "steps applies and gives it back when its last step ends."},
      }};
  return s;
}

const ObjectSchema& config_schema() {
  static const ObjectSchema s{
      "config", "the top level of a config file (-c)",
      {
          {"milink_config", "integer", true, "Format version of the config file. Must be 1."},
          {"sqlserver", "object", false, "The SQL Server instance (see *sql target*)."},
          {"managed_instance", "object", false, "The managed instance's SQL endpoint (see *sql target*)."},
          {"azure", "object", false, "Azure Resource Manager coordinates (see *azure*)."},
          {"databases", "array", false, "Databases to link, for workflows that iterate over them."},
          {"inputs", "object", false,
           "Values for the workflow's inputs (overridden by --set). One config can serve several workflows: an "
           "input this workflow does not declare is left unused, unless its name is close to one it declares "
           "(then it is reported as a typo)."},
          {"providers", "object", false,
           "Configured providers by instance name (see *provider instance*), e.g. the Azure credential."},
          {"settings", "object", false, "Free-form values workflows may read as config.settings.*; a key that is not set reads as null."},
      }};
  return s;
}

const ObjectSchema& sql_target_schema() {
  static const ObjectSchema s{
      "sql target", "/sqlserver and /managed_instance in a config file",
      {
          {"name", "string", false, "Server name (@@SERVERNAME) or managed instance name."},
          {"fqdn", "string", false, "Fully qualified DNS name the other side uses to reach this server."},
          {"host", "string", false, "Host to connect to for T-SQL."},
          {"port", "integer", false, "TCP port for T-SQL. Default 1433."},
          {"user", "string", false, "SQL login."},
          {"password", "string|secret", false, "Password; use a secret reference ({\"from_env\": ...})."},
          {"driver", "string", false, "ODBC driver name. Default FreeTDS."},
          {"encryption", "string", false, "off, request or require."},
          {"connection_string", "string|secret", false, "Extra ODBC connection-string keywords."},
          {"ca_file", "string", false,
           "CA bundle (PEM) that issued the server's TLS certificate, relative to the config file; default: the "
           "system's trusted CAs. Setting it makes sqlserver verify too."},
          {"trust_server_certificate", "boolean", false,
           "sqlserver only: true skips verifying its certificate (self-signed); false verifies against the system "
           "CAs. The managed instance's certificate is always verified."},
          {"endpoint_port", "integer", false, "Database mirroring endpoint port. Default 5022."},
          {"timeout_seconds", "integer", false, "Statement timeout."},
          {"availability_group", "string", false,
           "/sqlserver only: the availability group the databases already are in, when the link goes through an "
           "existing AG (workflows/replicate-existing-ag.json); this server is its primary replica."},
          {"listener", "string", false,
           "/sqlserver only: the DNS name (or IP address) of that AG's listener. The distributed availability "
           "group and the link then reach the AG through TCP://<listener>:<endpoint_port>."},
          {"replicas", "array", false,
           "/sqlserver only: that AG's secondary replicas, one *sql replica* object each. Each is also a SQL "
           "target named sqlserver.replicas.<name>."},
      }};
  return s;
}

const ObjectSchema& sql_replica_schema() {
  static const ObjectSchema s{
      "sql replica", "each element of /sqlserver/replicas in a config file",
      {
          {"name", "string", true, "The replica's server name (@@SERVERNAME), as the AG names it."},
          {"fqdn", "string", false, "DNS name the managed instance uses to reach this replica. Default: name."},
          {"host", "string", false, "Host to connect to for T-SQL."},
          {"port", "integer", false, "TCP port for T-SQL. Default 1433."},
          {"user", "string", false, "SQL login. Default: /sqlserver/user."},
          {"password", "string|secret", false, "Password. Default: /sqlserver/password."},
          {"driver", "string", false, "ODBC driver name. Default: /sqlserver/driver."},
          {"encryption", "string", false, "off, request or require. Default: /sqlserver/encryption."},
          {"connection_string", "string|secret", false, "Extra ODBC keywords. Default: /sqlserver/connection_string."},
          {"endpoint_port", "integer", false, "Database mirroring endpoint port. Default: /sqlserver/endpoint_port."},
          {"timeout_seconds", "integer", false, "Statement timeout. Default: /sqlserver/timeout_seconds."},
      }};
  return s;
}

const ObjectSchema& azure_schema() {
  static const ObjectSchema s{
      "azure", "/azure in a config file",
      {
          {"subscription_id", "string", false, "Subscription of the managed instance."},
          {"resource_group", "string", false, "Resource group of the managed instance."},
          {"instance_name", "string", false, "Managed instance name."},
          {"tenant_id", "string", false, "Entra ID tenant."},
          {"arm_endpoint", "string", false, "ARM base URL. Default https://management.azure.com."},
          {"authority_host", "string", false, "Entra ID authority. Default https://login.microsoftonline.com."},
          {"ca_file", "string", false, "Extra CA bundle to trust (never disables verification)."},
          {"api_version", "string", false, "ARM api-version for the link resources."},
          {"credential", "string", false, "Name of the provider instance (under /providers) that gets tokens."},
          {"audience", "string", false,
           "Token audience for ARM. Default https://management.azure.com/; sovereign clouds use their own "
           "(e.g. https://management.chinacloudapi.cn/)."},
      }};
  return s;
}

const ObjectSchema& provider_instance_schema() {
  static const ObjectSchema s{
      "provider instance", "/providers/NAME in a config file",
      {
          {"use", "string", true, "The provider plugin, by name (milink plugins list)."},
          {"with", "object", false, "Parameters, checked against the provider's spec."},
      }};
  return s;
}

const ObjectSchema& secret_ref_schema() {
  static const ObjectSchema s{
      "secret reference", "any string value in a config file",
      {
          {"from_env", "string", false, "Read the value from this environment variable. The value is secret."},
          {"from_file", "string", false,
           "Read the value from this file (relative to the config file; one trailing newline is dropped). The "
           "value is secret."},
      }};
  return s;
}

const ObjectSchema& env_ref_schema() {
  static const ObjectSchema s{
      "environment reference", "any string value in a config file",
      {
          {"env", "string", false,
           "Read the value from this environment variable. The value is not secret (it is shown as it is in the "
           "output); an unset variable is an error naming the file, the JSON pointer and the variable. Values are "
           "strings. milink never expands ${VAR} inside strings: such a value is an error."},
      }};
  return s;
}

std::vector<const ObjectSchema*> all_schemas() {
  return {&workflow_schema(),  &input_schema(),  &step_schema(), &max_parallel_ceiling_schema(),
          &concurrency_schema(), &config_schema(),    &sql_target_schema(), &sql_replica_schema(), &azure_schema(),
          &provider_instance_schema(), &secret_ref_schema(), &env_ref_schema()};
}

std::string schema_markdown() {
  std::string out;
  for (const ObjectSchema* s : all_schemas()) {
    out += std::string("### ") + s->name + "\n\nWhere: " + s->where + "\n\n| key | type | required | meaning |\n|---|---|---|---|\n";
    for (const auto& k : s->keys)
      out += std::string("| `") + k.key + "` | " + k.type + " | " + (k.required ? "yes" : "no") + " | " + k.doc + " |\n";
    out += "\n";
  }
  return out;
}

}  // namespace milink::workflow
