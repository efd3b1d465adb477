#include "run/journal.hpp"

#include <milink/sdk/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace milink::run {

using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

namespace fs = std::filesystem;

std::string now_iso8601() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

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
  fs::rename(tmp, path);
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

std::vector<Object> Journal::read_records(const fs::path& file) {
  std::vector<Object> out;
  std::ifstream in(file, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    try {
      Value v = milink::sdk::parse_json(line, file.string());
      if (v.is_object()) out.push_back(v.as_object());
    } catch (const milink::sdk::JsonError&) {
      // A torn last line from a crash mid-write: the record never happened.
      if (in.peek() == std::char_traits<char>::eof()) break;
      throw std::runtime_error("journal " + file.string() + " is corrupt (a record in the middle does not parse)");
    }
  }
  return out;
}

Journal::Journal(Journal&& o) noexcept { *this = std::move(o); }

Journal& Journal::operator=(Journal&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    dir_ = std::move(o.dir_);
    meta_ = std::move(o.meta_);
    fd_ = o.fd_;
    o.fd_ = -1;
    mu_ = std::move(o.mu_);
    completed_ = std::move(o.completed_);
    records_ = std::move(o.records_);
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
  j.records_ = read_records(run_dir / "journal.jsonl");
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
  for (const auto& e : fs::directory_iterator(runs, ec)) {
    if (!e.is_directory()) continue;
    std::ifstream in(e.path() / "run.json", std::ios::binary);
    if (!in) continue;
    std::stringstream ss;
    ss << in.rdbuf();
    try {
      RunMeta m = RunMeta::from_value(milink::sdk::parse_json(ss.str()));
      if (m.workflow != workflow) continue;
      candidates.emplace_back(m.started, e.path());
    } catch (const std::exception&) {
      continue;
    }
  }
  std::sort(candidates.rbegin(), candidates.rend());
  for (const auto& [started, d] : candidates) {
    try {
      if (succeeded(read_records(d / "journal.jsonl"))) return std::nullopt;  // newest run finished
      return d;
    } catch (const std::exception&) {
      continue;
    }
  }
  return std::nullopt;
}

void Journal::append(Object record) {
  record.set("time", Value(now_iso8601()));
  std::string line = Value(std::move(record)).to_json() + "\n";
  std::lock_guard<std::mutex> lock(*mu_);
  // One write() per record: appends of a single write are not interleaved,
  // and a crash can only tear the last line.
  const char* p = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("cannot write the journal in " + dir_.string() + ": " + std::strerror(errno));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  ::fdatasync(fd_);
}

}  // namespace milink::run
