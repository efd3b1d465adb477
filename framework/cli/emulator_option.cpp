#include "cli/emulator_option.hpp"

#include "app/emulator.hpp"
#include "run/exit_codes.hpp"
#include "run/journal.hpp"

#include <milink/sdk/file.hpp>
#include <milink/sdk/value.hpp>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <pthread.h>
#include <sstream>
#include <system_error>

namespace milink::cli {

namespace fs = std::filesystem;
using milink::sdk::Object;
using milink::sdk::Value;

void add_emulator_options(po::options_description& desc, EmulatorCliOptions& eo, bool with_state_dir) {
  desc.add_options()
    ("emulator", po::bool_switch(&eo.enabled),
     "start the emulator inside milink (SQL Server 2022, a managed instance, ARM and Entra ID on 127.0.0.1) and "
     "use the config it writes into the state dir (emulator/config.json); it stops when milink exits")
    ("emulator-profile", po::value<std::string>(&eo.profile)->value_name("fast|demo|realistic"),
     "how long the emulated link takes: demo (default: seconds, to watch), fast (milliseconds), realistic (minutes)")
    ("emulator-scenario", po::value<std::string>(&eo.scenario)->value_name("FILE"),
     "the emulated world (docs/emulator.md); default: SQL Server 2022 sqlbox1 with sales and hr, managed instance mi1");
  if (with_state_dir)
    desc.add_options()("state-dir", po::value<std::string>(&eo.state_dir)->default_value(".milink")->value_name("DIR"),
                       "where --emulator writes its config (DIR/emulator/config.json)");
}

bool check_emulator_options(const EmulatorCliOptions& eo, const po::variables_map& vm, const CommonOptions& opts) {
  if (!eo.enabled) {
    for (const char* o : {"emulator-profile", "emulator-scenario"})
      if (vm.count(o)) {
        report_error(std::string("--") + o + " needs --emulator", opts.json);
        return false;
      }
    return true;
  }
  if (vm.count("config")) {
    report_error("--emulator writes its own config; drop -c " + opts.config +
                     ", or run milink-emulator --write-config FILE and use -c FILE",
                 opts.json);
    return false;
  }
  if (eo.profile != "fast" && eo.profile != "demo" && eo.profile != "realistic") {
    report_error("--emulator-profile must be fast, demo or realistic, not \"" + eo.profile + "\"", opts.json);
    return false;
  }
  return true;
}

namespace {

/// Blocks SIGINT and SIGTERM in this thread while alive, so that the
/// threads the emulator starts inherit the block and Ctrl-C reaches the
/// runner's handler in milink's own threads.
class BlockStopSignals {
public:
  BlockStopSignals() {
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGINT);
    sigaddset(&s, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &s, &old_);
  }
  ~BlockStopSignals() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
  BlockStopSignals(const BlockStopSignals&) = delete;
  BlockStopSignals& operator=(const BlockStopSignals&) = delete;

private:
  sigset_t old_;
};

}  // namespace

std::unique_ptr<EmbeddedEmulator> EmbeddedEmulator::start(const EmulatorCliOptions& eo, CommonOptions& opts,
                                                          int& exit_code) {
  milink::emulator::EmulatorOptions o;
  o.scenario = milink::emulator::sample_scenario();
  o.profile = eo.profile;
  if (!eo.scenario.empty()) {
    std::string text;
    try {
      text = milink::sdk::read_regular_file(eo.scenario);
    } catch (const milink::sdk::FileError& e) {
      report_error("--emulator-scenario: " + std::string(e.what()), opts.json);
      exit_code = kExitInvalidInput;
      return nullptr;
    }
    try {
      o.scenario = milink::emulator::parse_scenario(text, eo.scenario);
    } catch (const std::exception& e) {
      report_error(std::string("--emulator-scenario: ") + e.what(), opts.json);
      exit_code = kExitInvalidInput;
      return nullptr;
    }
  }

  std::unique_ptr<EmbeddedEmulator> self(new EmbeddedEmulator());
  self->profile_ = eo.profile;
  fs::path dir = fs::path(eo.state_dir) / "emulator";
  self->config_ = dir / "config.json";
  try {
    {
      BlockStopSignals blocked;
      self->emulator_ = std::make_unique<milink::emulator::Emulator>(std::move(o));
      self->emulator_->start();
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);  // secrets live here
    self->emulator_->write_config(self->config_);
  } catch (const std::exception& e) {
    report_error(std::string("--emulator: ") + e.what(), opts.json);
    exit_code = kExitStepFailed;
    return nullptr;  // self's destructor stops what started
  }
  opts.config = self->config_.string();
  return self;
}

EmbeddedEmulator::~EmbeddedEmulator() { stop(); }

void EmbeddedEmulator::stop() {
  if (stopped_ || !emulator_) return;
  stopped_ = true;
  emulator_->stop();
}

void EmbeddedEmulator::announce(bool json_event) const {
  auto& emu = *emulator_;
  const std::string host = emu.options().bind;
  std::string sql_name, sql_version, mi_name, mi_fqdn;
  {
    auto lock = emu.world().lock();
    sql_name = emu.world().sql_server.name;
    sql_version = emu.world().sql_server.version;
    mi_name = emu.world().managed_instance.name;
    mi_fqdn = emu.world().managed_instance.fqdn;
  }
  const std::string arm = emu.azure().arm_endpoint();
  if (json_event) {
    Value ev(Object{{"event", Value("emulator")},
                    {"status", Value("running")},
                    {"profile", Value(profile_)},
                    {"sql_server", Value(Object{{"name", Value(sql_name)},
                                                {"version", Value(sql_version)},
                                                {"host", Value(host)},
                                                {"port", Value(static_cast<std::int64_t>(emu.sql_port()))}})},
                    {"managed_instance", Value(Object{{"name", Value(mi_name)},
                                                      {"fqdn", Value(mi_fqdn)},
                                                      {"host", Value(host)},
                                                      {"port", Value(static_cast<std::int64_t>(emu.mi_port()))}})},
                    {"arm_endpoint", Value(arm)},
                    {"config", Value(config_.string())},
                    {"time", Value(milink::run::now_iso8601())}});
    std::printf("%s\n", ev.to_json().c_str());
    std::fflush(stdout);
    return;
  }
  std::fflush(stdout);
  std::fprintf(stderr,
               "milink: emulator running (profile %s); it stops when this command ends\n"
               "  SQL Server        %s (%s) on %s:%u\n"
               "  managed instance  %s (%s) on %s:%u\n"
               "  Azure (ARM)       %s\n"
               "  config            %s\n",
               profile_.c_str(), sql_name.c_str(), sql_version.c_str(), host.c_str(), emu.sql_port(), mi_name.c_str(),
               mi_fqdn.c_str(), host.c_str(), emu.mi_port(), arm.c_str(), config_.string().c_str());
  std::fflush(stderr);
}

}  // namespace milink::cli
