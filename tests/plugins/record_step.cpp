#include "test_steps.hpp"

#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace testplugin {

using milink::sdk::Object;
using milink::sdk::Value;
namespace fs = std::filesystem;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void record_call(const std::string& op, const std::string& key, const Object& extra) {
  const char* path = std::getenv("MILINK_TEST_RECORD");
  if (path == nullptr || *path == '\0') return;
  Object rec{{"op", Value(op)}, {"key", Value(key)}};
  for (const auto& [k, v] : extra) rec.set(k, v);
  std::string line = Value(std::move(rec)).to_json() + "\n";
  int fd = ::open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) return;
  ssize_t ignored = ::write(fd, line.data(), line.size());  // one write: lines never interleave
  (void)ignored;
  ::close(fd);
}

namespace {

fs::path state_dir() {
  const char* d = std::getenv("MILINK_TEST_STATE");
  return (d && *d) ? fs::path(d) : fs::path(".milink/test-state");
}

fs::path marker_path(const std::string& marker) {
  std::string safe;
  for (char c : marker) safe += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return state_dir() / (safe + ".marker");
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

milink::sdk::StepSpec RecordStep::spec() {
  milink::sdk::StepSpec s;
  s.uses = "test.record";
  s.summary = "Records each call and keeps a marker file as its state (for tests and examples)";
  s.doc = "observe() is satisfied when the marker for this step exists with the same message.";
  s.params = {
      {"message", milink::sdk::ValueType::String, true, Value(), "Text to record; becomes the echo output", false, {}},
      {"marker", milink::sdk::ValueType::String, false, Value(), "State key; default: the step key", false, {}},
      {"fail", milink::sdk::ValueType::Boolean, false, Value(false), "Make apply() fail", false, {}},
      {"sleep_ms", milink::sdk::ValueType::Integer, false, Value(0), "Sleep this long inside apply()", false, {}},
      {"password", milink::sdk::ValueType::String, false, Value(), "A secret, to test redaction", true, {}},
  };
  s.outputs = {{"echo", milink::sdk::ValueType::String, "The message", false},
               {"length", milink::sdk::ValueType::Integer, "Length of the message in bytes", false}};
  return s;
}

RecordStep::Config RecordStep::configure(const milink::sdk::Params& p) {
  Config c;
  c.message = p.string("message");
  c.marker = p.optional_string("marker").value_or("");
  c.fail = p.boolean("fail");
  c.sleep_ms = p.integer("sleep_ms");
  if (c.sleep_ms < 0) throw milink::sdk::ConfigError("sleep_ms", "sleep_ms must not be negative");
  if (p.has("password")) {
    c.password = p.string("password");
    c.has_password = true;
  }
  // Rules for the tests of the checks before the run (step_config_check_tests.cpp):
  if (c.message == "forbidden") throw milink::sdk::ConfigError("message", "the message \"forbidden\" is refused");
  // A careless plugin that quotes the secret it refuses: milink must mask it.
  if (!c.password.empty() && c.password.back() == '?')
    throw milink::sdk::ConfigError("password", "the password " + c.password + " is on the refused list");
  // A rule that spans parameters: a "within:TEXT" marker needs TEXT in the message.
  if (c.marker.rfind("within:", 0) == 0 && c.message.find(c.marker.substr(7)) == std::string::npos)
    throw milink::sdk::ConfigError("marker", "marker " + c.marker + " needs the message (" + c.message + ") to hold " +
                                                 c.marker.substr(7));
  return c;
}

milink::sdk::Observation RecordStep::observe(const Config& c, milink::sdk::Context& ctx) {
  std::string marker = c.marker.empty() ? ctx.step_key() : c.marker;
  record_call("observe", ctx.step_key(), Object{{"message", Value(c.message)}, {"t", Value(now_ms())}});
  fs::path m = marker_path(marker);
  if (fs::exists(m) && read_all(m) == c.message) {
    ctx.output("echo", Value(c.message));
    ctx.output("length", Value(static_cast<std::int64_t>(c.message.size())));
    return milink::sdk::Observation::satisfied("marker " + marker + " exists");
  }
  return milink::sdk::Observation::needs_change("no marker " + marker + " yet");
}

milink::sdk::Plan RecordStep::plan(const Config& c, milink::sdk::Context& ctx) {
  milink::sdk::Plan plan;
  std::string sql = "SELECT " + milink::sdk::tsql::quote_literal(c.message) + " AS message;";
  if (c.has_password)
    sql = "CREATE MASTER KEY ENCRYPTION BY PASSWORD = " + milink::sdk::tsql::quote_literal(c.password) + ";\n" + sql;
  plan.actions.push_back(milink::sdk::Action::sql_batch("sqlserver", "record " + c.message, sql));
  plan.actions.push_back(milink::sdk::Action::http(
      "PUT", "https://records.example.invalid/records/" + ctx.step_key(), Value(Object{{"message", Value(c.message)}}),
      "store the record"));
  return plan;
}

void RecordStep::apply(const Config& c, milink::sdk::Context& ctx) {
  std::string marker = c.marker.empty() ? ctx.step_key() : c.marker;
  std::int64_t start = now_ms();
  record_call("apply_start", ctx.step_key(), Object{{"message", Value(c.message)}, {"t", Value(start)}});
  if (c.has_password) ctx.info("connecting with password " + c.password);  // must come out redacted
  ctx.progress("recording " + c.message, 0.0);
  for (std::int64_t slept = 0; slept < c.sleep_ms; slept += 10) {
    if (ctx.cancelled()) throw milink::sdk::StepError("interrupted while sleeping");
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<std::int64_t>(10, c.sleep_ms - slept)));
  }
  if (c.fail) {
    record_call("apply_failed", ctx.step_key(), Object{{"t", Value(now_ms())}});
    throw milink::sdk::StepError("asked to fail (fail: true)");
  }
  fs::create_directories(state_dir());
  std::ofstream(marker_path(marker), std::ios::binary | std::ios::trunc) << c.message;
  ctx.output("echo", Value(c.message));
  ctx.output("length", Value(static_cast<std::int64_t>(c.message.size())));
  ctx.progress("recorded " + c.message, 1.0);
  record_call("apply_end", ctx.step_key(), Object{{"message", Value(c.message)}, {"start", Value(start)}, {"t", Value(now_ms())}});
}

}  // namespace testplugin
