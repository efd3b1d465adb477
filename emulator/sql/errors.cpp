#include "sql/errors.hpp"

#include <cstdio>

namespace milink::emulator::sql::err {

namespace {
ErrorMessage make(int number, int severity, std::string text, int state = 1) {
  ErrorMessage m;
  m.number = number;
  m.severity = severity;
  m.state = state;
  m.text = std::move(text);
  return m;
}
}  // namespace

// Syntax and compilation -----------------------------------------------------
ErrorMessage incorrect_syntax(const std::string& near) { return make(102, 15, "Incorrect syntax near '" + near + "'."); }
ErrorMessage nested_too_deeply() {
  return make(191, 15, "Some part of your SQL statement is nested too deeply. Rewrite the query or break it up into smaller "
                       "queries.");
}
ErrorMessage server_stack_limit() {
  return make(8631, 17, "Internal error: Server stack limit has been reached. Please look for potentially deep nesting "
                        "in your query, and try to simplify it.");
}
ErrorMessage incorrect_syntax_keyword(const std::string& keyword) {
  return make(156, 15, "Incorrect syntax near the keyword '" + keyword + "'.");
}
ErrorMessage identifier_too_long(const std::string& start) {
  return make(103, 15, "The identifier that starts with '" + start + "' is too long. Maximum length is 128.");
}
ErrorMessage unclosed_quote(const std::string& rest) {
  return make(105, 15, "Unclosed quotation mark after the character string '" + rest + "'.");
}
ErrorMessage missing_end_comment() { return make(113, 15, "Missing end comment mark '*/'."); }
ErrorMessage variable_already_declared(const std::string& name) {
  return make(134, 15,
              "The variable name '" + name +
                  "' has already been declared. Variable names must be unique within a query batch or stored procedure.");
}
ErrorMessage must_declare_variable(const std::string& name) {
  return make(137, 15, "Must declare the scalar variable \"" + name + "\".");
}
ErrorMessage function_argument_count(const std::string& fn, int n) {
  return make(174, 15, "The " + fn + " function requires " + std::to_string(n) + " argument(s).");
}
ErrorMessage not_builtin_function(const std::string& fn) {
  return make(195, 15, "'" + fn + "' is not a recognized built-in function name.");
}
ErrorMessage not_set_option(const std::string& option) {
  return make(195, 15, "'" + option + "' is not a recognized SET option.");
}
ErrorMessage unknown_object_type(const std::string& type) {
  return make(343, 15, "Unknown object type '" + type + "' used in a CREATE, DROP, or ALTER statement.");
}
ErrorMessage unknown_type(const std::string& type, int position) {
  return make(2715, 16,
              "Column, parameter, or variable #" + std::to_string(position) + ": Cannot find data type " + type + ".");
}

// Name resolution -------------------------------------------------------------
ErrorMessage invalid_object(const std::string& name) { return make(208, 16, "Invalid object name '" + name + "'."); }
ErrorMessage invalid_column(const std::string& name) { return make(207, 16, "Invalid column name '" + name + "'."); }
ErrorMessage ambiguous_column(const std::string& name) {
  return make(209, 16, "Ambiguous column name '" + name + "'.");
}
ErrorMessage multipart_not_bound(const std::string& name) {
  return make(4104, 16, "The multi-part identifier \"" + name + "\" could not be bound.");
}
ErrorMessage not_in_group_by(const std::string& column) {
  return make(8120, 16,
              "Column '" + column +
                  "' is invalid in the select list because it is not contained in either an aggregate function or the "
                  "GROUP BY clause.");
}
ErrorMessage procedure_not_found(const std::string& name) {
  return make(2812, 16, "Could not find stored procedure '" + name + "'.");
}
ErrorMessage database_not_found(const std::string& name) {
  return make(911, 16, "Database '" + name + "' does not exist. Make sure that the name is entered correctly.");
}
ErrorMessage nesting_exceeded() {
  return make(217, 16, "Maximum stored procedure, function, trigger, or view nesting level exceeded (limit 32).");
}

// Procedures ------------------------------------------------------------------
ErrorMessage parameter_not_supplied(const std::string& proc, const std::string& param) {
  return make(201, 16, "Procedure or function '" + proc + "' expects parameter '" + param + "', which was not supplied.",
              4);
}
ErrorMessage not_a_parameter(const std::string& param, const std::string& proc) {
  return make(8145, 16, param + " is not a parameter for procedure " + proc + ".");
}
ErrorMessage too_many_arguments(const std::string& proc) {
  return make(8144, 16, "Procedure or function " + proc + " has too many arguments specified.");
}
ErrorMessage statement_must_be_nvarchar(const std::string& param) {
  return make(214, 16, "Procedure expects parameter '" + param + "' of type 'ntext/nchar/nvarchar'.", 2);
}
ErrorMessage named_then_positional(int position) {
  return make(119, 15,
              "Must pass parameter number " + std::to_string(position) +
                  " and subsequent parameters as '@name = value'. After the form '@name = value' has been used, all "
                  "subsequent parameters must be passed in the form '@name = value'.");
}
ErrorMessage select_assignment_mixed() {
  return make(141, 15,
              "A SELECT statement that assigns a value to a variable must not be combined with data-retrieval "
              "operations.");
}
ErrorMessage parameterized_query_missing(const std::string& decl, const std::string& param) {
  return make(8178, 16,
              "The parameterized query '" + decl + "' expects the parameter '" + param + "', which was not supplied.");
}

// Types and expressions ---------------------------------------------------------
ErrorMessage conversion_failed(const std::string& from_type, const std::string& value, const std::string& to_type) {
  return make(245, 16,
              "Conversion failed when converting the " + from_type + " value '" + value + "' to data type " + to_type +
                  ".");
}
ErrorMessage datetime_conversion_failed() {
  return make(241, 16, "Conversion failed when converting date and/or time from character string.");
}
ErrorMessage arithmetic_overflow(const std::string& to_type) {
  return make(8115, 16, "Arithmetic overflow error converting expression to data type " + to_type + ".");
}
ErrorMessage raiserror_number_invalid(std::int64_t number) {
  return make(2732, 16, "Error number " + std::to_string(number) +
                            " is invalid. The number must be from 13000 through 2147483647 and it cannot be 50000.");
}
ErrorMessage raiserror_message_not_found(std::int64_t number, int severity, int state) {
  return make(18054, severity,
              "Error " + std::to_string(number) + ", severity " + std::to_string(severity) + ", state " +
                  std::to_string(state) +
                  " was raised, but no message with that error number was found in sys.messages. If error is larger "
                  "than 50000, make sure the user-defined message is added using sp_addmessage.",
              state);
}
ErrorMessage raiserror_severity_needs_log() {
  return make(2754, 16, "Error severity levels greater than 18 can only be specified by members of the sysadmin role, "
                        "using the WITH LOG option.");
}
ErrorMessage raiserror_argument_type(int position) {
  return make(2786, 16, "The data type of substitution parameter " + std::to_string(position) +
                            " does not match the expected type of the format specification.");
}
ErrorMessage throw_rethrow_outside_catch() {
  return make(10704, 15, "To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW "
                         "statement inside a CATCH block, or add error parameters to the THROW statement.");
}
ErrorMessage throw_number_out_of_range(std::int64_t number) {
  return make(35100, 16, "Error number " + std::to_string(number) +
                             " in the THROW statement is outside the valid range. Specify an error number in the "
                             "valid range of 50000 to 2147483647.",
              10);
}
ErrorMessage waitfor_time_syntax(const std::string& text) {
  return make(148, 15, "Incorrect time syntax in time string '" + text + "' used with WAITFOR.");
}
ErrorMessage divide_by_zero() { return make(8134, 16, "Divide by zero error encountered."); }
ErrorMessage operand_type_clash(const std::string& a, const std::string& b) {
  return make(206, 16, "Operand type clash: " + a + " is incompatible with " + b);
}
ErrorMessage explicit_conversion_not_allowed(const std::string& a, const std::string& b) {
  return make(529, 16, "Explicit conversion from data type " + a + " to " + b + " is not allowed.");
}
ErrorMessage incompatible_operator(const std::string& a, const std::string& b, const std::string& op) {
  return make(402, 16, "The data types " + a + " and " + b + " are incompatible in the " + op + " operator.");
}
ErrorMessage subquery_multiple_values() {
  return make(512, 16,
              "Subquery returned more than 1 value. This is not permitted when the subquery follows =, !=, <, <= , >, "
              ">= or when the subquery is used as an expression.");
}

ErrorMessage conversion_overflowed(const std::string& from_type, const std::string& value, const std::string& to_type) {
  return make(248, 16,
              "The conversion of the " + from_type + " value '" + value + "' overflowed an " + to_type +
                  " column. Use a larger integer column.");
}
ErrorMessage error_converting(const std::string& from_type, const std::string& to_type) {
  return make(8114, 16, "Error converting data type " + from_type + " to " + to_type + ".");
}
ErrorMessage guid_conversion_failed() {
  return make(8169, 16, "Conversion failed when converting from a character string to uniqueidentifier.");
}

// Transactions ------------------------------------------------------------------
ErrorMessage commit_without_begin() {
  return make(3902, 16, "The COMMIT TRANSACTION request has no corresponding BEGIN TRANSACTION.");
}
ErrorMessage rollback_without_begin() {
  return make(3903, 16, "The ROLLBACK TRANSACTION request has no corresponding BEGIN TRANSACTION.");
}
ErrorMessage not_in_transaction(const std::string& statement) {
  return make(226, 16, statement + " statement not allowed within multi-statement transaction.");
}

// Security ------------------------------------------------------------------------
ErrorMessage login_failed(const std::string& user) { return make(18456, 14, "Login failed for user '" + user + "'."); }
ErrorMessage login_disabled(const std::string& user) {
  return make(18470, 14, "Login failed for user '" + user + "'. Reason: The account is disabled.");
}
ErrorMessage cannot_open_database(const std::string& db) {
  return make(4060, 11, "Cannot open database \"" + db + "\" requested by the login. The login failed.");
}
ErrorMessage master_key_exists() {
  return make(15578, 16,
              "There is already a master key in the database. Please drop it before performing this statement.");
}
ErrorMessage master_key_required() {
  return make(15581, 16,
              "Please create a master key in the database or open the master key in the session before performing this "
              "operation.");
}
ErrorMessage master_key_not_found() {
  // 15151 with the master key as the object; wording inferred.
  return make(15151, 16, "Cannot drop the master key, because it does not exist or you do not have permission.");
}
ErrorMessage master_key_in_use(const std::string& cert) {
  return make(15580, 16, "Cannot drop master key because certificate '" + cert + "' is encrypted by it.");
}
ErrorMessage password_too_short_windows() {
  return make(15116, 16,
              "Password validation failed. The password does not meet the operating system policy requirements because "
              "it is too short.");
}
ErrorMessage password_too_long_windows() {
  return make(15117, 16,
              "Password validation failed. The password does not meet the operating system policy requirements because "
              "it is too long.");
}
ErrorMessage password_not_complex_windows() {
  return make(15118, 16,
              "Password validation failed. The password does not meet the operating system policy requirements because "
              "it is not complex enough.");
}
ErrorMessage password_not_complex_linux() {
  return make(33064, 16,
              "Password validation failed. The password does not meet SQL Server password policy requirements because "
              "it is not complex enough. The password must be at least 8 characters long and contain characters from "
              "three of the following four sets: Uppercase letters, Lowercase letters, Base 10 digits, and Symbols.",
              2);
}
ErrorMessage password_too_long_linux() {
  return make(33063, 16,
              "Password validation failed. The password does not meet SQL Server password policy requirements because "
              "it is too long. The password must be at most 128 characters.",
              2);
}
ErrorMessage certificate_exists(const std::string& name) {
  return make(15232, 16,
              "A certificate with name '" + name +
                  "' already exists or this certificate already has been added to the database.");
}
ErrorMessage certificate_not_found(const std::string& verb, const std::string& name) {
  return make(15151, 16,
              "Cannot " + verb + " the certificate '" + name + "', because it does not exist or you do not have permission.");
}
ErrorMessage certificate_in_use(const std::string&) {
  return make(15352, 16,
              "The certificate cannot be dropped because one or more entities are either signed or encrypted using it.");
}
ErrorMessage certificate_generation_failed() {
  return make(15468, 16, "An error occurred during the generation of the certificate.");
}
ErrorMessage certificate_file_invalid() {
  return make(15208, 16,
              "The certificate, asymmetric key, or private key file is not valid or does not exist; or you do not have "
              "permissions for it.");
}
ErrorMessage certificate_subject_invalid() {
  return make(15212, 16, "Invalid certificate subject. The certificate subject must have between 1 and 4096 characters.");
}
ErrorMessage certificate_expiry_before_start() {
  return make(15213, 16,
              "Warning: The certificate you created has an invalid validity period; its expiration date precedes its "
              "start date.");
}
ErrorMessage certificate_expired() { return make(15214, 16, "Warning: The certificate you created is expired."); }
ErrorMessage certificate_not_yet_valid() {
  return make(15215, 16, "Warning: The certificate you created is not yet valid; its start date is in the future.");
}
ErrorMessage issuer_certificate_not_found(const std::string& id) {
  ErrorMessage m = make(15151, 16,
                        "Cannot find the certificate '" + id + "', because it does not exist or you do not have permission.");
  m.procedure = "sp_certificate_add_issuer";
  return m;
}

// Endpoints -------------------------------------------------------------------------
ErrorMessage endpoint_type_exists() {
  return make(7862, 16,
              "An endpoint of the requested type already exists.  Only one endpoint of this type is supported.  Use "
              "ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement.");
}
ErrorMessage endpoint_name_exists(const std::string& name) {
  return make(15530, 16, "The endpoint with name \"" + name + "\" already exists.");
}
ErrorMessage endpoint_binding_exists() {
  return make(7874, 16,
              "An endpoint already exists with the bindings specified.  Only one endpoint supported for a specific "
              "binding.  Use ALTER ENDPOINT or DROP the existing endpoint and execute the CREATE ENDPOINT statement.");
}
ErrorMessage endpoint_not_found(const std::string& verb, const std::string& name) {
  return make(15151, 16,
              "Cannot " + verb + " the endpoint '" + name + "', because it does not exist or you do not have permission.");
}
ErrorMessage endpoint_certificate_not_found(const std::string& name) {
  return make(15151, 16,
              "Cannot find the certificate '" + name + "', because it does not exist or you do not have permission.");
}
ErrorMessage endpoint_not_certificate_based(int endpoint_type) {
  ErrorMessage m = make(50000, 16,
                        "The endpoint of type " + std::to_string(endpoint_type) +
                            " does not exist or is not configured with certificate-based authentication.");
  m.procedure = "sp_get_endpoint_certificate";
  return m;
}

// Availability groups ------------------------------------------------------------------
ErrorMessage ag_hadr_disabled() {
  return make(35221, 16,
              "Could not process the operation. Always On Availability Groups replica manager is disabled on this "
              "instance of SQL Server. Enable Always On Availability Groups, by using the SQL Server Configuration "
              "Manager. Then, restart the SQL Server service, and retry the currently operation. For information about "
              "how to enable and disable Always On Availability Groups, see SQL Server Books Online.");
}
ErrorMessage ag_wsfc_unavailable() {
  return make(35220, 16,
              "Could not process the operation. Always On Availability Groups replica manager is waiting for the host "
              "computer to start a Windows Server Failover Clustering (WSFC) cluster and join it. Either the local "
              "computer is not a cluster node, or the local cluster node is not online. If the computer is a cluster "
              "node, wait for it to join the cluster. If the computer is not a cluster node, add the computer to a WSFC "
              "cluster. Then, retry the operation.");
}
ErrorMessage ag_not_master() {
  return make(35208, 16,
              "Availability-group DDL operations are permitted only when you are using the master database. Run the USE "
              "MASTER command, and retry your availability-group DDL command.");
}
ErrorMessage ag_database_missing(const std::string& db, const std::string& ag) {
  return make(35238, 16,
              "Database '" + db + "' cannot be added to availability group '" + ag +
                  "'.  The database does not exist on this SQL Server instance.  Verify that the database name is "
                  "correct, then retry the operation.");
}
ErrorMessage ag_database_not_full(const std::string& db) {
  return make(1465, 16,
              "Database \"" + db +
                  "\" database is not in full recovery mode on each of the server instances. The full recovery model is "
                  "required for a database to participate in database mirroring or in an availability group.");
}
ErrorMessage ag_database_no_backup(const std::string& db) {
  return make(1475, 16,
              "Database \"" + db +
                  "\" might contain bulk logged changes that have not been backed up. Take a log backup on the principal "
                  "database or primary database. Then restore this backup either on the mirror database to enable "
                  "database mirroring or on every secondary database to enable you to join it to the availability group.");
}
ErrorMessage ag_exists(const std::string& ag) {
  return make(41042, 16,
              "The availability group '" + ag +
                  "' already exists.  This error could be caused by a previous failed CREATE AVAILABILITY GROUP or DROP "
                  "AVAILABILITY GROUP operation.  If the availability group name you specified is correct, try dropping "
                  "the availability group and then retry CREATE AVAILABILITY GROUP operation.");
}
ErrorMessage ag_database_in_other_ag(const std::string& db, const std::string& ag) {
  return make(35244, 16,
              "Database '" + db + "' cannot be added to availability group '" + ag +
                  "'.  The database is currently joined to another availability group.  Verify that the database name is "
                  "correct and that the database is not joined to an availability group, then retry the operation.");
}
ErrorMessage ag_system_database(const std::string& db) {
  return make(35249, 16,
              "An attempt to add or join a system database, '" + db +
                  "', to an availability group failed. Specify only user databases for this operation.");
}
ErrorMessage ag_database_repeated(const std::string& db) {
  return make(35234, 16,
              "Database name '" + db + "' was specified more than once. Reenter the command, specifying each database name only once.");
}
ErrorMessage ag_replica_repeated(const std::string& server) {
  return make(35235, 16,
              "The system name '" + server +
                  "' was specified more than once in the REPLICA ON clause of this command. Reenter the command, "
                  "specifying a different instance of SQL Server for each replica.");
}
ErrorMessage ag_endpoint_url_missing(const std::string& server) {
  return make(35236, 15,
              "The endpoint URL was not specified for the availability replica hosted by server instance '" + server +
                  "'. Reenter the command, specifying the endpoint URL of this instance of SQL Server.");
}
ErrorMessage ag_no_local_replica(const std::string& ag) {
  return make(35237, 16,
              "None of the specified replicas for availability group " + ag +
                  " maps to the instance of SQL Server to which you are connected. Reenter the command, specifying this "
                  "server instance to host one of the replicas. This replica will be the initial primary replica.");
}
ErrorMessage ag_bad_endpoint_url(const std::string& url) {
  return make(35232, 16,
              "The specified endpoint URL '" + url +
                  "' is invalid. Reenter the command specifying the correct URL. For information about specifying the "
                  "endpoint URL for an availability replica, see SQL Server Books Online.");
}
ErrorMessage ag_async_automatic(const std::string& op, const std::string& replica) {
  return make(35211, 16,
              "The " + op + " operation is not allowed. The operation attempted to change the configuration of availability replica '" +
                  replica +
                  "' to the asynchronous-commit availability mode with automatic failover, which is an invalid "
                  "configuration. Either change the failover mode to manual or the availability mode to synchronous "
                  "commit, and retry the operation.");
}
ErrorMessage ag_not_found(const std::string& verb, const std::string& ag) {
  return make(15151, 16,
              "Cannot " + verb + " the availability group '" + ag +
                  "', because it does not exist or you do not have permission.");
}
ErrorMessage dag_no_local_ag() {
  return make(19501, 16,
              "None of the specified availability groups exist locally. Please check your DDL and make sure there is one "
              "availability group exist locally.");
}
ErrorMessage dag_name_exists(const std::string& dag) {
  return make(19509, 16,
              "Cannot create a distributed availability group '" + dag +
                  "'. An availability group with the same name already exists.");
}
ErrorMessage dag_bad_listener_url(const std::string& url) {
  return make(19499, 16,
              "The specified listener URL '" + url +
                  "' is invalid. Reenter the command specifying the correct URL. For information about specifying the "
                  "endpoint URL for an availability replica, see SQL Server Books Online.");
}
ErrorMessage dag_needs_distributed() {
  return make(19498, 16, "To create a distributed availability group, please specify the DISTRIBUTED option.");
}
ErrorMessage dag_conflicting_options() {
  return make(19497, 16,
              "Conflicting option spec provided. DISTRIBUTED option cannot be combined with any other availability group "
              "options.");
}
ErrorMessage dag_local_ag_multiple_databases(const std::string& dag, const std::string& ag) {
  return make(47502, 16,
              "Cannot create distributed availability group '" + dag + "' when local AG '" + ag +
                  "' contains more than one database in cases when secondary participant is Azure SQL Managed Instance.");
}
ErrorMessage database_in_ag(const std::string& db) {
  return make(1468, 16,
              "The operation cannot be performed on database \"" + db +
                  "\" because it is involved in a database mirroring session or an availability group. Some operations "
                  "are not allowed on a database that is participating in a database mirroring session or in an "
                  "availability group.");
}
ErrorMessage database_in_ag_drop(const std::string& db) {
  return make(3752, 16,
              "The database '" + db +
                  "' is currently joined to an availability group.  Before you can drop the database, you need to remove "
                  "it from the availability group.");
}

// Databases and backups -----------------------------------------------------------------
ErrorMessage database_exists(const std::string& db) {
  return make(1801, 16, "Database '" + db + "' already exists. Choose a different database name.");
}
ErrorMessage cannot_drop_database(const std::string& db) {
  return make(3701, 11,
              "Cannot drop the database '" + db + "', because it does not exist or you do not have permission.");
}
ErrorMessage alter_database_no_permission(const std::string& db) {
  return make(5011, 14,
              "User does not have permission to alter database '" + db +
                  "', the database does not exist, or the database is not in a state that allows access checks.",
              9);
}
ErrorMessage alter_database_failed() { return make(5069, 16, "ALTER DATABASE statement failed."); }
ErrorMessage option_not_settable(const std::string& option, const std::string& db) {
  return make(5058, 16, "Option '" + option + "' cannot be set in database '" + db + "'.");
}
ErrorMessage backup_terminating(const std::string& statement) {
  return make(3013, 16, statement + " is terminating abnormally.");
}
ErrorMessage backup_log_simple() {
  return make(4208, 16,
              "The statement BACKUP LOG is not allowed while the recovery model is SIMPLE. Use BACKUP DATABASE or change "
              "the recovery model using ALTER DATABASE.");
}
ErrorMessage backup_log_no_full() {
  return make(4214, 16, "BACKUP LOG cannot be performed because there is no current database backup.");
}
ErrorMessage backup_in_transaction() {
  return make(3021, 16, "Cannot perform a backup or restore operation within a transaction.");
}
ErrorMessage backup_tempdb() {
  return make(3147, 16, "Backup and restore operations are not allowed on database tempdb.");
}
ErrorMessage backup_database_not_online(const std::string& db) {
  return make(927, 14, "Database '" + db + "' cannot be opened. It is in the middle of a restore.");
}

// Others ----------------------------------------------------------------------------------
ErrorMessage dbcc_incorrect() {
  return make(2526, 16, "Incorrect DBCC statement. Check the documentation for the correct DBCC syntax and options.");
}
ErrorMessage not_supported_on_managed_instance(const std::string& what) {
  return make(40517, 16, "Keyword or statement option '" + what + "' is not supported in this version of SQL Server.");
}

// Informational ----------------------------------------------------------------------------
ErrorMessage changed_database(const std::string& db) {
  return make(5701, 0, "Changed database context to '" + db + "'.", 2);
}
ErrorMessage dbcc_completed() {
  return make(2528, 0, "DBCC execution completed. If DBCC printed error messages, contact your system administrator.");
}
ErrorMessage backup_pages(std::int64_t pages, const std::string& db, const std::string& file, int file_no) {
  return make(4035, 0,
              "Processed " + std::to_string(pages) + " pages for database '" + db + "', file '" + file + "' on file " +
                  std::to_string(file_no) + ".");
}
ErrorMessage backup_done(const std::string& statement, std::int64_t pages, double seconds) {
  char buf[256];
  double mb = pages * 8192.0 / 1048576.0;
  double rate = seconds > 0 ? mb / seconds : 0;
  std::snprintf(buf, sizeof buf, "%s successfully processed %lld pages in %.3f seconds (%.3f MB/sec).", statement.c_str(),
                static_cast<long long>(pages), seconds, rate);
  return make(3014, 0, buf);
}

// SQL Server Agent (msdb procedures) -------------------------------------------
namespace {
ErrorMessage agent(int number, std::string text, const char* procedure) {
  ErrorMessage m = make(number, 16, std::move(text));
  m.procedure = procedure;
  return m;
}
}  // namespace

ErrorMessage agent_already_exists(const std::string& param, const std::string& value) {
  return agent(14261, "The specified " + param + " ('" + value + "') already exists.", "sp_verify_job");
}
ErrorMessage agent_does_not_exist(const std::string& param, const std::string& value) {
  return agent(14262, "The specified " + param + " ('" + value + "') does not exist.", "sp_verify_job_identifiers");
}
ErrorMessage agent_invalid_value(const std::string& param, const std::string& valid) {
  return agent(14266, "The specified '" + param + "' is invalid (valid values are: " + valid + ").", "sp_verify_job");
}
ErrorMessage agent_invalid_choice(const std::string& param, const std::string& listed_by) {
  return agent(14234, "The specified '" + param + "' is invalid (valid values are returned by " + listed_by + ").",
               "sp_verify_job");
}
ErrorMessage agent_invalid_step_reference(const std::string& param, int step_id) {
  return agent(14235,
               "The specified '" + param + "' is invalid (valid values are greater than 0 but excluding " +
                   std::to_string(step_id) + ").",
               "sp_verify_jobstep");
}
ErrorMessage agent_invalid(const std::string& param) {
  return agent(14200, "The specified '" + param + "' is invalid.", "sp_verify_schedule");
}
ErrorMessage agent_schedule_invalid(const std::string& reason) {
  return agent(14278, "The schedule for this job is invalid (reason: " + reason + ").", "sp_verify_schedule");
}
ErrorMessage agent_ondemand_unsupported() {
  return agent(14295, "Frequency Type 0x2 (OnDemand) is no longer supported.", "sp_verify_schedule");
}
ErrorMessage agent_supply_job(const std::string& id_param, const std::string& name_param) {
  return agent(14294, "Supply either " + id_param + " or " + name_param + " to identify the job.",
               "sp_verify_job_identifiers");
}
ErrorMessage agent_supply_schedule(const std::string& id_param, const std::string& name_param) {
  return agent(14373, "Supply either " + id_param + " or " + name_param + " to identify the schedule.",
               "sp_verify_schedule_identifiers");
}
ErrorMessage agent_schedule_ambiguous(const std::string& name, const std::string& id_param,
                                      const std::string& name_param) {
  return agent(14371,
               "There are two or more schedules named \"" + name + "\". Specify " + id_param + " instead of " +
                   name_param + " to uniquely identify the schedule.",
               "sp_verify_schedule_identifiers");
}
ErrorMessage agent_job_already_targeted(const std::string& job, const std::string& server) {
  return agent(14269, "Job '" + job + "' is already targeted at server '" + server + "'.", "sp_add_jobserver");
}
ErrorMessage agent_starting() {
  return agent(14258, "Cannot perform this operation while SQLServerAgent is starting. Try again later.",
               "sp_is_sqlagent_starting");
}
ErrorMessage agent_proxy_for_tsql() {
  return agent(14517, "A proxy account is not allowed for a Transact-SQL subsystem.", "sp_verify_jobstep");
}
ErrorMessage agent_parameter_not_valid_for_step(const std::string& param, const std::string& subsystem) {
  return agent(14545, "The " + param + " parameter is not valid for a job step of type '" + subsystem + "'.",
               "sp_verify_jobstep");
}
ErrorMessage agent_end_before_start(const std::string& end, const std::string& start) {
  return agent(14288, end + " cannot be before " + start + ".", "sp_verify_schedule");
}

}  // namespace milink::emulator::sql::err
