//===- cli/status_command.cpp - milink status --------------------*- C++ -*-===//
///
/// \file
/// Reads both sides of every link (status/sql_side.hpp: one batch on SQL
/// Server; status/arm_side.hpp: three ARM lists), matches them by name and
/// prints the verdict (status/assess.hpp) as a table, JSON or Prometheus
/// gauges. Changes nothing. Exit code: 0 ok, 1 warning, 2 critical, 3
/// unknown (bad input, or a side could not be read and nothing was critical).
///
//===----------------------------------------------------------------------===//
#include "arm/arm_setup.hpp"
#include "cli/commands.hpp"
#include "cli/emulator_option.hpp"
#include "cli/options.hpp"
#include "http/http_client.hpp"
#include "run/provider_pool.hpp"
#include "sql/sql_service.hpp"
#include "status/assess.hpp"
#include "status/render.hpp"

#include <milink/link/link_api.hpp>

#include <future>
#include <iostream>
#include <unistd.h>

namespace milink::cli {

namespace {

/// Exit code of `milink status` when it cannot tell: bad input, or a side
/// that could not be read (monitoring's UNKNOWN).
constexpr int kStatusUnknown = 3;

struct StatusOptions {
  std::string output = "text";
  std::vector<std::string> databases;
  milink::status::Thresholds thresholds;
};

int report_status(const CommonOptions& opts, const StatusOptions& so) {
  // The config, validated as every command validates it (providers,
  // secrets), with no workflow: status needs no inputs.
  milink::host::Registry registry;
  if (!load_plugins(registry, opts.plugin_paths, opts.json)) return kStatusUnknown;
  milink::workflow::Config config;
  milink::workflow::Workflow none;
  none.name = "status";
  milink::workflow::ValidatedWorkflow validated;
  milink::run::Redactor redactor;
  try {
    config = milink::workflow::load_config(opts.config);
    for (const auto& s : config.secrets) redactor.add(s);
    validated = milink::workflow::validate(none, config, registry, {}, true);
  } catch (const milink::workflow::InvalidInput& e) {
    for (const auto& d : e.diagnostics()) report_error(redactor.redact(d.format()), opts.json);
    return kStatusUnknown;
  }

  milink::sql::SqlService sql(config.root, config.file);
  for (const auto& s : sql.secrets()) redactor.add(s);
  milink::run::ProviderPool providers(config, validated.providers, registry, redactor);
  auto azure = milink::arm::read_azure_settings(config.root, config.file);
  milink::http::Client http(milink::arm::http_options(azure));
  milink::arm::ArmService arm(
      azure, config.file, http,
      [&](const std::string& kind, const std::string& name, std::string& err) { return providers.get(kind, name, err); },
      [&](const std::string& secret) { redactor.add(secret); });
  const std::string api_version = azure.api_version.empty() ? milink::link::kDefaultLinkApiVersion : azure.api_version;

  // Both sides at once: one SQL batch, three ARM lists.
  auto arm_side = std::async(std::launch::async, [&]() -> std::optional<milink::status::ArmSide> {
    milink::arm::ArmReporter reporter;
    reporter.progress = [](const std::string&, double) {};
    reporter.log = [](milink::sdk::LogLevel, const std::string&) {};
    reporter.cancelled = [] { return false; };
    std::string error;
    auto client = arm.open(std::move(reporter), /*read_only=*/true, error);
    if (!client) throw std::runtime_error(error);
    return milink::status::read_arm_side(*client, api_version);
  });
  std::vector<std::string> errors;
  std::optional<milink::status::SqlSide> sql_side;
  try {
    std::string error;
    auto session = sql.open("sqlserver", /*read_only=*/true, [](const std::string&) {}, error);
    if (!session) throw std::runtime_error(error);
    sql_side = milink::status::read_sql_side(*session);
  } catch (const std::exception& e) {
    errors.push_back(redactor.redact(std::string(e.what())));
  }
  std::optional<milink::status::ArmSide> azure_side;
  try {
    azure_side = arm_side.get();
  } catch (const std::exception& e) {
    errors.push_back(redactor.redact(std::string("Azure: ") + e.what()));
  }

  auto report = milink::status::assess(sql_side, azure_side, errors, so.thresholds, so.databases);
  if (so.output == "json") std::cout << redactor.redact(milink::status::render_json(report).to_pretty_json()) << "\n";
  else if (so.output == "prometheus") std::cout << redactor.redact(milink::status::render_prometheus(report));
  else std::cout << redactor.redact(milink::status::render_text(report));
  std::cout.flush();
  return report.exit_code();
}

}  // namespace

int status_command(const std::vector<std::string>& args) {
  CommonOptions opts;
  StatusOptions so;
  long long cert_days = so.thresholds.certificate_warning_days;
  long long lag = so.thresholds.lag_warning_seconds;
  EmulatorCliOptions emu;
  po::options_description desc("milink status options");
  desc.add_options()
    ("config,c", po::value<std::string>(&opts.config)->value_name("FILE"),
     "config file: the SQL Server, the managed instance's Azure coordinates and the credential")
    ("output", po::value<std::string>(&so.output)->default_value("text")->value_name("text|json|prometheus"),
     "text: a table for people; json: one object for scripts; prometheus: gauges for a node-exporter textfile "
     "collector")
    ("database", po::value<std::vector<std::string>>(&so.databases)->composing()->value_name("NAME"),
     "only the link of this database (repeatable); a database with no link is reported critical")
    ("certificate-warning-days", po::value<long long>(&cert_days)->value_name("DAYS"),
     "warn when a certificate expires within DAYS days (default 30; an expired one is critical)")
    ("lag-warning-seconds", po::value<long long>(&lag)->value_name("SECONDS"),
     "warn when a secondary is more than SECONDS behind (default 300)")
    ("plugin-path", po::value<std::vector<std::string>>(&opts.plugin_paths)->composing()->value_name("DIR"),
     "look for plugins (the credential providers) in DIR first (repeatable)")
    ("help,h", "show this help");
  add_emulator_options(desc, emu, /*with_state_dir=*/true);
  po::positional_options_description pos;
  po::variables_map vm;
  int code = 0;
  if (!parse_command("milink status [-c CONFIG | --emulator] [--output text|json|prometheus] [--database NAME]... "
                     "[--certificate-warning-days DAYS] [--lag-warning-seconds SECONDS]",
                     args, desc, pos, vm, code))
    return code == 0 ? 0 : kStatusUnknown;
  opts.json = so.output == "json";
  if (so.output != "text" && so.output != "json" && so.output != "prometheus") {
    report_error("--output must be text, json or prometheus, not \"" + so.output + "\"", false);
    return kStatusUnknown;
  }
  if (cert_days < 0 || cert_days > 3650) {
    report_error("--certificate-warning-days must be between 0 and 3650, not " + std::to_string(cert_days), opts.json);
    return kStatusUnknown;
  }
  if (lag < 0) {
    report_error("--lag-warning-seconds must be 0 or more, not " + std::to_string(lag), opts.json);
    return kStatusUnknown;
  }
  for (const auto& d : so.databases)
    if (d.empty() || d.size() > 128) {
      report_error("--database must name a database (1 to 128 characters), not \"" + d + "\"", opts.json);
      return kStatusUnknown;
    }
  so.thresholds.certificate_warning_days = cert_days;
  so.thresholds.lag_warning_seconds = lag;
  if (!check_emulator_options(emu, vm, opts)) return kStatusUnknown;
  if (!emu.enabled && opts.config.empty()) {
    report_error("milink status needs -c CONFIG (the config the links were created with) or --emulator", opts.json);
    return kStatusUnknown;
  }
  std::unique_ptr<EmbeddedEmulator> emulator;
  if (emu.enabled) {
    emulator = EmbeddedEmulator::start(emu, opts, code);
    if (!emulator) return kStatusUnknown;
    emulator->announce(false);
  }
  code = report_status(opts, so);
  if (emulator) emulator->stop();
  return code;
}

}  // namespace milink::cli
