#include "sql/connect_error.hpp"

#include <algorithm>
#include <cctype>

namespace milink::sql {

namespace {

bool contains(const std::string& text, const char* what) {
  std::string t = text, w = what;
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t.find(w) != std::string::npos;
}

}  // namespace

std::string connect_remedy(const TargetSettings& t, const milink::sdk::SqlError& e) {
  const std::string& m = e.message;
  if (e.number == 18456 || e.sqlstate == "28000" || contains(m, "login failed"))
    return "Check " + t.pointer("user") + " and " + t.pointer("password") +
           ": the login must exist on the server with that password, and the server must allow SQL Server "
           "authentication (mixed mode).";
  if (e.number == 18452)
    return "The server accepts only Windows logins; enable SQL Server authentication (mixed mode) or use a "
           "Trusted_Connection in " + t.pointer("connection_string") + ".";
  if (e.number == 18470 || e.number == 18486 || e.number == 18487 || e.number == 18488)
    return "The login " + t.user + " is disabled, locked out or its password has expired; fix it on the server.";
  if (e.number == 4060 || e.number == 4064)
    return "Check the Database keyword in " + t.pointer("connection_string") +
           ": the database must exist and the login must be allowed to use it.";
  if (e.sqlstate == "IM002" || e.sqlstate == "IM003" || contains(m, "can't open lib") ||
      contains(m, "data source name not found"))
    return "The ODBC driver \"" + t.driver + "\" is not installed or not registered in /etc/odbcinst.ini (Debian: "
           "apt-get install tdsodbc for FreeTDS), or set " + t.pointer("driver") + " to an installed driver.";
  if (contains(m, "ssl") || contains(m, "tls") || contains(m, "certificate") || contains(m, "encrypt"))
    return "The TLS negotiation failed; check " + t.pointer("encryption") +
           " (off, request or require) against the server's encryption setting.";
  if (e.timed_out || contains(m, "timed out") || contains(m, "timeout"))
    return "The server did not answer in time. Check that " + t.address() +
           " is reachable from this machine (firewall, network security group) and raise " +
           t.pointer("timeout_seconds") + " if the network is slow.";
  if (e.connection_lost || e.sqlstate.rfind("08", 0) == 0 || contains(m, "unable to connect"))
    return "Check " + t.pointer("host") + " and " + t.pointer("port") + ": SQL Server must listen on TCP port " +
           std::to_string(t.port) + " at " + t.host + " and no firewall may block it.";
  return "Check " + t.pointer("host") + ", " + t.pointer("port") + ", " + t.pointer("user") + " and " +
         t.pointer("password") + ".";
}

std::string describe_connect_failure(const TargetSettings& t, const milink::sdk::SqlError& e) {
  std::string what;
  if (e.number > 0)
    what = "SQL error " + std::to_string(e.number) + ": " + e.message;
  else
    what = e.message + (e.sqlstate.empty() ? "" : " (SQLSTATE " + e.sqlstate + ")");
  while (!what.empty() && (what.back() == '.' || what.back() == ' ')) what.pop_back();
  return "cannot connect to SQL target \"" + t.target + "\" at " + t.address() + " (driver " + t.driver + "): " + what +
         ". " + connect_remedy(t, e);
}

}  // namespace milink::sql
