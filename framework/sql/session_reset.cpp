#include "sql/session_reset.hpp"

#include <milink/sdk/quote.hpp>

#include <poll.h>

namespace milink::sql {

namespace {

/// FreeTDS's SQLGetInfo type for the connection's socket (its odbcss.h;
/// not installed with the driver).
constexpr SQLUSMALLINT kFreeTdsSocketInfo = 1301;

}  // namespace

const std::string& session_state_query() {
  static const std::string q =
      "SELECT DB_NAME() AS database_name, @@OPTIONS AS options, SUSER_SNAME() AS login_name, "
      "USER_NAME() AS user_name, @@LOCK_TIMEOUT AS lock_timeout, @@DATEFIRST AS date_first, "
      "@@TEXTSIZE AS text_size, @@LANGUAGE AS language";
  return q;
}

std::string session_reset_batch(const std::string& database) {
  return "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION; USE " + milink::sdk::tsql::quote_identifier(database) + "; " +
         session_state_query();
}

bool idle_socket_readable(SQLHDBC dbc) {
  SQLULEN socket = 0;
  SQLSMALLINT length = 0;
  SQLRETURN rc = SQLGetInfo(dbc, kFreeTdsSocketInfo, &socket, sizeof socket, &length);
  if ((rc != SQL_SUCCESS && rc != SQL_SUCCESS_WITH_INFO) || length != sizeof socket) return false;
  pollfd p{};
  p.fd = static_cast<int>(socket);
  p.events = POLLIN;
  // Readable, hung up or in error while idle: EOF, a reset, or data nothing asked for.
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

}  // namespace milink::sql
