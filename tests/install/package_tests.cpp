// The Debian package: built with CPack from this build, installed with dpkg
// on a clean root (its own dpkg database, nothing of the host's changed),
// and its milink runs from there.
#include "install_fixture.hpp"

#include <catch2/catch.hpp>

#include <milink/sdk/abi.hpp>

using installtest::sh;
namespace fs = std::filesystem;

TEST_CASE("the Debian package installs on a clean root and its milink runs", "[install][package]") {
  testsupport::TempDir dir;
  auto pack = sh({MILINK_CPACK_COMMAND, "--config", std::string(MILINK_BUILD_DIR) + "/CPackConfig.cmake", "-G", "DEB",
                  "-B", (dir / "out").string()},
                 dir.path());
  REQUIRE(pack.exit_code == 0);
  fs::path deb;
  for (const auto& e : fs::directory_iterator(dir / "out"))
    if (e.path().extension() == ".deb") deb = e.path();
  REQUIRE(!deb.empty());
  CHECK(deb.filename().string().rfind("milink_", 0) == 0);

  auto info = sh({"/usr/bin/dpkg-deb", "--field", deb.string(), "Package", "Depends", "Recommends"}, dir.path());
  REQUIRE(info.exit_code == 0);
  CHECK(info.out.find("Package: milink") != std::string::npos);
  for (const char* dep : {"tdsodbc", "libpoconetssl80", "libboost-program-options1.74.0", "libodbc"}) {
    INFO(dep);
    CHECK(info.out.find(dep) != std::string::npos);
  }
  CHECK(info.out.find("libpoco-dev") != std::string::npos);  // Recommends: to build plugins

  // A clean root: an empty dpkg database. The package's dependencies are the
  // host's (--force-depends); its postinst runs ldconfig, which a stub on
  // PATH stands in for so the host's linker cache is left alone.
  fs::path root = dir / "root";
  fs::create_directories(root / "var/lib/dpkg/info");
  fs::create_directories(root / "var/lib/dpkg/updates");
  testsupport::write_file(root / "var/lib/dpkg/status", "");
  testsupport::write_file(dir / "stub/ldconfig", "#!/bin/sh\necho ldconfig-called >> \"$(dirname \"$0\")/calls\"\n");
  fs::permissions(dir / "stub/ldconfig", fs::perms::owner_all);
  std::string path = (dir / "stub").string() + ":" + (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
  auto install = sh({"/usr/bin/dpkg", "--root=" + root.string(), "--admindir=" + (root / "var/lib/dpkg").string(),
                     "--log=" + (dir / "dpkg.log").string(), "--force-depends", "--force-not-root",
                     "--force-script-chrootless", "--install", deb.string()},
                    dir.path(), {{"PATH", path}});
  REQUIRE(install.exit_code == 0);
  auto status = sh({"/usr/bin/dpkg", "--root=" + root.string(), "--admindir=" + (root / "var/lib/dpkg").string(), "--status",
                    "milink"},
                   dir.path());
  CHECK(status.out.find("Status: install ok installed") != std::string::npos);
  CHECK(testsupport::read_file(dir / "stub/calls").find("ldconfig-called") != std::string::npos);

  fs::path milink = root / "usr/bin/milink";
  REQUIRE(fs::exists(milink));
  CHECK(fs::exists(root / "usr/bin/milink-emulator"));
  CHECK(fs::exists(root / "usr/include/milink/sdk/sdk.hpp"));
  CHECK(fs::exists(root / "usr/share/milink/workflows/replicate-database.json"));
  // Debian's machine-readable copyright file, with the license text as its
  // License paragraph; the changelog and security policy beside it.
  std::string copyright = testsupport::read_file(root / "usr/share/doc/milink/copyright");
  CHECK(copyright.rfind("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n", 0) == 0);
  CHECK(copyright.find("\nLicense: MIT\n MIT License\n .\n Copyright (c) 2026 The milink authors\n") != std::string::npos);
  CHECK(copyright.find("\n\n", copyright.find("License: MIT")) == std::string::npos);  // one paragraph
  CHECK(fs::exists(root / "usr/share/doc/milink/CHANGELOG.md"));
  CHECK(fs::exists(root / "usr/share/doc/milink/SECURITY.md"));
  // No made-up Homepage: the field is there only when the build names one.
  auto fields = sh({"/usr/bin/dpkg-deb", "--field", deb.string()}, dir.path());
  CHECK(fields.out.find("Homepage:") == std::string::npos);
  CHECK(fields.out.find("example.invalid/milink") == std::string::npos);
  auto version = sh({milink.string(), "--version"}, dir.path());
  REQUIRE(version.exit_code == 0);
  CHECK(version.out.find("SDK ABI " + std::to_string(MILINK_SDK_ABI)) != std::string::npos);
  auto steps = installtest::listed_steps(milink);
  for (const auto& want : installtest::bundled_steps()) {
    INFO(want);
    bool found = false;
    for (const auto& [uses, file] : steps)
      found |= uses == want && fs::path(file).parent_path() == fs::canonical(root / "usr/lib/milink/plugins");
    CHECK(found);
  }
}
