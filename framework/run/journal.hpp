//===- run/journal.hpp - What happened, durably -----------------*- C++ -*-===//
///
/// \file
/// Each run has a directory `<state-dir>/runs/<run-id>/` with `run.json`
/// (what was run, with hashes of the workflow, config and inputs) and
/// `journal.jsonl`: one JSON record per line for run start, each step's
/// start and end (with its outputs) and run end. Records are written in
/// the order append() is called, with a single write() followed by
/// fdatasync() per group: when several threads append at once, the first
/// writes and syncs every line waiting at that moment in one go, and each
/// append() returns only once its own record is on disk (group commit, as
/// databases do for their logs). A kill -9 leaves at worst a torn last line;
/// a power loss can also leave a tail of NUL bytes or garbage. Reopening a run cuts such a damaged tail back to the last
/// complete record (and says so, recovered()) before appending; damage
/// followed by complete records is not from a crash and stops the resume.
/// Everything written is redacted by the caller; secret outputs are not
/// written at all.
///
/// `milink run --resume` reopens the newest unfinished run of the same
/// workflow and skips every step whose end record says ok, changed or
/// skipped.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <milink/sdk/value.hpp>

#include <cstdint>
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

/// What a journal file holds: its complete records, and the damaged tail
/// after them, if any.
struct JournalScan {
  std::vector<milink::sdk::Object> records;
  std::uintmax_t valid_bytes = 0;  ///< length of the prefix made of complete records
  std::uintmax_t file_bytes = 0;
  /// Empty when the file ends with a complete record; else what the tail
  /// is: "a torn last line (N bytes without a newline)", "a NUL-filled
  /// tail (N bytes)" or "a garbage last line (N bytes that are not a JSON
  /// record)".
  std::string damage;
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
  /// A damaged tail (see JournalScan) is truncated away first, durably;
  /// recovered() then says what was removed. Throws std::runtime_error
  /// naming the file and line when records follow a damaged line.
  static Journal reopen(const std::filesystem::path& run_dir);

  /// The newest run directory of \p workflow (absolute path) that has not
  /// ended successfully, if any. Throws std::runtime_error naming the run
  /// when the newest run's journal is damaged beyond a tail (or its
  /// run.json cannot be read), rather than passing over it to an older run.
  static std::optional<std::filesystem::path> find_resumable(const std::filesystem::path& state_dir,
                                                             const std::string& workflow);

  Journal(Journal&&) noexcept;
  Journal& operator=(Journal&&) noexcept;
  Journal(const Journal&) = delete;
  ~Journal();

  /// When append() returns, relative to the disk.
  enum class Sync {
    Now,       ///< the record is on disk (written and synced)
    WithNext,  ///< the record is written (it survives a kill -9) and reaches
               ///< the disk with the next Sync::Now record: for records that
               ///< only inform (a step's start), which a power loss may lose
  };
  /// Appends one record (adds "time"). Thread-safe. Throws std::runtime_error
  /// when the disk refuses.
  void append(milink::sdk::Object record, Sync sync = Sync::Now);

  const RunMeta& meta() const noexcept { return meta_; }
  const std::filesystem::path& dir() const noexcept { return dir_; }
  /// Steps completed in earlier attempts, by step key.
  const std::map<std::string, CompletedStep>& completed() const noexcept { return completed_; }
  /// Every record read at reopen (for tests and `milink runs show`).
  const std::vector<milink::sdk::Object>& records() const noexcept { return records_; }

  /// Reads the records of a journal file, ignoring a damaged tail.
  static std::vector<milink::sdk::Object> read_records(const std::filesystem::path& file);
  /// Reads a journal file without changing it. Throws std::runtime_error
  /// naming the file and line when complete records follow a damaged line.
  static JournalScan scan(const std::filesystem::path& file);

  /// What reopen() cut from a damaged journal ("journal FILE: removed a torn
  /// last line (37 bytes without a newline) after record 5 (step_end
  /// sqlserver-cert); continuing from there"), or empty.
  const std::string& recovered() const noexcept { return recovered_; }

private:
  Journal();
  void open_file();

  std::filesystem::path dir_;
  RunMeta meta_;
  int fd_ = -1;
  /// The group commit's state (behind a pointer: a Journal is movable).
  struct Commit;
  std::unique_ptr<Commit> commit_;
  std::map<std::string, CompletedStep> completed_;
  std::vector<milink::sdk::Object> records_;
  std::string recovered_;
};

/// Current UTC time as ISO 8601 with milliseconds.
std::string now_iso8601();

}  // namespace milink::run
