#include "faults/sql_faults.hpp"

#include "state/server_state.hpp"

namespace milink::emulator {

namespace {
thread_local bool t_faults_drawn = false;
}  // namespace

FaultsDrawnScope::FaultsDrawnScope() noexcept : previous_(t_faults_drawn) { t_faults_drawn = true; }
FaultsDrawnScope::~FaultsDrawnScope() { t_faults_drawn = previous_; }
bool FaultsDrawnScope::active() noexcept { return t_faults_drawn; }

Message injected_sql_error(int number, int spid, const std::string& server, const std::string& database) {
  Message m;
  m.number = number;
  m.line = 1;
  switch (number) {
    case 1205:
      // sys.messages 1205; real output shows Level 13 (state 51 seen, among others).
      m.severity = 13;
      m.state = 51;
      m.text = "Transaction (Process ID " + std::to_string(spid) +
               ") was deadlocked on lock resources with another process and has been chosen as the deadlock victim. "
               "Rerun the transaction.";
      break;
    case 1222:
      // sys.messages 1222 (severity 16); the state is inferred.
      m.severity = 16;
      m.state = 56;
      m.text = "Lock request time out period exceeded.";
      break;
    case 40613:
      // Azure SQL's text, with its two blanks after each full stop as real
      // client output shows; severity 17 per the Azure error table.
      m.severity = 17;
      m.state = 1;
      m.text = "Database '" + database + "' on server '" + server +
               "' is not currently available.  Please retry the connection later.  If the problem persists, contact "
               "customer support, and provide them the session tracing ID of '" +
               new_guid() + "'.";
      break;
    case 40501:
      // Azure error table: severity 20; the incident ID and code are made up.
      m.severity = 20;
      m.state = 1;
      m.text = "The service is currently busy. Retry the request after 10 seconds. Incident ID: " + new_guid() +
               ". Code: 4194307.";
      break;
    case 40197:
      // Azure error table: severity 20; 4221 is one of the embedded codes seen in real output.
      m.severity = 20;
      m.state = 1;
      m.text = "The service has encountered an error processing your request. Please try again. Error code 4221.";
      break;
    default:
      // inferred: the emulator's own text for numbers it has no message for.
      m.severity = 16;
      m.state = 1;
      m.text = "The emulator injected error " + std::to_string(number) + " (fault plan).";
      break;
  }
  return m;
}

}  // namespace milink::emulator
