//===- tests/runner/runner_fixture.hpp - Drives milink like a user -*- C++ -*-===//
///
/// \file
/// A Sandbox is a temporary working directory in which the real `milink`
/// binary runs with the test plugins, recording every plugin call into
/// record.jsonl and keeping the test plugins' "remote state" (marker files)
/// in state/. Helpers read the record file, the JSON events a run printed
/// and the run journal.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "test_support.hpp"

#include <milink/sdk/json.hpp>
#include <milink/sdk/value.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace runnertest {

namespace fs = std::filesystem;
using milink::sdk::Array;
using milink::sdk::Object;
using milink::sdk::Value;

/// The string member \p key of \p o, or "" when absent or not a string.
inline std::string str(const Object& o, const std::string& key) {
  const Value* v = o.find(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

/// Every line of \p text parsed as one JSON object (fails the test when a
/// line does not parse or is not an object).
inline std::vector<Object> parse_events(const std::string& text) {
  std::vector<Object> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Value v;
    INFO("event line: " << line);
    REQUIRE_NOTHROW(v = milink::sdk::parse_json(line, "<stdout>"));
    REQUIRE(v.is_object());
    out.push_back(v.as_object());
  }
  return out;
}

/// The events named \p name.
inline std::vector<Object> events_named(const std::vector<Object>& events, const std::string& name) {
  std::vector<Object> out;
  for (const auto& e : events)
    if (str(e, "event") == name) out.push_back(e);
  return out;
}

/// The step_end event of step key \p key (fails the test when there is not exactly one).
inline Object step_end(const std::vector<Object>& events, const std::string& key) {
  std::vector<Object> found;
  for (const auto& e : events_named(events, "step_end"))
    if (str(e, "step") == key) found.push_back(e);
  INFO("step_end of " << key);
  REQUIRE(found.size() == 1);
  return found.front();
}

/// The single run_end event.
inline Object run_end(const std::vector<Object>& events) {
  auto ends = events_named(events, "run_end");
  REQUIRE(ends.size() == 1);
  return ends.front();
}

inline bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

/// The largest number of [start, end) intervals (milliseconds) that overlap.
/// At equal times ends come first: a worker that finishes one item and takes
/// the next within the same millisecond did not run two at once.
inline int max_overlap(const std::vector<std::pair<std::int64_t, std::int64_t>>& intervals) {
  std::vector<std::pair<std::int64_t, int>> points;  // (time, +1 start / -1 end)
  for (const auto& [start, end] : intervals) {
    points.emplace_back(start, +1);
    points.emplace_back(end, -1);
  }
  std::sort(points.begin(), points.end());
  int now = 0, most = 0;
  for (const auto& [t, d] : points) {
    now += d;
    most = std::max(most, now);
  }
  return most;
}

class Sandbox {
public:
  Sandbox() {
    env["MILINK_TEST_RECORD"] = record_file().string();
    env["MILINK_TEST_STATE"] = state_dir().string();
  }

  const fs::path& dir() const { return tmp_.path(); }
  fs::path operator/(const std::string& name) const { return tmp_ / name; }
  fs::path record_file() const { return tmp_ / "record.jsonl"; }
  fs::path state_dir() const { return tmp_ / "state"; }
  fs::path runs_dir() const { return tmp_ / ".milink" / "runs"; }

  void write(const std::string& name, const std::string& text) const { testsupport::write_file(tmp_ / name, text); }

  /// milink ARGS, with --plugin-path added after the command's arguments.
  std::vector<std::string> argv(const std::vector<std::string>& args, bool plugins = true) const {
    std::vector<std::string> a{testsupport::milink_binary().string()};
    a.insert(a.end(), args.begin(), args.end());
    if (plugins) {
      a.push_back("--plugin-path");
      a.push_back(testsupport::test_plugin_dir().string());
    }
    return a;
  }

  testsupport::ProcessResult milink(const std::vector<std::string>& args, bool plugins = true) const {
    auto r = testsupport::run(argv(args, plugins), dir(), env);
    UNSCOPED_INFO("milink exit " << r.exit_code << "\n--- stdout ---\n" << r.out << "\n--- stderr ---\n" << r.err);
    return r;
  }

  pid_t spawn(const std::vector<std::string>& args, const std::string& tag) const {
    return testsupport::spawn(argv(args), dir(), env, tag);
  }

  /// Every plugin call recorded so far (tolerates a line being written right now).
  std::vector<Object> records() const {
    std::vector<Object> out;
    std::ifstream in(record_file(), std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      try {
        Value v = milink::sdk::parse_json(line, "record.jsonl");
        if (v.is_object()) out.push_back(v.as_object());
      } catch (const std::exception&) {
        // a line still being written
      }
    }
    return out;
  }

  /// The recorded calls of operation \p op (observe, apply_start, apply_end,
  /// apply_failed), optionally only for step key \p key.
  std::vector<Object> records(const std::string& op, const std::string& key = "") const {
    std::vector<Object> out;
    for (const auto& r : records())
      if (str(r, "op") == op && (key.empty() || str(r, "key") == key)) out.push_back(r);
    return out;
  }

  std::size_t count(const std::string& op, const std::string& key = "") const { return records(op, key).size(); }

  /// The run directories under .milink/runs.
  std::vector<fs::path> run_dirs() const {
    std::vector<fs::path> out;
    std::error_code ec;
    if (!fs::is_directory(runs_dir(), ec)) return out;
    for (const auto& e : fs::directory_iterator(runs_dir()))
      if (e.is_directory()) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }

  /// The only run directory (fails the test when there is not exactly one).
  fs::path only_run_dir() const {
    auto dirs = run_dirs();
    REQUIRE(dirs.size() == 1);
    return dirs.front();
  }

  /// Marker files the test plugin left (its "remote state").
  std::vector<fs::path> markers() const {
    std::vector<fs::path> out;
    std::error_code ec;
    if (!fs::is_directory(state_dir(), ec)) return out;
    for (const auto& e : fs::directory_iterator(state_dir())) out.push_back(e.path());
    return out;
  }

  std::map<std::string, std::string> env;

private:
  testsupport::TempDir tmp_;
};

}  // namespace runnertest
