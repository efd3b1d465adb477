#include "rejections_rig.hpp"

#include "state/x509.hpp"

#include <milink/link/dates.hpp>
#include <milink/sdk/json.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace rejections {

Value one_step(const std::string& uses, const Object& with) {
  return Value(Object{
      {"milink", Value(1)},
      {"name", Value("reject-" + uses)},
      {"inputs", Value(Object{{"master_key_password", Value(Object{{"type", Value("string")}, {"secret", Value(true)}})},
                              {"poll_interval_ms", Value(Object{{"type", Value("integer")}, {"default", Value(50)}})},
                              {"verify_timeout_seconds", Value(Object{{"type", Value("integer")}, {"default", Value(30)}})}})},
      {"steps", Value(Array{Value(Object{{"id", Value(kStep)}, {"uses", Value(uses)}, {"with", Value(with)}})})}});
}

Offline::Offline() {
  Value config(Object{
      {"milink_config", Value(1)},
      {"sqlserver", Value(Object{{"name", Value("sqlbox1")},
                                 {"fqdn", Value("sqlbox1.example.com")},
                                 {"host", Value("127.0.0.1")},
                                 {"port", Value(1)},
                                 {"user", Value("sa")},
                                 {"password", Value(Object{{"from_file", Value("sql-password")}})},
                                 {"endpoint_port", Value(5022)}})},
      {"managed_instance", Value(Object{{"name", Value(kInstance)},
                                        {"fqdn", Value(kInstanceFqdn)},
                                        {"host", Value("127.0.0.1")},
                                        {"port", Value(1)},
                                        {"user", Value("sa")},
                                        {"password", Value(Object{{"from_file", Value("sql-password")}})}})},
      // Complete, as `milink run` checks the sections its steps use before the
      // first one; the token file is read only if a step asks for a token.
      {"azure", Value(Object{{"subscription_id", Value("00000000-0000-0000-0000-000000000000")},
                             {"resource_group", Value("rg")},
                             {"instance_name", Value(kInstance)},
                             {"credential", Value("offline")}})},
      {"providers", Value(Object{{"offline", Value(Object{{"use", Value("static-token")},
                                                          {"with", Value(Object{{"file", Value("token")}})}})}})},
      {"inputs", Value(Object{{"master_key_password", Value(Object{{"from_file", Value("master-key-password")}})}})}});
  testsupport::write_file(dir / "milink.json", config.to_pretty_json() + "\n");
  testsupport::write_file(dir / "sql-password", "Sql#Passw0rd-never-used\n");
  testsupport::write_file(dir / "master-key-password", std::string(linksteps::kMasterKeyPassword) + "\n");
}

linksteps::Run Offline::run(const Value& workflow, const std::vector<std::string>& extra) {
  testsupport::write_file(dir / "wf.json", workflow.to_pretty_json() + "\n");
  std::vector<std::string> args{"run", "wf.json", "-c", "milink.json", "--output", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  linksteps::Run r;
  r.process = linksteps::milink(args, dir.path());
  r.events = linksteps::Events::parse(r.process.out);
  return r;
}

linksteps::Run run(linksteps::EmulatorRig& rig, const Value& workflow, const std::vector<std::string>& extra) {
  testsupport::write_file(rig.dir / "wf.json", workflow.to_pretty_json() + "\n");
  return rig.run(rig.dir / "wf.json", extra);
}

bool refused(const linksteps::Run& r, const std::string& reason) {
  bool ok = r.exit_code() == 1 && r.events.status(kStep) == "failed" && r.events.reason(kStep) == reason;
  if (!ok)
    UNSCOPED_INFO("exit code " << r.exit_code() << ", step status \"" << r.events.status(kStep) << "\", reason\n  "
                               << r.events.reason(kStep) << "\nexpected exit code 1, failed, reason\n  " << reason);
  return ok;
}

void check_refused(const linksteps::Run& r, const std::string& reason) { CHECK(refused(r, reason)); }

namespace {
bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
}  // namespace

bool refused_before_run(const linksteps::Run& r, const std::string& uses, const std::string& reason) {
  // reason: `parameter "NAME": message`, as the step-time refusal reads.
  const std::string prefix = "parameter \"";
  const auto close = reason.find("\": ", prefix.size());
  REQUIRE(reason.rfind(prefix, 0) == 0);
  REQUIRE(close != std::string::npos);
  const std::string field = reason.substr(prefix.size(), close - prefix.size());
  const std::string want_pointer = "/steps/0/with/" + field;
  const std::string want_message =
      std::string("step \"") + kStep + "\" (" + uses + ") refuses parameter \"" + field + "\": " + reason.substr(close + 3);
  bool found = false;
  std::string seen;
  for (const auto& ev : r.events.all) {
    const Value* event = ev.find("event");
    const Value* diags = ev.find("diagnostics");
    if (event == nullptr || !event->is_string() || event->as_string() != "invalid_input" || diags == nullptr ||
        !diags->is_array())
      continue;
    for (const auto& d : diags->as_array()) {
      seen += "\n  " + d.to_json();
      const Value* pointer = d.get("pointer");
      const Value* message = d.get("message");
      const Value* file = d.get("file");
      const Value* line = d.get("line");
      found = found || (pointer && pointer->is_string() && pointer->as_string() == want_pointer && message &&
                        message->is_string() && message->as_string() == want_message && file && file->is_string() &&
                        ends_with(file->as_string(), "wf.json") && line && line->is_int() && line->as_int() > 0);
    }
  }
  // Nothing ran: no step started, and stderr says so.
  const bool nothing_ran = r.events.status(kStep).empty() &&
                           r.process.err.find("nothing was run") != std::string::npos;
  bool ok = r.exit_code() == 2 && found && nothing_ran;
  if (!ok)
    UNSCOPED_INFO("exit code " << r.exit_code() << ", step status \"" << r.events.status(kStep) << "\", reason \""
                               << r.events.reason(kStep) << "\", diagnostics" << seen
                               << "\nexpected exit code 2, no step run, and at wf.json " << want_pointer << "\n  "
                               << want_message);
  return ok;
}

void check_refused_before_run(const linksteps::Run& r, const std::string& uses, const std::string& reason) {
  CHECK(refused_before_run(r, uses, reason));
}

std::vector<std::string> logged(const linksteps::Run& r, const std::string& level, const std::string& step) {
  std::vector<std::string> out;
  for (const auto& ev : r.events.all) {
    const Value* event = ev.find("event");
    const Value* s = ev.find("step");
    const Value* l = ev.find("level");
    const Value* m = ev.find("message");
    if (event != nullptr && event->is_string() && event->as_string() == "step_log" && s != nullptr &&
        s->is_string() && s->as_string() == step && l != nullptr && l->is_string() && l->as_string() == level &&
        m != nullptr && m->is_string())
      out.push_back(m->as_string());
  }
  return out;
}

namespace {
std::string upper_trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  std::string t = b == std::string::npos ? std::string() : s.substr(b);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return t;
}
}  // namespace

std::vector<std::string> changes(const std::vector<std::string>& statements) {
  std::vector<std::string> out;
  for (const auto& s : statements) {
    std::string u = upper_trimmed(s);
    if (u.rfind("SELECT ", 0) == 0) continue;  // a read, even when it names a procedure (sys.all_objects)
    for (const char* verb : {"CREATE ", "ALTER ", "DROP ", "BACKUP ", "RESTORE ", "INSERT ", "UPDATE ", "DELETE ",
                             "SP_CERTIFICATE_ADD_ISSUER"})
      if (u.find(verb) != std::string::npos) {
        out.push_back(s);
        break;
      }
  }
  return out;
}

std::vector<std::string> changes(linksteps::EmulatorRig& rig, std::size_t from) {
  auto all = rig.sql_server_statements();
  if (from > all.size()) from = all.size();
  return changes(std::vector<std::string>(all.begin() + static_cast<std::ptrdiff_t>(from), all.end()));
}

std::vector<ArmRequest> azure_requests(linksteps::EmulatorRig& rig) {
  std::vector<ArmRequest> out;
  Value dump = rig.dump();
  const Value* requests = dump.get("azure_requests");
  if (requests == nullptr || !requests->is_array()) return out;
  for (const auto& r : requests->as_array())
    out.push_back({r.get("method")->as_string(), r.get("path")->as_string(), r.get("status")->as_int()});
  return out;
}

std::vector<ArmRequest> azure_requests(linksteps::EmulatorRig& rig, const std::string& method,
                                       const std::string& fragment) {
  std::vector<ArmRequest> out;
  for (auto& r : azure_requests(rig))
    if (r.method == method && r.path.find(fragment) != std::string::npos) out.push_back(r);
  return out;
}

std::string hex(const std::vector<std::uint8_t>& bytes) {
  static const char* digits = "0123456789ABCDEF";
  std::string out = "0x";
  for (auto b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 0xF];
  }
  return out;
}

std::vector<std::uint8_t> certificate_der(const std::string& cn) {
  milink::emulator::CertificateRequest req;
  req.subject_cn = cn;
  const auto today = milink::link::Date::today();
  req.not_before = milink::sdk::SqlDateTime{today.year, today.month, today.day, 0, 0, 0, 0};
  req.not_after = milink::sdk::SqlDateTime{today.year + 1, today.month, std::min(today.day, 28), 0, 0, 0, 0};
  return milink::emulator::generate_certificate(req).info.der;
}

namespace {
milink::link::Date in_days(long long days) { return milink::link::Date::from_days(milink::link::Date::today().days() + days); }
}  // namespace

std::string iso_date(long long days_from_today) { return in_days(days_from_today).iso(); }
std::string compact_date(long long days_from_today) { return in_days(days_from_today).compact(); }

}  // namespace rejections
