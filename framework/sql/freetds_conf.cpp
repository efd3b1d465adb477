#include "sql/freetds_conf.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace milink::sql {

namespace {

struct ConfFile {
  std::mutex mu;
  std::string path;     ///< empty when the directory could not be made
  std::string error;    ///< why not
  std::string inherited;  ///< the user's $FREETDSCONF, copied
  std::map<std::string, std::string> sections;  ///< key (host, port, ...) -> "[name]\n..."
  std::map<std::string, std::string> names;     ///< key -> name
};

ConfFile& conf() {
  static ConfFile c;
  return c;
}

void remove_conf() {
  ConfFile& c = conf();
  if (c.path.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(c.path).parent_path(), ec);
}

bool writable_value(const std::string& v) { return v.find_first_of("\r\n") == std::string::npos; }

}  // namespace

void prepare_freetds_conf() {
  static std::once_flag once;
  std::call_once(once, [] {
    ConfFile& c = conf();
    std::error_code ec;
    std::string pattern = (std::filesystem::temp_directory_path(ec) / "milink-freetds-XXXXXX").string();
    if (ec) pattern = "/tmp/milink-freetds-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      c.error = "cannot create a directory for milink's freetds.conf (" + pattern + "): " + std::strerror(errno);
      return;
    }
    if (const char* user = std::getenv("FREETDSCONF"); user != nullptr && *user != '\0') {
      std::ifstream in(user, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      c.inherited = "# from $FREETDSCONF=" + std::string(user) + "\n" + ss.str() + "\n";
    }
    c.path = pattern + "/freetds.conf";
    std::ofstream(c.path, std::ios::binary | std::ios::trunc) << c.inherited;
    ::setenv("FREETDSCONF", c.path.c_str(), 1);
    std::atexit(remove_conf);
  });
}

bool freetds_verify_section(const TargetSettings& t, std::string& section, std::string& error) {
  prepare_freetds_conf();
  if (!writable_value(t.host)) {
    error = "config " + t.pointer("host") + " contains a line break";
    return false;
  }
  if (!writable_value(t.ca_file)) {
    error = "config " + t.pointer("ca_file") + " contains a line break";
    return false;
  }
  const std::string encryption = t.encryption.empty() ? "request" : t.encryption;
  const std::string key = t.host + "\n" + std::to_string(t.port) + "\n" + encryption + "\n" + t.ca_file;
  ConfFile& c = conf();
  std::lock_guard<std::mutex> lock(c.mu);
  if (c.path.empty()) {
    error = "cannot verify the certificate of " + t.target + ": " + c.error;
    return false;
  }
  if (auto it = c.names.find(key); it != c.names.end()) {
    section = it->second;
    return true;
  }
  const std::string name = "milink_verify_" + std::to_string(c.names.size() + 1);
  c.sections[key] = "[" + name + "]\n\thost = " + t.host + "\n\tport = " + std::to_string(t.port) +
                    "\n\ttds version = 7.4\n\tencryption = " + encryption +
                    "\n\tca file = " + (t.ca_file.empty() ? std::string("system") : t.ca_file) +
                    "\n\tcheck certificate hostname = yes\n";
  // Written whole and renamed over, so FreeTDS never reads half a file.
  std::string text = c.inherited;
  for (const auto& [k, s] : c.sections) text += s;
  const std::string tmp = c.path + ".new";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      c.sections.erase(key);
      error = "cannot write " + tmp + " (milink's freetds.conf): " + std::strerror(errno);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, c.path, ec);
  if (ec) {
    c.sections.erase(key);
    error = "cannot write " + c.path + " (milink's freetds.conf): " + ec.message();
    return false;
  }
  c.names[key] = name;
  section = name;
  return true;
}

}  // namespace milink::sql
