#include "run/runner.hpp"

#include "arm/arm_setup.hpp"
#include "expr/expression.hpp"
#include "http/http_client.hpp"
#include "run/audit_log.hpp"
#include "run/concurrency.hpp"
#include "run/exit_codes.hpp"
#include "run/interrupt.hpp"
#include "run/journal.hpp"
#include "run/param_resolver.hpp"
#include "run/provider_pool.hpp"
#include "run/run_lock.hpp"
#include "run/step_context.hpp"
#include "sql/sql_service.hpp"
#include "workflow/parallelism.hpp"
#include "workflow/workflow_parser.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

namespace milink::run {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;
using milink::workflow::OnError;
using milink::workflow::StepDef;

const char* mode_name(Mode m) noexcept {
  switch (m) {
    case Mode::Apply: return "apply";
    case Mode::DryRun: return "dry_run";
    case Mode::Plan: return "plan";
  }
  return "?";
}

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

/// The values a branch of execution can see.
struct Frame {
  Object steps;  ///< id -> {"outputs": {...}, "status": "..."}
  Object vars;   ///< loop variables
  std::string prefix;  ///< key prefix inside a group branch: "group[item]."
  std::string pos;     ///< sort key prefix: workflow position of the enclosing branch
  std::vector<std::shared_ptr<Lease>> leases;  ///< concurrency slots of the enclosing group branches
};

/// A fixed-width index, so that sort keys order like workflow positions.
std::string pad(std::size_t i) {
  char buf[24];  // room for any size_t
  std::snprintf(buf, sizeof buf, "%06zu", i);
  return buf;
}

std::string random_hex(std::size_t bytes) {
  std::random_device rd;
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    unsigned b = rd() & 0xFF;
    out += digits[b >> 4];
    out += digits[b & 0xF];
  }
  return out;
}

std::string run_id_for(const std::string& name) {
  std::string ts = now_iso8601();  // 2026-11-26T06:13:36.123Z
  std::string compact;
  for (char c : ts.substr(0, 19))
    if (c != '-' && c != ':') compact += c;
  std::string safe;
  for (char c : name) safe += (std::isalnum(static_cast<unsigned char>(c)) ? c : '-');
  if (safe.size() > 40) safe.resize(40);
  return compact + "Z-" + safe + "-" + random_hex(3);
}

/// Aggregate status of several outcomes: failed > changed > ok > skipped.
std::string aggregate(const std::vector<std::string>& statuses) {
  bool any_failed = false, any_changed = false, any_ok = false;
  for (const auto& s : statuses) {
    any_failed |= s == "failed";
    any_changed |= s == "changed";
    any_ok |= s == "ok";
  }
  if (any_failed) return "failed";
  if (any_changed) return "changed";
  if (any_ok) return "ok";
  return "skipped";
}

/// Label of a for_each item in step keys: the string itself when the items
/// are distinct short strings, else the index.
std::vector<std::string> item_labels(const Array& items) {
  std::vector<std::string> labels;
  bool strings = true;
  for (const auto& i : items) {
    if (!i.is_string() || i.as_string().empty() || i.as_string().size() > 64) strings = false;
    labels.push_back(i.is_string() ? i.as_string() : std::string());
  }
  if (strings) {
    auto sorted = labels;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end()) return labels;
  }
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = std::to_string(i);
  return labels;
}

}  // namespace

class Runner::Impl {
public:
  Impl(const milink::workflow::ValidatedWorkflow& v, const milink::host::Registry& reg, Redactor& redactor,
       EventSink& sink, RunOptions opts)
      : v_(v), reg_(reg), redactor_(redactor), sink_(sink), opts_(std::move(opts)) {
    if (opts_.parallel && *opts_.parallel < 1) opts_.parallel = 1;
    for (const auto& s : v_.secrets) redactor_.add(s);
    // SQL for apply and dry run; plan connects nowhere. Passwords are
    // redacted even when written in the config as plain strings.
    // ARM in plan mode only builds URLs for the plan (no credential, no calls).
    if (opts_.mode == Mode::Plan) {
      auto azure = milink::arm::read_azure_settings(v_.config->root, v_.config->file);
      http_ = std::make_unique<milink::http::Client>(milink::arm::http_options(azure));
      arm_ = std::make_unique<milink::arm::ArmService>(azure, v_.config->file, *http_, nullptr, nullptr);
    } else {
      // Idle SQL sessions: enough for every for_each branch running at once.
      sql_ = std::make_unique<milink::sql::SqlService>(
          v_.config->root, v_.config->file,
          std::max<std::size_t>(milink::sql::SqlService::kDefaultMaxIdle, opts_.parallel.value_or(0)));
      for (const auto& s : sql_->secrets()) redactor_.add(s);
      // HTTP and ARM likewise. The credential provider is created, and the
      // azure section checked, when a step first asks for ARM; every token
      // is registered with the redactor as soon as it arrives.
      auto azure = milink::arm::read_azure_settings(v_.config->root, v_.config->file);
      http_ = std::make_unique<milink::http::Client>(milink::arm::http_options(azure));
      arm_ = std::make_unique<milink::arm::ArmService>(
          azure, v_.config->file, *http_,
          [this](const std::string& kind, const std::string& name, std::string& err) {
            return provider(kind, name, err);
          },
          [this](const std::string& secret) { redactor_.add(secret); });
    }
  }

  ~Impl() { milink::audit::set_sink({}); }  // the log's file and redactor end with this run

  RunResult run() {
    start_ = Clock::now();
    bool resumed = false;
    if (opts_.mode == Mode::Apply) resumed = open_journal();
    open_audit_log();
    emit(Object{{"event", Value("run_start")},
                {"run_id", Value(journal_ ? journal_->meta().run_id : std::string())},
                {"workflow", Value(v_.workflow->name)},
                {"file", Value(v_.workflow->file)},
                {"mode", Value(mode_name(opts_.mode))},
                {"resumed", Value(resumed)}});
    if (!recovered_.empty()) emit(Object{{"event", Value("warning")}, {"step", Value("")}, {"message", Value(recovered_)}});
    for (const auto& w : milink::workflow::ceiling_warnings(*v_.workflow, opts_.parallel))
      emit(Object{{"event", Value("warning")}, {"step", Value(w.step)}, {"message", Value(w.message)}});
    Frame top;
    bool stopped = run_list(v_.workflow->steps, top);
    RunResult result;
    {
      std::lock_guard<std::mutex> lock(mu_);
      result.steps = outcomes_;
    }
    // Workflow order: steps in sequence, for_each branches in item order.
    std::stable_sort(result.steps.begin(), result.steps.end(),
                     [](const StepOutcome& a, const StepOutcome& b) { return a.position < b.position; });
    bool failed = std::any_of(result.steps.begin(), result.steps.end(),
                              [](const StepOutcome& o) { return o.status == "failed"; });
    if (cancelled()) {
      result.result = "interrupted";
      result.exit_code = kExitInterrupted;
    } else if (failed || stopped) {
      result.result = "failed";
      result.exit_code = kExitStepFailed;
    } else {
      result.result = "succeeded";
      result.exit_code = kExitSuccess;
    }
    if (journal_) {
      result.run_dir = journal_->dir().string();
      journal_->append(Object{{"type", Value("run_end")}, {"result", Value(result.result)}});
    }
    // A dry run counts the steps it would change apart from those it
    // skipped for another reason: "3 would change", not "3 skipped".
    Object counts = opts_.mode == Mode::DryRun
                        ? Object{{"ok", Value(0)}, {"would_change", Value(0)}, {"skipped", Value(0)}, {"failed", Value(0)}}
                        : Object{{"ok", Value(0)}, {"changed", Value(0)}, {"skipped", Value(0)}, {"failed", Value(0)}};
    Array summary;
    for (const auto& o : result.steps) {
      Value* c = counts.find(o.would_change ? "would_change" : o.status);
      if (c != nullptr) *c = Value(c->as_int() + 1);
      Object entry{{"step", Value(o.key)}, {"status", Value(o.status)}, {"reason", Value(o.reason)}};
      if (o.would_change) entry.set("would_change", Value(true));
      summary.push_back(Value(std::move(entry)));
    }
    emit(Object{{"event", Value("run_end")},
                {"result", Value(result.result)},
                {"exit_code", Value(result.exit_code)},
                {"elapsed_ms", Value(static_cast<std::int64_t>(ms_since(start_)))},
                {"run_dir", Value(result.run_dir)},
                {"counts", Value(counts)},
                {"summary", Value(std::move(summary))}});
    return result;
  }

private:
  // ---- journal and resume ------------------------------------------------

  bool open_journal() {
    namespace fs = std::filesystem;
    std::string wf_abs = fs::absolute(v_.workflow->file).lexically_normal().string();
    std::string cfg_abs = v_.config->file.empty() ? "" : fs::absolute(v_.config->file).lexically_normal().string();
    if (opts_.resume) {
      fs::path dir;
      if (!opts_.resume_run.empty()) {
        dir = opts_.resume_run;
        if (!fs::exists(dir / "run.json")) dir = opts_.state_dir / "runs" / opts_.resume_run;
        if (!fs::exists(dir / "run.json"))
          throw ResumeError("--resume " + opts_.resume_run + ": no such run (looked for " + dir.string() + "/run.json)");
      } else {
        std::optional<std::filesystem::path> found;
        try {
          found = Journal::find_resumable(opts_.state_dir, wf_abs);
        } catch (const ResumeError&) {
          throw;
        } catch (const std::runtime_error& e) {
          throw ResumeError(e.what());
        }
        if (!found)
          throw ResumeError("--resume: no unfinished run of " + v_.workflow->file + " under " +
                            (opts_.state_dir / "runs").string() + "; run it without --resume");
        dir = *found;
      }
      lock_run(dir);
      Journal j = [&] {
        try {
          return Journal::reopen(dir);
        } catch (const std::runtime_error& e) {
          throw ResumeError(std::string("--resume: ") + e.what());
        }
      }();
      const RunMeta& m = j.meta();
      if (m.workflow_sha256 != v_.workflow->sha256)
        throw ResumeError("--resume: " + v_.workflow->file + " changed since run " + m.run_id +
                          " started; resuming could mix two versions. Restore the file, or start a fresh run without "
                          "--resume");
      if (m.config_sha256 != v_.config->sha256)
        throw ResumeError("--resume: the config changed since run " + m.run_id +
                          " started (or a different -c was given); use the same config, or start a fresh run");
      if (m.inputs_sha256 != inputs_hash(m.salt))
        throw ResumeError("--resume: the inputs (--set or config inputs) differ from run " + m.run_id +
                          "; pass the same values, or start a fresh run");
      journal_ = std::make_unique<Journal>(std::move(j));
      if (!journal_->recovered().empty()) {
        recovered_ = journal_->recovered();
        journal_->append(Object{{"type", Value("journal_recovered")}, {"message", Value(recovered_)}});
      }
      // Not m: it refers into j, which was just moved from.
      journal_->append(Object{{"type", Value("run_resume")}, {"run_id", Value(journal_->meta().run_id)}});
      return true;
    }
    RunMeta meta;
    meta.run_id = run_id_for(v_.workflow->name);
    meta.workflow = wf_abs;
    meta.workflow_sha256 = v_.workflow->sha256;
    meta.config = cfg_abs;
    meta.config_sha256 = v_.config->sha256;
    meta.salt = random_hex(16);
    meta.inputs_sha256 = inputs_hash(meta.salt);
    meta.started = now_iso8601();
    journal_ = std::make_unique<Journal>(Journal::create(opts_.state_dir, meta));
    lock_run(journal_->dir());
    journal_->append(Object{{"type", Value("run_start")}, {"run_id", Value(meta.run_id)}});
    return false;
  }

  /// One process per run: holds the run directory's lock until the runner
  /// ends, or says who holds it.
  void lock_run(const std::filesystem::path& dir) {
    std::string holder;
    auto lock = RunLock::acquire(dir, [this](const std::string& s) { return redactor_.redact(s); }, holder);
    if (!lock)
      throw ResumeError("run " + dir.filename().string() + " is in use by another milink process (" + holder +
                        "); wait for it to end or stop it, then run this command again");
    run_lock_ = std::make_unique<RunLock>(std::move(*lock));
  }

  /// The audit log: --log-file, else log.txt in the run directory (a dry
  /// run has none unless --log-file is given).
  void open_audit_log() {
    std::filesystem::path file = opts_.log_file;
    if (file.empty() && journal_) file = journal_->dir() / "log.txt";
    if (file.empty()) return;
    auto out = std::make_shared<std::ofstream>(file, std::ios::app);
    if (!*out) throw std::runtime_error("cannot write the log file " + file.string());
    milink::audit::set_sink([out, this](const std::string& entry) {
      *out << redactor_.redact(entry);
      out->flush();
    });
  }

  /// Salted, so a journal never lets anyone test guesses of a secret input.
  std::string inputs_hash(const std::string& salt) const {
    return milink::workflow::sha256_hex(salt + Value(v_.inputs).to_json());
  }

  void journal(Object record, Journal::Sync sync = Journal::Sync::Now) {
    if (!journal_) return;
    journal_->append(redactor_.redact(Value(std::move(record))).as_object(), sync);
  }

  // ---- events -----------------------------------------------------------

  void emit(Object event) { sink_.on_event(redactor_.redact(Value(std::move(event))).as_object()); }

  bool cancelled() const { return interrupted(); }

  // ---- scopes -----------------------------------------------------------

  Object scope_for(const Frame& f) const {
    Object scope{{"inputs", Value(v_.inputs)}, {"config", v_.config->root}, {"steps", Value(f.steps)}};
    for (const auto& [k, val] : f.vars) scope.set(k, val);
    return scope;
  }

  // ---- orchestration ----------------------------------------------------

  /// Runs \p steps in order in \p frame. Returns true when a failure
  /// stopped the list.
  bool run_list(const std::vector<StepDef>& steps, Frame& frame) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const StepDef& s = steps[i];
      if (cancelled()) {
        not_run(steps, i, frame, "interrupted before it started");
        return false;
      }
      std::string status = run_step(s, frame, frame.pos + pad(i));
      if (status == "failed" && s.on_error != OnError::Continue) {
        not_run(steps, i + 1, frame,
                cancelled() ? "not run: interrupted" : "not run: step " + frame.prefix + s.id + " failed");
        return true;
      }
    }
    return false;
  }

  void not_run(const std::vector<StepDef>& steps, std::size_t from, const Frame& frame, const std::string& why) {
    for (std::size_t i = from; i < steps.size(); ++i) {
      StepOutcome o;
      o.key = frame.prefix + steps[i].id;
      o.id = steps[i].id;
      o.uses = steps[i].uses;
      o.status = "skipped";
      o.reason = why;
      o.position = frame.pos + pad(i);
      finish(o, /*journaled=*/false);
    }
  }

  /// Runs one step definition (leaf, group, with or without for_each) and
  /// records its result in \p frame. Returns the aggregate status.
  std::string run_step(const StepDef& s, Frame& frame, const std::string& pos) {
    if (!s.for_each) {
      if (s.is_group()) {
        std::string st = run_group_branch(s, frame, frame.prefix + s.id + ".", pos + ".");
        frame.steps.set(s.id, Value(Object{{"status", Value(st)}}));
        return st;
      }
      StepOutcome o = run_leaf(s, frame, frame.prefix + s.id, pos);
      frame.steps.set(s.id, Value(Object{{"outputs", Value(o.outputs)}, {"status", Value(o.status)}}));
      return o.status;
    }
    // for_each
    Value items;
    try {
      items = evaluate_deep(*s.for_each, scope_for(frame));
    } catch (const milink::expr::ExprError& e) {
      return fail_whole(s, frame, pos, std::string("for_each: ") + e.what());
    }
    if (items.is_unknown() && opts_.mode != Mode::Apply) {
      items = Value(Array{Value::unknown("each item of " + items.as_string())});
    }
    if (!items.is_array())
      return fail_whole(s, frame, pos, std::string("for_each must give an array, got ") + kind_name(items.kind()));
    const Array& list = items.as_array();
    auto labels = item_labels(list);
    std::size_t n = list.size();
    std::vector<std::string> statuses(n, "skipped");
    std::vector<Object> outputs(n);
    int bound = milink::workflow::branch_bound(s, opts_.parallel);
    std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(bound), n);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> fail_fast{false};
    std::string fail_fast_key;
    std::mutex ff_mu;
    auto worker = [&] {
      for (std::size_t i = next++; i < n; i = next++) {
        std::string key = frame.prefix + s.id + "[" + labels[i] + "]";
        std::string item_pos = pos + "[" + pad(i) + "]";
        if (cancelled() || fail_fast) {
          std::lock_guard<std::mutex> lock(ff_mu);
          StepOutcome o;
          o.key = key;
          o.id = s.id;
          o.uses = s.uses;
          o.status = "skipped";
          o.position = item_pos;
          o.reason = cancelled() ? "interrupted before it started" : "cancelled: " + fail_fast_key + " failed (on_error: fail_fast)";
          finish(o, false);
          continue;
        }
        Frame branch = frame;
        branch.vars.set(s.as, list[i]);
        if (s.is_group()) {
          statuses[i] = run_group_branch(s, branch, key + ".", item_pos + ".");
        } else {
          StepOutcome o = run_leaf(s, branch, key, item_pos);
          statuses[i] = o.status;
          outputs[i] = o.outputs;
        }
        if (statuses[i] == "failed" && s.on_error == OnError::FailFast) {
          std::lock_guard<std::mutex> lock(ff_mu);
          if (!fail_fast) fail_fast_key = key;
          fail_fast = true;
        }
      }
    };
    if (workers <= 1) {
      worker();
    } else {
      std::vector<std::thread> threads;
      for (std::size_t w = 0; w < workers; ++w) threads.emplace_back(worker);
      for (auto& t : threads) t.join();
    }
    std::string st = aggregate(statuses);
    Object rec{{"status", Value(st)}, {"statuses", Value(Array(statuses.begin(), statuses.end()))}};
    if (!s.is_group()) {
      Object per_output;
      const auto& spec = v_.entry(s).factory->spec();
      for (const auto& out : spec.outputs) {
        Array values;
        for (const auto& o : outputs) {
          const Value* x = o.find(out.name);
          values.push_back(x ? *x : Value());
        }
        per_output.set(out.name, Value(std::move(values)));
      }
      rec.set("outputs", Value(std::move(per_output)));
    }
    frame.steps.set(s.id, Value(std::move(rec)));
    return st;
  }

  std::string fail_whole(const StepDef& s, Frame& frame, const std::string& pos, const std::string& why) {
    StepOutcome o;
    o.position = pos;
    o.key = frame.prefix + s.id;
    o.id = s.id;
    o.uses = s.uses;
    o.status = "failed";
    o.reason = why;
    finish(o, false);
    frame.steps.set(s.id, Value(Object{{"status", Value("failed")}}));
    return "failed";
  }

  /// One pass over a group's steps in a branch frame. \p prefix is
  /// "group." or "group[item].". Returns the branch's aggregate status.
  std::string run_group_branch(const StepDef& group, Frame& frame, const std::string& prefix,
                               const std::string& pos) {
    Frame branch = frame;
    branch.prefix = prefix;
    branch.pos = pos;
    if (group.if_expr) {
      std::string why;
      int decided = condition(*group.if_expr, branch, why);
      if (decided == 0) {
        StepOutcome o;
        o.key = prefix.substr(0, prefix.size() - 1);
        o.id = group.id;
        o.status = "skipped";
        o.position = pos;
        o.reason = why;
        finish(o, false);
        return "skipped";
      }
    }
    std::shared_ptr<Lease> lease;
    if (group.concurrency && opts_.mode == Mode::Apply) {
      std::string error;
      lease = lease_for(*group.concurrency, branch, prefix.substr(0, prefix.size() - 1), error);
      if (!error.empty()) {
        StepOutcome o;
        o.key = prefix.substr(0, prefix.size() - 1);
        o.id = group.id;
        o.status = "failed";
        o.position = pos;
        o.reason = error;
        finish(o, false);
        return "failed";
      }
      if (lease) branch.leases.push_back(lease);
    }
    bool stopped = run_list(group.steps, branch);
    if (lease) lease->release();  // now, not when the last copy of the frame goes
    std::vector<std::string> statuses;
    for (const auto& c : group.steps) {
      const Value* rec = branch.steps.find(c.id);
      const Value* st = rec ? rec->get("status") : nullptr;
      statuses.push_back(st && st->is_string() ? st->as_string() : "skipped");
    }
    return stopped ? "failed" : aggregate(statuses);
  }

  /// Evaluates an `if`. 1 = run, 0 = skip (\p why says why), -1 = cannot
  /// tell before run time (plan mode).
  int condition(const std::string& text, const Frame& frame, std::string& why) {
    Object scope = scope_for(frame);
    Value v;
    if (milink::expr::Template::contains_expression(text))
      v = milink::expr::Template::parse(text).evaluate(scope);
    else
      v = milink::expr::Expression::parse(text).evaluate(scope);
    if (v.is_unknown()) {
      why = "runs only if " + text;
      return -1;
    }
    if (milink::expr::truthy(v)) return 1;
    why = "condition is false: " + text;
    return 0;
  }

  StepOutcome run_leaf(const StepDef& s, Frame& frame, const std::string& key, const std::string& pos) {
    StepOutcome o;
    o.key = key;
    o.position = pos;
    o.id = s.id;
    o.uses = s.uses;
    const auto& entry = v_.entry(s);
    const auto& spec = entry.factory->spec();
    auto t0 = Clock::now();
    auto done = [&](bool journaled) {
      o.elapsed_ms = ms_since(t0);
      finish(o, journaled);
      return o;
    };

    // Resume: a step an earlier attempt completed is not run again.
    if (journal_) {
      auto it = journal_->completed().find(key);
      if (it != journal_->completed().end() && it->second.secret_outputs.empty()) {
        o.status = it->second.status;
        o.outputs = it->second.outputs;
        o.reason = "completed in an earlier attempt: " + it->second.reason;
        return done(false);
      }
    }
    emit(Object{{"event", Value("step_start")}, {"step", Value(key)}, {"id", Value(s.id)}, {"uses", Value(s.uses)}});

    // --skip-preflight: a preflight check is not run at all. Not journaled:
    // a resumed run without the option checks the prerequisites after all.
    if (opts_.skip_preflight && spec.preflight) {
      emit(Object{{"event", Value("warning")},
                  {"step", Value(key)},
                  {"message", Value("step " + key + " (" + s.uses +
                                    ") was skipped by --skip-preflight: its prerequisites were not checked")}});
      o.status = "skipped";
      o.reason = "skipped: --skip-preflight";
      return done(false);
    }

    std::string conditional;
    if (s.if_expr) {
      try {
        int decided = condition(*s.if_expr, frame, conditional);
        if (decided == 0) {
          o.status = "skipped";
          o.reason = conditional;
          journal_end(o, spec);
          return done(true);
        }
        if (decided == 1) conditional.clear();
      } catch (const milink::expr::ExprError& e) {
        o.status = "failed";
        o.reason = std::string("if: ") + e.what();
        journal_end(o, spec);
        return done(true);
      }
    }

    Object params;
    std::string field, error;
    if (!resolve_params(s.with, spec.params, scope_for(frame), redactor_, params, field, error)) {
      o.status = "failed";
      o.reason = error;
      journal_end(o, spec);
      return done(true);
    }
    bool has_unknown = false;
    {
      Object scope = scope_for(frame);
      for (const auto& [k, val] : params) has_unknown |= val.is_unknown();
      for (const auto& [k, raw] : s.with) has_unknown |= depends_on_unknown(raw, scope);
    }

    milink::sdk::Status st;
    milink::host::StepHandle handle = reg_.create_step(entry, milink::sdk::Params(params), st);
    if (!st.ok || !handle.instance) {
      o.status = "failed";
      o.reason = (st.field.empty() ? std::string() : "parameter \"" + st.field + "\": ") + st.message;
      journal_end(o, spec);
      return done(true);
    }

    std::function<bool()> is_cancelled = [this] { return cancelled(); };
    StepContextImpl ctx(key, spec, opts_.mode != Mode::Apply, opts_.mode != Mode::Apply, redactor_,
                        [this](Object e) { emit(std::move(e)); },
                        [this](const std::string& kind, const std::string& name, std::string& err) {
                          return provider(kind, name, err);
                        },
                        is_cancelled);
    ctx.use_sql(sql_.get());
    // When this execution returns, its SQL sessions go back to the pool
    // (reset for the next step), or are closed when it failed.
    struct SqlRelease {
      StepContextImpl& ctx;
      const StepOutcome& outcome;
      ~SqlRelease() { ctx.end_sql(outcome.status != "failed"); }
    } sql_release{ctx, o};
    ctx.use_http(opts_.mode == Mode::Plan ? nullptr : http_.get());  // plan connects nowhere
    ctx.use_arm(arm_.get(), opts_.mode == Mode::Plan);  // this execution's ArmClient lives as long as ctx

    if (opts_.mode == Mode::Plan || (opts_.mode == Mode::DryRun && has_unknown)) {
      milink::sdk::Plan plan;
      st = handle.instance->plan(ctx, plan);
      if (!st.ok) {
        o.status = "failed";
        o.reason = "plan: " + (st.field.empty() ? std::string() : "parameter \"" + st.field + "\": ") + st.message;
        return done(false);
      }
      o.actions = std::move(plan.actions);
      o.status = "skipped";
      o.would_change = true;
      o.reason = opts_.mode == Mode::Plan ? (conditional.empty() ? "planned" : "planned; " + conditional)
                                          : "would change; depends on values from earlier changes";
      o.outputs = planned_outputs(spec, key, ctx, !has_unknown);
      return done(false);
    }

    // Only informs (a resume re-runs every step without an ok end record
    // anyway): it need not reach the disk before the step begins.
    if (journal_) journal(Object{{"type", Value("step_start")}, {"step", Value(key)}}, Journal::Sync::WithNext);

    milink::sdk::Observation obs;
    st = handle.instance->observe(ctx, obs);
    if (!st.ok) {
      o.status = "failed";
      o.reason = "observe: " + (st.field.empty() ? std::string() : "parameter \"" + st.field + "\": ") + st.message;
      journal_end(o, spec);
      return done(true);
    }
    if (obs.state == milink::sdk::Observation::State::Satisfied) {
      auto missing = ctx.missing_outputs();
      if (!missing.empty()) {
        o.status = "failed";
        o.reason = "plugin bug: observe() said satisfied but did not set output \"" + missing.front() +
                   "\"; a satisfied observe must set every declared output";
        journal_end(o, spec);
        return done(true);
      }
      o.status = "ok";
      o.reason = obs.reason;
      o.outputs = ctx.outputs();
      journal_end(o, spec);
      return done(true);
    }

    if (opts_.mode == Mode::DryRun) {
      milink::sdk::Plan plan;
      st = handle.instance->plan(ctx, plan);
      o.status = st.ok ? "skipped" : "failed";
      o.would_change = st.ok;
      o.reason = st.ok ? "would change: " + obs.reason : "plan: " + st.message;
      o.actions = std::move(plan.actions);
      o.outputs = planned_outputs(spec, key, ctx, !has_unknown);
      return done(false);
    }

    if (cancelled()) {
      o.status = "skipped";
      o.reason = "interrupted before apply (" + obs.reason + ")";
      return done(false);  // not journaled: a resumed run does it
    }
    if (spec.destructive && !opts_.assume_yes && opts_.confirmed_destructive.count(key) == 0) {
      o.status = "failed";
      o.reason = "not applied: step " + key + " (" + s.uses + ") would delete or drop things (" + obs.reason +
                 ") that were not listed and confirmed before the run; run again and answer yes, or pass --yes";
      return done(false);  // not journaled: a resumed run asks again
    }
    // concurrency: the slots of the enclosing group branches, then the
    // step's own (given back when this function returns).
    std::shared_ptr<Lease> own;
    if (s.concurrency) {
      std::string error;
      own = lease_for(*s.concurrency, frame, key, error);
      if (!error.empty()) {
        o.status = "failed";
        o.reason = error;
        journal_end(o, spec);
        return done(true);
      }
    }
    std::string full_group;
    if (!hold_slots(frame, own.get(), key, full_group)) {
      o.status = "skipped";
      o.reason = "interrupted while waiting for a slot in concurrency group \"" + full_group + "\" (" + obs.reason + ")";
      return done(false);  // not journaled: a resumed run does it
    }
    st = handle.instance->apply(ctx);
    if (!st.ok) {
      o.status = "failed";
      o.reason = (cancelled() ? "interrupted: " : "") +
                 (st.field.empty() ? std::string() : "parameter \"" + st.field + "\": ") + st.message;
      journal_end(o, spec);
      return done(true);
    }
    auto missing = ctx.missing_outputs();
    if (!missing.empty()) {
      o.status = "failed";
      o.reason = "plugin bug: apply() did not set output \"" + missing.front() + "\"";
      journal_end(o, spec);
      return done(true);
    }
    o.status = "changed";
    o.reason = ctx.final_message().empty() ? obs.reason : ctx.final_message();  // where apply ended, when it says
    o.outputs = ctx.outputs();
    journal_end(o, spec);
    return done(true);
  }

  /// A lease on the group \p def names in \p frame's scope, for \p holder;
  /// null when an enclosing group branch already holds that group (its slot
  /// covers this step). \p error says why the definition did not evaluate.
  std::shared_ptr<Lease> lease_for(const milink::workflow::ConcurrencyDef& def, const Frame& frame,
                                   const std::string& holder, std::string& error) {
    std::string group;
    int limit = 0;
    if (!evaluate_concurrency(def, scope_for(frame), group, limit, error)) return nullptr;
    for (const auto& l : frame.leases)
      if (l->group() == group) return nullptr;
    return std::make_shared<Lease>(groups_, group, limit, holder, [this](Object e) { emit(std::move(e)); });
  }

  /// Takes the slots step \p key needs before it applies, outermost first.
  /// False, with the group it waited for in \p waited_for, when interrupted.
  bool hold_slots(const Frame& frame, Lease* own, const std::string& key, std::string& waited_for) {
    std::function<bool()> is_cancelled = [this] { return cancelled(); };
    std::vector<Lease*> all;
    for (const auto& l : frame.leases) all.push_back(l.get());
    if (own != nullptr) all.push_back(own);
    for (Lease* l : all) {
      if (!l->hold(key, is_cancelled)) {
        waited_for = l->group();
        return false;
      }
    }
    return true;
  }

  Object placeholders(const milink::sdk::StepSpec& spec, const std::string& key) const {
    Object out;
    for (const auto& o : spec.outputs) out.set(o.name, Value::unknown("steps." + key + ".outputs." + o.name));
    return out;
  }

  /// The outputs later steps see of a step that would change (plan, dry
  /// run): placeholders, except those its plan() set because it already
  /// knows them (a name from the config, an existing endpoint's URL). Those
  /// count only when none of its own inputs was a placeholder: a value
  /// derived from a placeholder is no value.
  Object planned_outputs(const milink::sdk::StepSpec& spec, const std::string& key, const StepContextImpl& ctx,
                         bool inputs_known) const {
    Object out = placeholders(spec, key);
    if (!inputs_known) return out;
    for (const auto& [name, val] : ctx.outputs())
      if (out.find(name) != nullptr && !val.is_unknown()) out.set(name, val);
    return out;
  }

  void journal_end(const StepOutcome& o, const milink::sdk::StepSpec& spec) {
    if (!journal_) return;
    Object outputs;
    Array secret_outputs;
    for (const auto& [name, val] : o.outputs) {
      const auto* os = spec.output(name);
      if (os != nullptr && os->secret)
        secret_outputs.push_back(Value(name));
      else
        outputs.set(name, val);
    }
    journal(Object{{"type", Value("step_end")},
                   {"step", Value(o.key)},
                   {"status", Value(o.status)},
                   {"reason", Value(o.reason)},
                   {"outputs", Value(std::move(outputs))},
                   {"secret_outputs", Value(std::move(secret_outputs))}});
  }

  void finish(StepOutcome& o, bool /*journaled*/) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      outcomes_.push_back(o);
    }
    Object ev{{"event", Value("step_end")},
              {"step", Value(o.key)},
              {"id", Value(o.id)},
              {"uses", Value(o.uses)},
              {"status", Value(o.status)},
              {"reason", Value(o.reason)},
              {"elapsed_ms", Value(static_cast<std::int64_t>(o.elapsed_ms))},
              {"outputs", Value(redact_secret_outputs(o))}};
    if (o.would_change) ev.set("would_change", Value(true));
    if (!o.actions.empty()) {
      Array actions;
      for (const auto& a : o.actions)
        actions.push_back(Value(a.destructive ? Object{{"target", Value(a.target)}, {"description", Value(a.description)},
                                                       {"destructive", Value(true)}}
                                              : Object{{"target", Value(a.target)}, {"description", Value(a.description)}}));
      ev.set("actions", Value(std::move(actions)));
    }
    emit(std::move(ev));
  }

  Object redact_secret_outputs(const StepOutcome& o) const {
    if (o.uses.empty()) return o.outputs;
    const auto* entry = reg_.find_step(o.uses);
    if (entry == nullptr) return o.outputs;
    Object out;
    for (const auto& [name, val] : o.outputs) {
      const auto* os = entry->factory->spec().output(name);
      out.set(name, os && os->secret ? Value(Redactor::kMask) : val);
    }
    return out;
  }

  // ---- providers --------------------------------------------------------

  milink::sdk::Provider* provider(const std::string& kind, const std::string& name, std::string& error) {
    return providers_.get(kind, name, error);
  }

  const milink::workflow::ValidatedWorkflow& v_;
  const milink::host::Registry& reg_;
  Redactor& redactor_;
  EventSink& sink_;
  RunOptions opts_;
  Clock::time_point start_;
  std::unique_ptr<Journal> journal_;
  std::unique_ptr<RunLock> run_lock_;  ///< held while this runner lives
  std::string recovered_;              ///< what --resume cut from a damaged journal
  std::mutex mu_;
  std::vector<StepOutcome> outcomes_;
  ProviderPool providers_{*v_.config, v_.providers, reg_, redactor_};
  ConcurrencyGroups groups_;
  std::unique_ptr<milink::sql::SqlService> sql_;  ///< nullptr in plan mode
  // After providers_: the ARM service's token cache uses the credential
  // provider, so it must go first.
  std::unique_ptr<milink::http::Client> http_;    ///< nullptr in plan mode
  std::unique_ptr<milink::arm::ArmService> arm_;  ///< nullptr in plan mode
};

Runner::Runner(const milink::workflow::ValidatedWorkflow& validated, const milink::host::Registry& registry,
               Redactor& redactor, EventSink& sink, RunOptions options)
    : impl_(std::make_unique<Impl>(validated, registry, redactor, sink, std::move(options))) {}

Runner::~Runner() = default;

RunResult Runner::run() { return impl_->run(); }

}  // namespace milink::run
