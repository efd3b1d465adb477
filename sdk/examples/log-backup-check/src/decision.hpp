//===- src/decision.hpp - From what SQL Server says to what the step does -*- C++ -*-===//
///
/// \file
/// The step's judgement, a pure function of the Config and the Observed
/// state (no I/O, so it is unit-tested directly):
///
///  * no SQL Server Agent, or not running: fail (nothing would take the
///    backups; the step cannot start a service);
///  * the database missing or not in FULL recovery: fail;
///  * a job that SQL Server Agent will run backs up the log: satisfied
///    (with a warning when that happens while the database is seeding, or
///    before it is linked);
///  * otherwise, with create_job: the changes that create (or finish, or
///    enable) the managed job; without it: fail, saying what is missing.
///
/// A job the step creates stays disabled until the database has seeded to
/// the managed instance (enable: after_seeding), because a log backup during
/// initial seeding can break the link; a later run enables it.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "config.hpp"
#include "observed.hpp"

#include <optional>
#include <string>
#include <vector>

namespace acme {

enum class Change { CreateJob, AddStep, AddSchedule, AttachSchedule, AddJobServer, EnableJob };

struct Decision {
  enum class Kind { Satisfied, NeedsChange, Fail };
  Kind kind = Kind::Fail;
  std::string reason;                 ///< one line; for Fail the whole error message
  std::vector<std::string> warnings;
  std::vector<Change> changes;        ///< NeedsChange: in the order to make them
  std::optional<int> orphan_schedule_id;  ///< for Change::AttachSchedule
  std::string job_name;               ///< output: the job that takes (or will take) the backups
  bool job_enabled = false;           ///< output
};

Decision decide(const Config& c, const Observed& o);

/// Whether a job the step manages should be enabled now.
bool should_enable(const Config& c, LinkPhase phase);

}  // namespace acme
