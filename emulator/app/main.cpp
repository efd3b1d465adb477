//===- emulator/app/main.cpp - milink-emulator ------------------*- C++ -*-===//
#include "app/emulator.hpp"

#include <milink/sdk/file.hpp>

#include <boost/program_options.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <pthread.h>

namespace po = boost::program_options;
using milink::emulator::Emulator;
using milink::emulator::EmulatorOptions;

namespace {

const char* kUsage =
    "milink-emulator [--scenario FILE] [--sql-port N] [--mi-port N] [--arm-port N] [--sa-password PW]\n"
    "                [--write-config FILE] [--ca-out FILE] [--dump-state FILE] [--profile fast|demo|realistic]\n"
    "                [--faults SPEC]";


}  // namespace

int main(int argc, char** argv) {
  std::string scenario_file, write_config, dump_state, ca_out, profile = "fast", faults, bind = "127.0.0.1";
  int sql_port = 0, mi_port = 0, arm_port = 0;
  std::string sa_password;
  po::options_description desc("milink-emulator: SQL Server and Azure SQL Managed Instance on loopback");
  desc.add_options()
    ("scenario", po::value<std::string>(&scenario_file)->value_name("FILE"),
     "JSON scenario: both servers' names, versions, databases, logins (default: a SQL Server ready for the link)")
    ("sql-port", po::value<int>(&sql_port)->default_value(0)->value_name("N"), "TDS port of SQL Server (0: any free port)")
    ("mi-port", po::value<int>(&mi_port)->default_value(0)->value_name("N"), "TDS port of the managed instance (0: any free port)")
    ("arm-port", po::value<int>(&arm_port)->default_value(0)->value_name("N"),
     "HTTPS port of Azure Resource Manager (0: any free port); Entra ID and the managed-identity endpoints get free ports")
    ("ca-out", po::value<std::string>(&ca_out)->value_name("FILE"),
     "write the CA that issued the emulator's HTTPS certificates (clients trust it via azure.ca_file)")
    ("profile", po::value<std::string>(&profile)->default_value("fast")->value_name("fast|demo|realistic"),
     "fast: milliseconds, for tests; demo: seconds, for watching a run (seeding 64 MB takes ~7 s); realistic: ARM "
     "operations and seeding take seconds to minutes, as in Azure")
    ("faults", po::value<std::string>(&faults)->value_name("SPEC"),
     "inject faults, e.g. arm:429@1,arm:503~0.2,mi:1205@3; seed=N varies the ~P draws (see docs/emulator.md); "
     "change them at run time with "
     "POST /_emulator/faults on the ARM port")
    ("bind", po::value<std::string>(&bind)->default_value("127.0.0.1")->value_name("ADDR"), "127.0.0.1 or ::1")
    ("sa-password", po::value<std::string>(&sa_password)->value_name("PW"), "password of the sa login on both servers")
    ("write-config", po::value<std::string>(&write_config)->value_name("FILE"),
     "write a milink config targeting this emulator (passwords go to files beside it)")
    ("dump-state", po::value<std::string>(&dump_state)->value_name("FILE"),
     "on exit, write both servers' state and statement logs as JSON")
    ("version", "print the version (the same as milink --version's)")
    ("help,h", "show this help");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    if (vm.count("help")) {
      std::cout << "usage: " << kUsage << "\n\n" << desc << "\n";
      return 0;
    }
    if (vm.count("version")) {
      std::cout << "milink-emulator " << MILINK_VERSION << "\n";
      return 0;
    }
    po::notify(vm);
    if (sql_port < 0 || sql_port > 65535 || mi_port < 0 || mi_port > 65535 || arm_port < 0 || arm_port > 65535)
      throw po::error("ports must be between 0 and 65535");
    if (profile != "fast" && profile != "demo" && profile != "realistic")
      throw po::error("--profile must be fast, demo or realistic, not \"" + profile + "\"");
    if (bind != "127.0.0.1" && bind != "::1" && bind != "localhost")
      throw po::error("--bind must be a loopback address (127.0.0.1 or ::1): the emulator never listens elsewhere");
  } catch (const po::error& e) {
    std::cerr << "milink-emulator: error: " << e.what() << "\nusage: " << kUsage << "\n";
    return 2;
  }

  EmulatorOptions options;
  try {
    if (!scenario_file.empty())
      options.scenario = milink::emulator::parse_scenario(milink::sdk::read_regular_file(scenario_file), scenario_file);
  } catch (const std::exception& e) {
    std::cerr << "milink-emulator: error: " << e.what() << "\n";
    return 2;
  }
  options.bind = bind == "localhost" ? "127.0.0.1" : bind;
  options.sql_port = static_cast<std::uint16_t>(sql_port);
  options.mi_port = static_cast<std::uint16_t>(mi_port);
  options.arm_port = static_cast<std::uint16_t>(arm_port);
  options.profile = profile;
  options.faults = faults;
  if (vm.count("sa-password")) options.sa_password = sa_password;

  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::unique_ptr<Emulator> emulator_holder;
  try {
    emulator_holder = std::make_unique<Emulator>(options);
  } catch (const milink::emulator::FaultSpecError& e) {
    std::cerr << "milink-emulator: error: --faults: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "milink-emulator: error: " << e.what() << "\n";
    return 1;
  }
  try {
    Emulator& emulator = *emulator_holder;
    emulator.start();
    if (!write_config.empty()) emulator.write_config(write_config);
    if (!ca_out.empty()) emulator.write_ca(ca_out);
    const auto& w = emulator.world();
    std::printf("milink-emulator: ready sql_port=%u mi_port=%u arm_port=%u\n", emulator.sql_port(), emulator.mi_port(),
                emulator.arm_port());
    std::printf("  SQL Server        %s on %s:%u\n", w.sql_server.name.c_str(), options.bind.c_str(),
                emulator.sql_port());
    for (const auto& r : w.sql_replicas)
      std::printf("  SQL Server        %s (secondary replica) on %s:%u\n", r.name.c_str(), options.bind.c_str(),
                  emulator.replica_port(r.name));
    if (emulator.listener_port() != 0)
      std::printf("  AG listener       on %s:%u (answers as %s)\n", options.bind.c_str(), emulator.listener_port(),
                  w.sql_server.name.c_str());
    std::printf("  managed instance  %s (%s) on %s:%u, encryption %s\n", w.managed_instance.name.c_str(),
                w.managed_instance.fqdn.c_str(), options.bind.c_str(), emulator.mi_port(),
                w.managed_instance.encryption.c_str());
    std::printf("  Azure (ARM)       %s, subscription %s, resource group %s\n", emulator.azure().arm_endpoint().c_str(),
                emulator.azure().subscription_id().c_str(), emulator.azure().resource_group().c_str());
    std::printf("  Entra ID          %s (tenant %s)\n", emulator.azure().authority_host().c_str(),
                emulator.azure().tenant_id().c_str());
    std::printf("  managed identity  %s\n", emulator.azure().imds_endpoint().c_str());
    std::printf("  profile %s%s%s\n", profile.c_str(), faults.empty() ? "" : ", faults ", faults.c_str());
    if (!write_config.empty()) std::printf("  milink config     %s\n", write_config.c_str());
    if (!ca_out.empty()) std::printf("  CA certificate    %s\n", ca_out.c_str());
    std::printf("Press Ctrl-C to stop.\n");
    std::fflush(stdout);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::printf("milink-emulator: stopping\n");
    emulator.stop();
    if (!dump_state.empty()) {
      std::ofstream out(dump_state, std::ios::binary | std::ios::trunc);
      out << emulator.dump().to_pretty_json() << "\n";
      if (!out) {
        std::cerr << "milink-emulator: error: cannot write " << dump_state << "\n";
        return 1;
      }
      std::printf("milink-emulator: state written to %s\n", dump_state.c_str());
    }
  } catch (const std::exception& e) {
    std::cerr << "milink-emulator: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
