//===- emulator/sql/errors.hpp - SQL Server's error messages ------*- C++ -*-===//
///
/// \file
/// Every error and informational message the engine raises, with SQL
/// Server's number, severity, state and text. Sources: the sys.messages
/// tables in MicrosoftDocs/sql-docs (docs/relational-databases/errors-events)
/// and /work/shared/notes/sql-errors-and-views.md. Each constructor says
/// whether the number is confirmed for that statement ("docs", "real") or
/// only inferred; inferred ones need a probe against a real server.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace milink::emulator::sql {

struct ErrorMessage {
  int number = 0;
  int severity = 16;
  int state = 1;
  std::string text;
  int line = 0;  ///< 0: the line of the statement that raised it
  std::string procedure;
};

/// How far an error unwinds (with XACT_ABORT OFF).
enum class Abort {
  Statement,  ///< the statement fails; the batch goes on (most DDL errors)
  Batch,      ///< the batch stops (conversion errors, missing objects, compile errors)
};

class SqlError : public std::exception {
public:
  SqlError(ErrorMessage m, Abort a = Abort::Statement) : messages{std::move(m)}, abort(a) {}
  SqlError(std::vector<ErrorMessage> ms, Abort a = Abort::Statement) : messages(std::move(ms)), abort(a) {}
  const char* what() const noexcept override { return messages.empty() ? "SQL error" : messages.front().text.c_str(); }

  std::vector<ErrorMessage> messages;
  Abort abort;
};

namespace err {

// --- Syntax and compilation (severity 15; the batch does not run) ---------
ErrorMessage incorrect_syntax(const std::string& near);              ///< 102 (docs)
ErrorMessage incorrect_syntax_keyword(const std::string& keyword);   ///< 156 (docs)
ErrorMessage identifier_too_long(const std::string& start);          ///< 103 (docs)
ErrorMessage unclosed_quote(const std::string& rest);                ///< 105 (docs)
ErrorMessage missing_end_comment();                                  ///< 113 (docs)
ErrorMessage variable_already_declared(const std::string& name);     ///< 134 (docs)
ErrorMessage must_declare_variable(const std::string& name);         ///< 137 (docs)
ErrorMessage function_argument_count(const std::string& fn, int n);  ///< 174 (docs)
ErrorMessage not_builtin_function(const std::string& fn);            ///< 195 (docs)
ErrorMessage not_set_option(const std::string& option);              ///< 195 (docs)
ErrorMessage unknown_object_type(const std::string& type);           ///< 343 (docs + real)
ErrorMessage unknown_type(const std::string& type, int position);    ///< 2715 (docs)
ErrorMessage nested_too_deeply();                                    ///< 191 (docs; which nesting counts: inferred)
ErrorMessage server_stack_limit();  ///< 8631, severity 17 (docs; real for a huge CHOOSE list; for chains: inferred)

// --- Name resolution (severity 16) ---------------------------------------
ErrorMessage invalid_object(const std::string& name);   ///< 208 (docs; aborts the batch)
ErrorMessage invalid_column(const std::string& name);   ///< 207 (docs)
ErrorMessage ambiguous_column(const std::string& name); ///< 209 (docs)
ErrorMessage multipart_not_bound(const std::string& name);  ///< 4104 (docs)
ErrorMessage not_in_group_by(const std::string& column);    ///< 8120 (docs)
ErrorMessage procedure_not_found(const std::string& name);  ///< 2812 (docs)
ErrorMessage database_not_found(const std::string& name);   ///< 911 (docs + real)
ErrorMessage nesting_exceeded();                            ///< 217 (docs)

// --- Procedures ----------------------------------------------------------
ErrorMessage parameter_not_supplied(const std::string& proc, const std::string& param);  ///< 201 (docs)
ErrorMessage not_a_parameter(const std::string& param, const std::string& proc);        ///< 8145 (docs)
ErrorMessage too_many_arguments(const std::string& proc);                               ///< 8144 (docs)
ErrorMessage statement_must_be_nvarchar(const std::string& param = "@statement");       ///< 214 (docs)
ErrorMessage named_then_positional(int position);                                       ///< 119 (docs)
ErrorMessage select_assignment_mixed();                                                 ///< 141 (docs)
ErrorMessage parameterized_query_missing(const std::string& decl, const std::string& param);  ///< 8178 (docs)

// --- Types and expressions -----------------------------------------------
ErrorMessage conversion_failed(const std::string& from_type, const std::string& value, const std::string& to_type);  ///< 245
ErrorMessage datetime_conversion_failed();                                    ///< 241 (docs)
ErrorMessage arithmetic_overflow(const std::string& to_type);                 ///< 8115 (docs)
ErrorMessage divide_by_zero();                                                ///< 8134 (docs)
ErrorMessage operand_type_clash(const std::string& a, const std::string& b);  ///< 206 (docs)
ErrorMessage explicit_conversion_not_allowed(const std::string& a, const std::string& b);  ///< 529 (docs)
ErrorMessage incompatible_operator(const std::string& a, const std::string& b, const std::string& op);  ///< 402 (docs)
ErrorMessage subquery_multiple_values();                                      ///< 512 (docs)
ErrorMessage conversion_overflowed(const std::string& from_type, const std::string& value, const std::string& to_type);  ///< 248 (docs)
ErrorMessage error_converting(const std::string& from_type, const std::string& to_type);  ///< 8114 (docs)
ErrorMessage guid_conversion_failed();                                        ///< 8169 (docs)

// --- RAISERROR, THROW, WAITFOR -------------------------------------------
ErrorMessage raiserror_number_invalid(std::int64_t number);  ///< 2732 (docs)
ErrorMessage raiserror_message_not_found(std::int64_t number, int severity, int state);  ///< 18054 (docs)
ErrorMessage raiserror_severity_needs_log();                 ///< 2754 (docs)
ErrorMessage raiserror_argument_type(int position);          ///< 2786 (docs)
ErrorMessage throw_rethrow_outside_catch();                  ///< 10704 (real)
ErrorMessage throw_number_out_of_range(std::int64_t number); ///< 35100, state 10 (real)
ErrorMessage waitfor_time_syntax(const std::string& text);   ///< 148 (real)

// --- Transactions --------------------------------------------------------
ErrorMessage commit_without_begin();    ///< 3902 (docs)
ErrorMessage rollback_without_begin();  ///< 3903 (docs)
ErrorMessage not_in_transaction(const std::string& statement);  ///< 226 (docs)

// --- Security: logins, master key, certificates ---------------------------
ErrorMessage login_failed(const std::string& user);  ///< 18456, class 14, state 1 (docs)
ErrorMessage login_disabled(const std::string& user);  ///< 18470, class 14 (docs)
ErrorMessage cannot_open_database(const std::string& db);  ///< 4060, class 11 (docs)
ErrorMessage master_key_exists();                    ///< 15578 (docs + real)
ErrorMessage master_key_required();                  ///< 15581 (docs + real)
ErrorMessage master_key_not_found();                 ///< 15151 "Cannot drop the master key ..." (inferred)
ErrorMessage master_key_in_use(const std::string& cert);  ///< 15580 (docs)
ErrorMessage password_too_short_windows();           ///< 15116 (docs; that CREATE MASTER KEY raises it: inferred)
ErrorMessage password_too_long_windows();            ///< 15117 (docs; inferred)
ErrorMessage password_not_complex_windows();         ///< 15118 (docs; inferred)
ErrorMessage password_not_complex_linux();           ///< 33064 state 2 (docs + real for CREATE LOGIN)
ErrorMessage password_too_long_linux();              ///< 33063 state 2 (docs; inferred)
ErrorMessage certificate_exists(const std::string& name);        ///< 15232 (docs + real)
ErrorMessage certificate_not_found(const std::string& verb, const std::string& name);  ///< 15151 (docs + real)
ErrorMessage certificate_in_use(const std::string& name);        ///< 15352 (docs; for endpoints: inferred)
ErrorMessage certificate_generation_failed();                    ///< 15468 (docs; for bad FROM BINARY: inferred)
ErrorMessage certificate_file_invalid();                         ///< 15208 (docs + real)
ErrorMessage certificate_subject_invalid();                      ///< 15212 (docs)
ErrorMessage certificate_expiry_before_start();                  ///< 15213 (docs)
ErrorMessage certificate_expired();                              ///< 15214 (docs)
ErrorMessage certificate_not_yet_valid();                        ///< 15215 (docs)
ErrorMessage issuer_certificate_not_found(const std::string& id);  ///< 15151 (inferred: bad id for sp_certificate_add_issuer)

// --- Endpoints -----------------------------------------------------------
ErrorMessage endpoint_type_exists();                        ///< 7862 (docs + real)
ErrorMessage endpoint_name_exists(const std::string& name); ///< 15530 (inferred)
ErrorMessage endpoint_binding_exists();                     ///< 7874 (docs; inferred here)
ErrorMessage endpoint_not_found(const std::string& verb, const std::string& name);  ///< 15151 (docs)
ErrorMessage endpoint_certificate_not_found(const std::string& name);  ///< 15151 "Cannot find the certificate" (inferred)
ErrorMessage endpoint_not_certificate_based(int endpoint_type);  ///< 50000 from sp_get_endpoint_certificate (inferred)

// --- Availability groups -------------------------------------------------
ErrorMessage ag_hadr_disabled();                                      ///< 35221 (docs)
ErrorMessage ag_wsfc_unavailable();                                   ///< 35220 (docs; for CLUSTER_TYPE = WSFC off-cluster: inferred)
ErrorMessage ag_not_master();                                         ///< 35208 (docs)
ErrorMessage ag_database_missing(const std::string& db, const std::string& ag);  ///< 35238 (docs; inferred)
ErrorMessage ag_database_not_full(const std::string& db);            ///< 1465 (docs; inferred)
ErrorMessage ag_database_no_backup(const std::string& db);           ///< 1475 (docs + real)
ErrorMessage ag_exists(const std::string& ag);                       ///< 41042 (docs; inferred)
ErrorMessage ag_database_in_other_ag(const std::string& db, const std::string& ag);  ///< 35244 (docs; inferred)
ErrorMessage ag_system_database(const std::string& db);              ///< 35249 (docs)
ErrorMessage ag_database_repeated(const std::string& db);            ///< 35234 (docs)
ErrorMessage ag_replica_repeated(const std::string& server);         ///< 35235 (docs)
ErrorMessage ag_endpoint_url_missing(const std::string& server);     ///< 35236 (docs)
ErrorMessage ag_no_local_replica(const std::string& ag);             ///< 35237 (docs)
ErrorMessage ag_bad_endpoint_url(const std::string& url);            ///< 35232 (docs)
ErrorMessage ag_async_automatic(const std::string& op, const std::string& replica);  ///< 35211 (docs)
ErrorMessage ag_not_found(const std::string& verb, const std::string& ag);  ///< 15151 (docs + real)
ErrorMessage dag_no_local_ag();                                      ///< 19501 (docs)
ErrorMessage dag_name_exists(const std::string& dag);                ///< 19509 (docs)
ErrorMessage dag_bad_listener_url(const std::string& url);           ///< 19499 (docs)
ErrorMessage dag_needs_distributed();                                ///< 19498 (docs)
ErrorMessage dag_conflicting_options();                              ///< 19497 (docs)
ErrorMessage dag_local_ag_multiple_databases(const std::string& dag, const std::string& ag);  ///< 47502 (docs)
ErrorMessage database_in_ag(const std::string& db);                  ///< 1468 (inferred)
ErrorMessage database_in_ag_drop(const std::string& db);             ///< 3752 (inferred)

// --- Databases and backups -----------------------------------------------
ErrorMessage database_exists(const std::string& db);        ///< 1801 (docs)
ErrorMessage cannot_drop_database(const std::string& db);   ///< 3701, severity 11 (docs)
ErrorMessage alter_database_no_permission(const std::string& db);  ///< 5011, severity 14 (docs)
ErrorMessage alter_database_failed();                       ///< 5069 (docs)
ErrorMessage option_not_settable(const std::string& option, const std::string& db);  ///< 5058 (docs)
ErrorMessage backup_terminating(const std::string& statement);  ///< 3013 (docs + real)
ErrorMessage backup_log_simple();                           ///< 4208 (docs + real)
ErrorMessage backup_log_no_full();                          ///< 4214 (docs + real)
ErrorMessage backup_in_transaction();                       ///< 3021 (docs)
ErrorMessage backup_tempdb();                               ///< 3147 (docs)
ErrorMessage backup_database_not_online(const std::string& db);  ///< 927 (docs; for BACKUP: inferred)

// --- SQL Server Agent (msdb's job procedures; RAISERROR(n, -1, -1, ...): the
// severity of sys.messages, state 1). The procedure named is the msdb
// procedure that raises it (msdb source: sp_verify_job, sp_verify_jobstep, ...).
// Numbers and texts: docs (sys.messages 14000-14999); when each is raised, and
// by which procedure: msdb's procedure source, except where exec_agent.cpp
// says "inferred". The emulator's coverage is listed in docs/emulator.md.
ErrorMessage agent_already_exists(const std::string& param, const std::string& value);  ///< 14261 (docs)
ErrorMessage agent_does_not_exist(const std::string& param, const std::string& value);  ///< 14262 (docs)
ErrorMessage agent_invalid_value(const std::string& param, const std::string& valid);   ///< 14266 (docs)
ErrorMessage agent_invalid_choice(const std::string& param, const std::string& listed_by);  ///< 14234 (docs)
ErrorMessage agent_invalid_step_reference(const std::string& param, int step_id);      ///< 14235 (docs)
ErrorMessage agent_invalid(const std::string& param);                                   ///< 14200 (docs)
ErrorMessage agent_schedule_invalid(const std::string& reason);                         ///< 14278 (docs)
ErrorMessage agent_ondemand_unsupported();                                              ///< 14295 (docs)
ErrorMessage agent_supply_job(const std::string& id_param, const std::string& name_param);       ///< 14294 (docs)
ErrorMessage agent_supply_schedule(const std::string& id_param, const std::string& name_param);  ///< 14373 (docs)
ErrorMessage agent_schedule_ambiguous(const std::string& name, const std::string& id_param,
                                      const std::string& name_param);                   ///< 14371 (docs)
ErrorMessage agent_job_already_targeted(const std::string& job, const std::string& server);  ///< 14269 (docs)
ErrorMessage agent_starting();                                                          ///< 14258 (docs)
ErrorMessage agent_proxy_for_tsql();                                                    ///< 14517 (docs)
ErrorMessage agent_parameter_not_valid_for_step(const std::string& param, const std::string& subsystem);  ///< 14545 (docs)
ErrorMessage agent_end_before_start(const std::string& end, const std::string& start);  ///< 14288 (docs)

// --- Others ----------------------------------------------------------------
ErrorMessage dbcc_incorrect();                         ///< 2526 (docs)
ErrorMessage not_supported_on_managed_instance(const std::string& what);  ///< 40517 (inferred)

// --- Informational (severity 0 or 10) --------------------------------------
ErrorMessage changed_database(const std::string& db);  ///< 5701
ErrorMessage dbcc_completed();                         ///< 2528
ErrorMessage backup_pages(std::int64_t pages, const std::string& db, const std::string& file, int file_no);  ///< 4035
ErrorMessage backup_done(const std::string& statement, std::int64_t pages, double seconds);  ///< 3014

}  // namespace err
}  // namespace milink::emulator::sql
