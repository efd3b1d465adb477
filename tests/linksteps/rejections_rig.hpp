//===- tests/linksteps/rejections_rig.hpp - Running one link step to a refusal -*- C++ -*-===//
///
/// \file
/// What the rejection tests share: one-step workflows (the bundled step ids,
/// declaring the inputs linksteps::EmulatorRig's config sets), running them
/// offline (a config that points nowhere, for parameters refused before
/// anything connects) or against an emulator, and reading what the run did:
/// the refusal, the warnings, the statements SQL Server ran and the ARM
/// requests.
///
//===----------------------------------------------------------------------===//
#pragma once

#include "linksteps_rig.hpp"

#include <milink/sdk/value.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace rejections {

/// The step id every one-step workflow uses.
inline constexpr const char* kStep = "step";

/// SQL Server 2022 (sp_certificate_add_issuer, sp_get_endpoint_certificate).
inline constexpr const char* kSql2022 = "16.0.4135.4";

/// A workflow with one step, id "step", running \p uses with \p with. It
/// declares master_key_password (secret), poll_interval_ms and
/// verify_timeout_seconds, the inputs the rigs' configs set.
milink::sdk::Value one_step(const std::string& uses, const milink::sdk::Object& with);

/// A directory with a config whose servers are unreachable (port 1, no
/// credential): for parameters a step refuses in configure(), before it
/// connects anywhere.
struct Offline {
  testsupport::TempDir dir;
  Offline();
  linksteps::Run run(const milink::sdk::Value& workflow, const std::vector<std::string>& extra = {});
};

/// Writes \p workflow to <rig>/wf.json and runs it against the rig's emulator.
linksteps::Run run(linksteps::EmulatorRig& rig, const milink::sdk::Value& workflow,
                   const std::vector<std::string>& extra = {});

/// Whether \p r failed in step "step" with exactly \p reason and exit code 1
/// (a refusal only the step can make: what it observes, or a value only the
/// run knows);
/// when not, what it did instead is logged (UNSCOPED_INFO) for the assertion
/// that uses it: CHECK(refused(r, "...")).
bool refused(const linksteps::Run& r, const std::string& reason);
/// CHECK(refused(r, reason)).
void check_refused(const linksteps::Run& r, const std::string& reason);

/// Whether \p r stopped before its first step, exit code 2, because the
/// plugin of step "step" (\p uses) refused a parameter's known value when
/// every step was configured before the run: \p reason as refused() takes it
/// (`parameter "NAME": the plugin's message`) comes out as the diagnostic
/// `step "step" (USES) refuses parameter "NAME": the plugin's message` at
/// wf.json's line of /steps/0/with/NAME; when not, what happened is logged.
bool refused_before_run(const linksteps::Run& r, const std::string& uses, const std::string& reason);
/// CHECK(refused_before_run(r, uses, reason)).
void check_refused_before_run(const linksteps::Run& r, const std::string& uses, const std::string& reason);

/// The messages of \p r's step_log events of \p level ("warning", "info") for \p step.
std::vector<std::string> logged(const linksteps::Run& r, const std::string& level, const std::string& step = kStep);

/// The statements among \p statements that change something (CREATE, ALTER,
/// DROP, BACKUP, sp_certificate_add_issuer, ...): what a refusal must not run.
std::vector<std::string> changes(const std::vector<std::string>& statements);
/// changes() among the statements SQL Server ran after the first \p from
/// (take the count after the rig started: the scenario's init_sql is logged too).
std::vector<std::string> changes(linksteps::EmulatorRig& rig, std::size_t from);

struct ArmRequest {
  std::string method;
  std::string path;
  std::int64_t status = 0;
};
/// Every request the emulator's Azure side answered (ARM and Entra ID).
std::vector<ArmRequest> azure_requests(linksteps::EmulatorRig& rig);
/// The requests with \p method whose path contains \p fragment.
std::vector<ArmRequest> azure_requests(linksteps::EmulatorRig& rig, const std::string& method,
                                       const std::string& fragment);

/// "0x" + upper-case hex.
std::string hex(const std::vector<std::uint8_t>& bytes);

/// A fresh self-signed certificate (DER) with common name \p cn, valid for a year.
std::vector<std::uint8_t> certificate_der(const std::string& cn);

/// Today (UTC) plus \p days as YYYY-MM-DD, and as YYYYMMDD.
std::string iso_date(long long days_from_today);
std::string compact_date(long long days_from_today);

/// The scenario's managed instance FQDN and name (the defaults).
inline constexpr const char* kInstanceFqdn = "mi1.abc123def456.database.windows.net";
inline constexpr const char* kInstance = "mi1";

}  // namespace rejections
