// EXEC: argument binding and the system procedures the emulator provides
// (sp_executesql, sp_datatype_info[_100], sp_get_endpoint_certificate,
// sp_certificate_add_issuer, and msdb's SQL Server Agent procedures in
// exec_agent.cpp). Anything else is 2812.
#include "sql/executor.hpp"

#include "engine/type_info.hpp"
#include "sql/parser.hpp"
#include "state/collation.hpp"

namespace milink::emulator::sql {

namespace {

std::string joined(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "." : "") + parts[i];
  return out;
}

}  // namespace

std::vector<Datum> bind_procedure_arguments(const std::string& proc, const std::vector<ProcParam>& defs,
                                            const std::vector<CallArg>& args, bool ci, std::vector<std::string>* outputs) {
  if (outputs) outputs->assign(defs.size(), std::string());
  std::vector<std::optional<Datum>> bound(defs.size());
  bool named_seen = false;
  std::size_t position = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const CallArg& a = args[i];
    std::size_t slot;
    if (a.name.empty()) {
      if (named_seen) throw SqlError(err::named_then_positional(static_cast<int>(i + 1)));
      if (position >= defs.size()) throw SqlError(err::too_many_arguments(proc));
      slot = position++;
    } else {
      named_seen = true;
      slot = defs.size();
      for (std::size_t k = 0; k < defs.size(); ++k)
        if (collate_equal(defs[k].name, a.name, ci)) slot = k;
      if (slot == defs.size()) throw SqlError(err::not_a_parameter(a.name, proc));
    }
    if (outputs && a.output) (*outputs)[slot] = a.output_variable;
    if (a.is_default) continue;
    try {
      bound[slot] = convert(a.value, defs[slot].type, false);
    } catch (SqlError&) {
      throw SqlError(err::error_converting(a.value.type.base_name(), defs[slot].type.base_name()));
    }
  }
  std::vector<Datum> out;
  for (std::size_t k = 0; k < defs.size(); ++k) {
    if (!bound[k]) {
      if (defs[k].required) throw SqlError(err::parameter_not_supplied(proc, defs[k].name));
      out.push_back(Datum::null(defs[k].type));
    } else {
      out.push_back(*bound[k]);
    }
  }
  return out;
}

namespace {

void set_procedure(SqlError& e, const std::string& proc) {
  for (auto& m : e.messages)
    if (m.procedure.empty()) m.procedure = proc;
}

}  // namespace

void Executor::do_exec(Frame& f, const ExecStmt& s) {
  std::vector<CallArg> args;
  for (const auto& a : s.args) {
    CallArg c;
    c.name = a.name;
    c.is_default = a.is_default;
    c.output = a.output;
    c.line = a.line;
    if (a.value) {
      c.value = eval(f, *a.value, nullptr);
      if (a.output) c.output_variable = a.value->name;
    }
    args.push_back(std::move(c));
  }
  call_procedure(f, s.procedure, std::move(args), s.return_variable, s.line);
}

void Executor::do_exec_string(Frame& f, const ExecStringStmt& s) {
  std::string sql;
  for (const auto& p : s.parts) {
    Datum v = eval(f, *p, nullptr);
    if (!v.is_null()) sql += convert(v, TypeSpec::of(BaseType::NVarChar, -1), false).value.as_string();
  }
  if (f.depth >= 32) throw SqlError(err::nesting_exceeded(), Abort::Batch);
  Frame inner;
  inner.source = sql;
  inner.depth = f.depth + 1;
  inner.database = f.database;
  run_text(inner, sql, false);
  if (inner.database != f.database) {
    session_.database = f.database;
    if (!describe_mode_) response_.items.emplace_back(DatabaseChange{inner.database, f.database});
  }
}

bool procedure_may_write(std::string_view name) {
  // The system procedures that only read (the ODBC driver's type catalog,
  // which FreeTDS asks for on every connection, and the endpoint
  // certificate); sp_executesql's statements count on their own. Any other
  // procedure may write.
  for (const char* reader : {"sp_executesql", "sp_datatype_info", "sp_datatype_info_100", "sp_get_endpoint_certificate"})
    if (iequals(name, reader)) return false;
  return true;
}

void Executor::run_procedure(const std::string& name, const std::vector<Param>& params) {
  const bool writes = procedure_may_write(name);
  if (writes) world_.mark_changed();
  GenerationAfter after(world_, writes);  // as dispatch() does for EXEC
  Frame f;
  std::string text = "EXEC " + name;
  for (std::size_t i = 0; i < params.size(); ++i)
    text += std::string(i ? ", " : " ") + (params[i].name.empty() ? "" : params[i].name + " = ") +
            (params[i].value.is_null() ? "NULL" : params[i].value.to_display());
  f.source = text;
  f.database = session_.database;
  if (!server_.find_database(f.database)) f.database = "master";
  std::vector<CallArg> args;
  for (const auto& p : params) {
    CallArg c;
    c.name = p.name;
    if (!c.name.empty() && c.name[0] != '@') c.name = "@" + c.name;
    c.value = Datum{p.value, p.value.is_null() && p.value.type() == milink::sdk::SqlType::Null
                                 ? TypeSpec::of(BaseType::Null)
                                 : [&] {
                                     switch (p.value.type()) {
                                       case milink::sdk::SqlType::Int: return TypeSpec::of(BaseType::Int);
                                       case milink::sdk::SqlType::BigInt: return TypeSpec::of(BaseType::BigInt);
                                       case milink::sdk::SqlType::Bit: return TypeSpec::of(BaseType::Bit);
                                       case milink::sdk::SqlType::VarBinary: return TypeSpec::of(BaseType::VarBinary, -1);
                                       case milink::sdk::SqlType::DateTime2: return TypeSpec::of(BaseType::DateTime2);
                                       case milink::sdk::SqlType::Float: return TypeSpec::of(BaseType::Float);
                                       default: return TypeSpec::of(BaseType::NVarChar, -1);
                                     }
                                   }()};
    args.push_back(std::move(c));
  }
  ExecStmt fake;
  fake.begin = 0;
  fake.end = text.size();
  std::uint64_t seq = log_start(f, fake);
  statement_errors_ = 0;
  first_statement_error_ = 0;
  try {
    call_procedure(f, {name}, std::move(args), "", 1);
  } catch (SqlError& e) {
    for (auto& m : e.messages) emit_error(m, m.line > 0 ? m.line : 1);
  }
  if (seq) server_.statement_log.set_result(seq, statement_errors_ == 0, first_statement_error_);
}

void Executor::call_procedure(Frame& f, const std::vector<std::string>& parts, std::vector<CallArg> args,
                              const std::string& return_variable, int line) {
  (void)line;
  // [server.][database.][schema.]procedure: system procedures live in sys (and are found from dbo too).
  const std::string& proc = parts.back();
  bool schema_ok = parts.size() < 2 || parts[parts.size() - 2].empty() || iequals(parts[parts.size() - 2], "sys") ||
                   iequals(parts[parts.size() - 2], "dbo");
  bool db_ok = parts.size() < 3 || server_.find_database(parts[parts.size() - 3]) != nullptr;
  bool server_ok = parts.size() < 4 || server_.names_equal(parts[0], server_.name);
  std::string name = to_lower(proc);
  // msdb's Agent procedures live in msdb.dbo only: msdb.dbo.sp_add_job,
  // msdb..sp_add_job, or sp_add_job / dbo.sp_add_job while msdb is current.
  bool agent = false;
  if (is_agent_procedure(name)) {
    bool dbo = parts.size() < 2 || parts[parts.size() - 2].empty() || iequals(parts[parts.size() - 2], "dbo");
    bool in_msdb = parts.size() >= 3 ? server_.names_equal(parts[parts.size() - 3], "msdb")
                                     : server_.names_equal(f.database, "msdb");
    agent = dbo && in_msdb && server_ok;
  }
  bool known = agent || (schema_ok && db_ok && server_ok &&
                         (name == "sp_executesql" || name == "sp_datatype_info_100" || name == "sp_datatype_info" ||
                          ((name == "sp_get_endpoint_certificate" || name == "sp_certificate_add_issuer") &&
                           server_.has_link_procedures()) ||
                          (name == "sp_multidb_milink" && server_.has_multidb_milink())));
  if (!known) throw SqlError(err::procedure_not_found(joined(parts)));

  if (agent) {
    int agent_status = run_agent_procedure(f, name, args);
    if (!return_variable.empty()) assign(f, return_variable, Datum::integer(agent_status));
    if (!describe_mode_) response_.items.emplace_back(ReturnStatus{agent_status});
    return;
  }

  int status = 0;
  int errors_before = statement_errors_;
  try {
    if (name == "sp_executesql") proc_executesql(f, args);
    else if (name == "sp_datatype_info_100" || name == "sp_datatype_info") proc_datatype_info(f, args, name);
    else if (name == "sp_get_endpoint_certificate") proc_get_endpoint_certificate(f, args);
    else if (name == "sp_certificate_add_issuer") proc_certificate_add_issuer(f, args);
    else if (name == "sp_multidb_milink") proc_multidb_milink(f, args);
  } catch (SqlError& e) {
    if (name != "sp_executesql") set_procedure(e, name);
    throw;
  }
  if (statement_errors_ > errors_before) status = name == "sp_executesql" ? first_statement_error_ : 1;
  if (!return_variable.empty()) assign(f, return_variable, Datum::integer(status));
  if (!describe_mode_) response_.items.emplace_back(ReturnStatus{status});
}

void Executor::proc_executesql(Frame& f, std::vector<CallArg>& args) {
  // @stmt, @params, then the parameter values (positional in declaration order, or named).
  std::optional<Datum> stmt, decl;
  std::vector<CallArg> values;
  std::size_t positional = 0;
  for (auto& a : args) {
    if (a.name.empty() && positional == 0 && !stmt) {
      stmt = a.value;
      ++positional;
    } else if (a.name.empty() && positional == 1 && !decl) {
      decl = a.value;
      ++positional;
    } else if (!a.name.empty() && (iequals(a.name, "@stmt") || iequals(a.name, "@statement")) && !stmt) {
      stmt = a.value;
      positional = std::max<std::size_t>(positional, 1);
    } else if (!a.name.empty() && iequals(a.name, "@params") && !decl) {
      decl = a.value;
      positional = std::max<std::size_t>(positional, 2);
    } else {
      values.push_back(a);
    }
  }
  if (!stmt) throw SqlError(err::parameter_not_supplied("sp_executesql", "@statement"));
  if (!stmt->is_null() && !stmt->type.is_unicode()) throw SqlError(err::statement_must_be_nvarchar("@statement"));
  if (decl && !decl->is_null() && !decl->type.is_unicode()) throw SqlError(err::statement_must_be_nvarchar("@params"));
  if (stmt->is_null()) return;
  std::string sql = stmt->value.as_string();
  std::string decl_text = decl && !decl->is_null() ? decl->value.as_string() : "";

  std::vector<ParameterDecl> params;
  if (!decl_text.empty()) params = parse_parameter_declarations(decl_text);

  if (f.depth >= 32) throw SqlError(err::nesting_exceeded(), Abort::Batch);
  Frame inner;
  inner.source = sql;
  inner.depth = f.depth + 1;
  inner.database = f.database;
  std::vector<std::string> outputs(params.size());
  std::size_t next_positional = 0;
  std::vector<std::optional<Datum>> supplied(params.size());
  for (auto& v : values) {
    std::size_t slot = params.size();
    if (v.name.empty()) {
      slot = next_positional++;
      if (slot >= params.size()) throw SqlError(err::too_many_arguments("sp_executesql"));
    } else {
      for (std::size_t k = 0; k < params.size(); ++k)
        if (collate_equal(params[k].name, v.name, ci())) slot = k;
      if (slot == params.size()) throw SqlError(err::not_a_parameter(v.name, "sp_executesql"));
    }
    if (!v.is_default) supplied[slot] = v.value;
    if (v.output) outputs[slot] = v.output_variable;
  }
  for (std::size_t k = 0; k < params.size(); ++k) {
    if (!supplied[k] && !params[k].output)
      throw SqlError(err::parameterized_query_missing("(" + decl_text + ")" + sql, params[k].name));
    Variable var;
    var.name = params[k].name;
    var.type = params[k].type;
    if (supplied[k]) {
      try {
        var.value = convert(*supplied[k], params[k].type, false);
      } catch (SqlError&) {
        throw SqlError(err::error_converting(supplied[k]->type.base_name(), params[k].type.base_name()));
      }
    } else {
      var.value = Datum::null(params[k].type);
    }
    inner.variables.push_back(std::move(var));
  }
  run_text(inner, sql, false);
  for (std::size_t k = 0; k < params.size(); ++k)
    if (!outputs[k].empty() && params[k].output) assign(f, outputs[k], inner.variables[k].value);
  if (inner.database != f.database) {
    // USE inside dynamic SQL lasts until it returns.
    session_.database = f.database;
    if (!describe_mode_) response_.items.emplace_back(DatabaseChange{inner.database, f.database});
  }
}

void Executor::proc_datatype_info(Frame& f, std::vector<CallArg>& args, const std::string& name) {
  (void)f;
  auto bound = bind_procedure_arguments(name,
                              {{"@data_type", TypeSpec::of(BaseType::Int), false},
                               {"@ODBCVer", TypeSpec::of(BaseType::TinyInt), false}},
                              args, ci());
  ResultSet rs = datatype_info_result();
  std::int64_t wanted = bound[0].is_null() ? 0 : bound[0].value.as_int64();
  if (wanted != 0) {
    int col = -1;
    for (std::size_t i = 0; i < rs.columns.size(); ++i)
      if (rs.columns[i].name == "DATA_TYPE") col = static_cast<int>(i);
    std::vector<std::vector<SqlValue>> kept;
    for (auto& row : rs.rows)
      if (col >= 0 && !row[static_cast<std::size_t>(col)].is_null() &&
          row[static_cast<std::size_t>(col)].as_int64() == wanted)
        kept.push_back(row);
    rs.rows = std::move(kept);
  }
  if (describe_mode_) return;
  std::int64_t n = static_cast<std::int64_t>(rs.rows.size());
  response_.items.emplace_back(std::move(rs));
  if (data_.nocount) response_.items.emplace_back(StatementDone{0xC1});
  else response_.items.emplace_back(RowCount{n, 0xC1});
}

void Executor::proc_get_endpoint_certificate(Frame& f, std::vector<CallArg>& args) {
  (void)f;
  auto bound = bind_procedure_arguments("sp_get_endpoint_certificate", {{"@endpoint_type", TypeSpec::of(BaseType::Int), true}},
                              args, ci());
  SelectResult r;
  r.names = {"EndpointCertificatePublicKey"};
  r.types = {TypeSpec::of(BaseType::VarBinary, -1)};
  std::optional<std::int64_t> type;
  if (!bound[0].is_null()) type = bound[0].value.as_int64();
  Datum value = Datum::null(r.types[0]);
  if (type == 4 || type == 3) {
    const Certificate* cert = nullptr;
    if (server_.personality == Personality::ManagedInstance) {
      if (*type == 3 && !server_.service_broker_certificate)
        server_.service_broker_certificate = world_.issue_instance_certificate("SERVICE_BROKER");
      cert = *type == 4 ? (server_.endpoint_certificate ? &*server_.endpoint_certificate : nullptr)
                        : &*server_.service_broker_certificate;
    } else if (*type == 4) {
      const Endpoint* e = server_.mirroring_endpoint();
      if (e && !e->certificate_name.empty()) cert = server_.master().find_certificate(e->certificate_id);
    }
    if (!cert) throw SqlError(err::endpoint_not_certificate_based(static_cast<int>(*type)));
    value = Datum::varbinary(cert->x509.der, -1);
  }
  r.rows.push_back({value});
  emit_result(r);
}

void Executor::proc_certificate_add_issuer(Frame& f, std::vector<CallArg>& args) {
  (void)f;
  // Parameter names are not documented; these are inferred (callers pass them positionally).
  auto bound = bind_procedure_arguments("sp_certificate_add_issuer",
                              {{"@certificate_id", TypeSpec::of(BaseType::Int), true},
                               {"@issuer_name", TypeSpec::of(BaseType::NVarChar, 4000), true}},
                              args, ci());
  Database& master = server_.master();
  const Certificate* cert = bound[0].is_null() ? nullptr : master.find_certificate(static_cast<int>(bound[0].value.as_int64()));
  if (!cert)
    throw SqlError(err::issuer_certificate_not_found(bound[0].is_null() ? "NULL" : std::to_string(bound[0].value.as_int64())));
  std::string pattern = bound[1].is_null() ? "" : bound[1].value.as_string();
  for (const auto& t : server_.trusted_issuers)
    if (t.certificate_id == cert->certificate_id && collate_equal(t.dns_pattern, pattern, true)) return;
  if (describe_mode_) return;
  server_.trusted_issuers.push_back(TrustedIssuer{cert->certificate_id, cert->name, pattern});
}

void Executor::proc_multidb_milink(Frame& f, std::vector<CallArg>& args) {
  (void)f;
  // EXEC sys.sp_multidb_milink 1 (the extend-AG doc passes it positionally; the parameter name is inferred).
  auto bound = bind_procedure_arguments("sp_multidb_milink", {{"@enable", TypeSpec::of(BaseType::Int), true}}, args, ci());
  if (describe_mode_) return;
  server_.multidb_milink_enabled = !bound[0].is_null() && bound[0].value.as_int64() != 0;
}

}  // namespace milink::emulator::sql
