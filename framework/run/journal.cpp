#include "run/journal.hpp"

#include <condition_variable>

#include <milink/sdk/json.hpp>

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace milink::run {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace fs = std::filesystem;

std::string now_iso8601() { return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y-%m-%dT%H:%M:%S.%iZ"); }

Value RunMeta::to_value() const {
  return Value(Object{{"run_id", Value(run_id)},
                      {"workflow", Value(workflow)},
                      {"workflow_sha256", Value(workflow_sha256)},
                      {"config", Value(config)},
                      {"config_sha256", Value(config_sha256)},
                      {"inputs_sha256", Value(inputs_sha256)},
                      {"salt", Value(salt)},
                      {"started", Value(started)}});
}

RunMeta RunMeta::from_value(const Value& v) {
  RunMeta m;
  auto s = [&](const char* k) {
    const Value* x = v.get(k);
    return x && x->is_string() ? x->as_string() : std::string();
  };
  m.run_id = s("run_id");
  m.workflow = s("workflow");
  m.workflow_sha256 = s("workflow_sha256");
  m.config = s("config");
  m.config_sha256 = s("config_sha256");
  m.inputs_sha256 = s("inputs_sha256");
  m.salt = s("salt");
  m.started = s("started");
  return m;
}

namespace {

void write_file_atomically(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  // On disk before the rename, so a power loss leaves the old file or the
  // whole new one, never an empty one.
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  fs::rename(tmp, path);
  int dfd = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

bool succeeded(const std::vector<Object>& records) {
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    const Value* type = it->find("type");
    if (type && type->is_string() && type->as_string() == "run_end") {
      const Value* r = it->find("result");
      return r && r->is_string() && r->as_string() == "succeeded";
    }
    if (type && type->is_string() && (type->as_string() == "run_start" || type->as_string() == "run_resume"))
      return false;
  }
  return false;
}

}  // namespace

namespace {

/// One line of a journal parsed as a record, or nullopt.
std::optional<Object> parse_record(const std::string& line, const fs::path& file) {
  try {
    Value v = milink::sdk::parse_json(line, file.string());
    if (v.is_object()) return v.as_object();
  } catch (const milink::sdk::JsonError&) {
  }
  return std::nullopt;
}

std::string describe_tail(const std::string& tail) {
  const std::string n = std::to_string(tail.size());
  if (tail.find_first_not_of(std::string("\0\n", 2)) == std::string::npos)
    return "a NUL-filled tail (" + n + " bytes)";
  if (tail.find('\n') == std::string::npos) return "a torn last line (" + n + " bytes without a newline)";
  return "a garbage last line (" + n + " bytes that are not a JSON record)";
}

std::string describe_record(const std::vector<Object>& records) {
  if (records.empty()) return "before the first record";
  const Object& r = records.back();
  std::string what = "after record " + std::to_string(records.size());
  const Value* type = r.find("type");
  if (type && type->is_string()) {
    what += " (" + type->as_string();
    if (const Value* step = r.find("step"); step && step->is_string()) what += " " + step->as_string();
    what += ")";
  }
  return what;
}

}  // namespace

JournalScan Journal::scan(const fs::path& file) {
  JournalScan out;
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  out.file_bytes = text.size();
  std::size_t pos = 0;
  std::size_t line_no = 0;
  std::optional<std::size_t> bad_line;  // the first line that is not a complete record
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string::npos ? text.size() : nl;
    std::string line = text.substr(pos, end - pos);
    ++line_no;
    bool complete = nl != std::string::npos;
    std::optional<Object> rec;
    if (complete && !line.empty()) rec = parse_record(line, file);
    if (rec) {
      if (bad_line)
        throw std::runtime_error("journal " + file.string() + " is damaged in the middle: line " +
                                 std::to_string(*bad_line) + " is not a JSON record but complete records follow it "
                                 "(line " + std::to_string(line_no) +
                                 "); a crash only damages the end. Inspect the file, or start a fresh run "
                                 "without --resume");
      out.records.push_back(std::move(*rec));
      out.valid_bytes = end + 1;
    } else if (!(complete && line.empty() && !bad_line)) {
      if (!bad_line) bad_line = line_no;
    } else {
      out.valid_bytes = end + 1;  // an empty line between records
    }
    pos = complete ? end + 1 : end;
  }
  if (out.valid_bytes < text.size()) out.damage = describe_tail(text.substr(out.valid_bytes));
  return out;
}

std::vector<Object> Journal::read_records(const fs::path& file) { return scan(file).records; }

/// Records waiting to be written, and who is writing. A record numbered n
/// is on disk once synced >= n.
struct Journal::Commit {
  std::mutex mu;
  std::condition_variable done;
  std::string pending;         ///< lines appended and not yet written
  std::uint64_t appended = 0;  ///< records appended so far
  std::uint64_t synced = 0;    ///< records written and synced so far
  bool writing = false;        ///< a thread is writing a group
  std::string failed;          ///< why the journal cannot be written (then every append throws)
};

Journal::Journal() : commit_(std::make_unique<Commit>()) {}

Journal::Journal(Journal&& o) noexcept { *this = std::move(o); }

Journal& Journal::operator=(Journal&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    dir_ = std::move(o.dir_);
    meta_ = std::move(o.meta_);
    fd_ = o.fd_;
    o.fd_ = -1;
    commit_ = std::move(o.commit_);
    completed_ = std::move(o.completed_);
    records_ = std::move(o.records_);
    recovered_ = std::move(o.recovered_);
  }
  return *this;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::open_file() {
  fs::path file = dir_ / "journal.jsonl";
  fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) throw std::runtime_error("cannot open journal " + file.string() + ": " + std::strerror(errno));
}

Journal Journal::create(const fs::path& state_dir, RunMeta meta) {
  Journal j;
  j.meta_ = std::move(meta);
  j.dir_ = state_dir / "runs" / j.meta_.run_id;
  std::error_code ec;
  fs::create_directories(j.dir_, ec);
  if (ec) throw std::runtime_error("cannot create run directory " + j.dir_.string() + ": " + ec.message());
  write_file_atomically(j.dir_ / "run.json", j.meta_.to_value().to_pretty_json() + "\n");
  j.open_file();
  return j;
}

Journal Journal::reopen(const fs::path& run_dir) {
  Journal j;
  j.dir_ = run_dir;
  std::ifstream in(run_dir / "run.json", std::ios::binary);
  if (!in) throw std::runtime_error("no run.json in " + run_dir.string());
  std::stringstream ss;
  ss << in.rdbuf();
  j.meta_ = RunMeta::from_value(milink::sdk::parse_json(ss.str(), (run_dir / "run.json").string()));
  const fs::path file = run_dir / "journal.jsonl";
  JournalScan scanned = scan(file);
  if (!scanned.damage.empty()) {
    // Cut the tail durably before anything is appended after it, so the
    // next record starts on a line of its own.
    int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(scanned.valid_bytes)) != 0 || ::fsync(fd) != 0) {
      std::string err = std::strerror(errno);
      if (fd >= 0) ::close(fd);
      throw std::runtime_error("journal " + file.string() + " ends with " + scanned.damage +
                               " and cannot be truncated: " + err);
    }
    ::close(fd);
    j.recovered_ = "journal " + file.string() + ": removed " + scanned.damage + " " +
                   describe_record(scanned.records) + " (a crash or power loss during a write); continuing from there";
  }
  j.records_ = std::move(scanned.records);
  for (const auto& r : j.records_) {
    const Value* type = r.find("type");
    const Value* key = r.find("step");
    if (!type || !type->is_string() || type->as_string() != "step_end" || !key || !key->is_string()) continue;
    const Value* status = r.find("status");
    std::string st = status && status->is_string() ? status->as_string() : "";
    if (st != "ok" && st != "changed" && st != "skipped") {
      j.completed_.erase(key->as_string());
      continue;
    }
    CompletedStep c;
    c.status = st;
    if (const Value* reason = r.find("reason"); reason && reason->is_string()) c.reason = reason->as_string();
    if (const Value* o = r.find("outputs"); o && o->is_object()) c.outputs = o->as_object();
    if (const Value* so = r.find("secret_outputs"); so && so->is_array())
      for (const auto& n : so->as_array())
        if (n.is_string()) c.secret_outputs.push_back(n.as_string());
    j.completed_[key->as_string()] = std::move(c);
  }
  j.open_file();
  return j;
}

std::optional<fs::path> Journal::find_resumable(const fs::path& state_dir, const std::string& workflow) {
  fs::path runs = state_dir / "runs";
  std::error_code ec;
  if (!fs::is_directory(runs, ec)) return std::nullopt;
  // Newest first by the start time in run.json (milliseconds), then by
  // directory name: run ids only have a timestamp to the second followed by
  // a random suffix, so two runs started in the same second would otherwise
  // be ordered at random.
  std::vector<std::pair<std::string, fs::path>> candidates;  // (started, dir)
  std::vector<std::pair<fs::path, std::string>> unreadable;      // (dir, why)
  for (const auto& e : fs::directory_iterator(runs, ec)) {
    if (!e.is_directory()) continue;
    std::ifstream in(e.path() / "run.json", std::ios::binary);
    if (!in) {
      // A run whose run.json never made it to disk; only one that got as
      // far as journaling counts.
      if (fs::exists(e.path() / "journal.jsonl")) unreadable.emplace_back(e.path(), "has no run.json");
      continue;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      RunMeta m = RunMeta::from_value(milink::sdk::parse_json(ss.str()));
      if (m.workflow != workflow) continue;
      candidates.emplace_back(m.started, e.path());
    } catch (const std::exception&) {
      unreadable.emplace_back(e.path(), "has a run.json that does not parse");
    }
  }
  std::sort(candidates.rbegin(), candidates.rend());
  if (candidates.empty()) return std::nullopt;
  const fs::path& newest = candidates.front().second;
  // A run that cannot be attributed to a workflow and is newer than the
  // candidate may be the run the user means: refuse rather than guess.
  for (const auto& [d, why] : unreadable) {
    std::error_code e1, e2;
    auto t_bad = fs::last_write_time(d, e1);
    auto t_newest = fs::last_write_time(newest, e2);
    if (!e1 && !e2 && t_bad >= t_newest)
      throw std::runtime_error("--resume: run directory " + d.string() + " " + why +
                               ", and it is newer than run " + newest.filename().string() +
                               "; resume one of them by name (--resume=RUN-ID), or move the damaged one away");
  }
  JournalScan s;
  try {
    s = scan(newest / "journal.jsonl");
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("--resume: the newest run of this workflow cannot be continued: ") +
                             e.what());
  }
  if (succeeded(s.records)) return std::nullopt;  // newest run finished
  return newest;
}

namespace {

/// One write() of all of \p text; empty, or why the disk refused.
std::string write_all(int fd, const std::string& text, const fs::path& dir) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return "cannot write the journal in " + dir.string() + ": " + std::strerror(errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

void Journal::append(Object record, Sync sync) {
  record.set("time", Value(now_iso8601()));
  std::string line = Value(std::move(record)).to_json() + "\n";
  Commit& c = *commit_;
  std::unique_lock<std::mutex> lock(c.mu);
  if (!c.failed.empty()) throw std::runtime_error(c.failed);
  c.pending += line;
  const std::uint64_t mine = ++c.appended;
  if (sync == Sync::WithNext) {
    // Written now unless a group is being written (then with the next
    // group); synced by whoever syncs next, as fdatasync() covers every
    // byte written before it. A waiting appender whose line goes out here
    // still syncs it itself.
    if (c.writing) return;
    std::string group;
    group.swap(c.pending);
    std::string error = write_all(fd_, group, dir_);
    if (!error.empty()) {
      c.failed = error;
      c.done.notify_all();
      throw std::runtime_error(error);
    }
    return;
  }
  // Another thread's group may take this record along: wait for it.
  c.done.wait(lock, [&] { return c.synced >= mine || !c.writing || !c.failed.empty(); });
  if (!c.failed.empty()) throw std::runtime_error(c.failed);
  if (c.synced >= mine) return;
  // This thread writes every line waiting now (its own included) with one
  // write(), so groups reach the file whole and in order, and a crash can
  // only tear the last line; then one fdatasync() for all of them.
  c.writing = true;
  std::string group;
  group.swap(c.pending);
  const std::uint64_t upto = c.appended;
  lock.unlock();
  std::string error = write_all(fd_, group, dir_);
  if (error.empty()) ::fdatasync(fd_);
  lock.lock();
  c.writing = false;
  if (error.empty()) c.synced = upto;
  else c.failed = error;
  c.done.notify_all();
  if (!error.empty()) throw std::runtime_error(error);
}

}  // namespace milink::run
