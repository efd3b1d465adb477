// A stripped plugin (what `strip`, dh_strip and CPack do to every packaged
// one) has no .symtab; the loader still finds its entry in .dynsym without
// mapping it, and still rejects another ABI before any of its code runs.
#include "fixtures.hpp"

#include "plugin_host/elf_dynamic_symbols.hpp"

#include <boost/dll/library_info.hpp>

#include <sys/wait.h>

using loader_test::fixture_file;
using loader_test::load_error;
using milink::host::elf_dynamic_symbols_in_section;
using milink::host::load_plugin;
namespace fs = std::filesystem;

namespace {

/// A copy of fixture \p name in \p dir, stripped of everything strip can take.
fs::path stripped_copy(const std::string& name, const fs::path& dir) {
  fs::path copy = dir / fixture_file(name).filename();
  fs::copy_file(fixture_file(name), copy, fs::copy_options::overwrite_existing);
  std::string cmd = "/usr/bin/strip --strip-all '" + copy.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return copy;
}

}  // namespace

TEST_CASE("a stripped plugin still loads: its entry is read from the dynamic symbol table", "[loader]") {
  loader_test::TempDir dir;
  fs::path p = stripped_copy("good", dir.path());
  // What Boost.DLL alone sees in a stripped file: nothing.
  CHECK(boost::dll::library_info(p).symbols("boostdll").empty());
  auto names = elf_dynamic_symbols_in_section(p, "boostdll");
  CHECK(std::find(names.begin(), names.end(), "milink_plugin_abi_" MILINK_SDK_STR(MILINK_SDK_ABI)) != names.end());

  const auto plugin = load_plugin(p);
  REQUIRE(plugin);
  CHECK(std::string(plugin->info->name) == "fixture-good");
  REQUIRE(plugin->steps.size() == 1);
  CHECK(plugin->steps[0]->spec().uses == "fixture.echo");
}

TEST_CASE("a stripped plugin built for another ABI is still rejected before it is mapped", "[loader]") {
  loader_test::TempDir dir;
  fs::path p = stripped_copy("wrong_abi", dir.path());
  CHECK(load_error([&] { load_plugin(p); }) ==
        "plugin '" + p.string() + "': built for SDK ABI 999, milink provides ABI " MILINK_SDK_STR(MILINK_SDK_ABI)
        "; rebuild it against milink-sdk " MILINK_SDK_STR(MILINK_SDK_ABI));
}

TEST_CASE("reading the dynamic symbols of something that is not a 64-bit ELF file fails clearly", "[loader]") {
  loader_test::TempDir dir;
  fs::path text = dir.path() / "not-elf.so";
  std::ofstream(text) << "this is not an ELF file, just text long enough to fill a header..........................";
  CHECK_THROWS_WITH(elf_dynamic_symbols_in_section(text, "boostdll"), "not an ELF file");
  CHECK(elf_dynamic_symbols_in_section(fixture_file("good"), "no-such-section").empty());
}
