//===- run/journal.hpp - What happened, durably -----------------*- C++ -*-===//
///
/// \file
/// Each run has a directory `<state-dir>/runs/<run-id>/` with `run.json`
/// (what was run, with hashes of the workflow, config and inputs) and
/// `journal.jsonl`: one JSON record per line for run start, each step's
/// start and end (with its outputs) and run end. Each record is written
/// with a single write() followed by fdatasync(), so a kill -9 leaves at
/// worst a torn last line, which the reader ignores. Everything written is
/// redacted by the caller; secret outputs are not written at all.
///
/// `milink run --resume` reopens the newest unfinished run of the same
/// workflow and skips every step whose end record says ok, changed or
/// skipped.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace milink::run {

struct RunMeta {
  std::string run_id;
  std::string workflow;        ///< absolute path
  std::string workflow_sha256;
  std::string config;          ///< absolute path or empty
  std::string config_sha256;
  std::string inputs_sha256;   ///< salted hash of the resolved inputs
  std::string salt;
  std::string started;         ///< ISO 8601 UTC

  milink::sdk::Value to_value() const;
  static RunMeta from_value(const milink::sdk::Value& v);
};

/// A step that ended well in an earlier attempt.
struct CompletedStep {
  std::string status;
  std::string reason;
  milink::sdk::Object outputs;
  std::vector<std::string> secret_outputs;  ///< not journaled; recover by observe()
};

class Journal {
public:
  /// Creates a new run directory under \p state_dir and writes run.json.
  static Journal create(const std::filesystem::path& state_dir, RunMeta meta);
  /// Opens an existing run directory for appending, reading what it holds.
  static Journal reopen(const std::filesystem::path& run_dir);

  /// The newest run directory of \p workflow (absolute path) that has not
  /// ended successfully, if any.
  static std::optional<std::filesystem::path> find_resumable(const std::filesystem::path& state_dir,
                                                             const std::string& workflow);

  Journal(Journal&&) noexcept;
  Journal& operator=(Journal&&) noexcept;
  Journal(const Journal&) = delete;
  ~Journal();

  /// Appends one record (adds "time"). Thread-safe. Throws std::runtime_error
  /// when the disk refuses.
  void append(milink::sdk::Object record);

  const RunMeta& meta() const noexcept { return meta_; }
  const std::filesystem::path& dir() const noexcept { return dir_; }
  /// Steps completed in earlier attempts, by step key.
  const std::map<std::string, CompletedStep>& completed() const noexcept { return completed_; }
  /// Every record read at reopen (for tests and `milink runs show`).
  const std::vector<milink::sdk::Object>& records() const noexcept { return records_; }

  /// Reads the records of a journal file, ignoring a torn last line.
  static std::vector<milink::sdk::Object> read_records(const std::filesystem::path& file);

private:
  Journal() = default;
  void open_file();

  std::filesystem::path dir_;
  RunMeta meta_;
  int fd_ = -1;
  std::unique_ptr<std::mutex> mu_ = std::make_unique<std::mutex>();
  std::map<std::string, CompletedStep> completed_;
  std::vector<milink::sdk::Object> records_;
};

/// Current UTC time as ISO 8601 with milliseconds.
std::string now_iso8601();

}  // namespace milink::run
