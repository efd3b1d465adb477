// The managed instance's FQDN must resolve: SQL Server connects to it
// (the DAG's LISTENER_URL), and so does milink. Resolved here, from the
// machine running milink, with a time limit: getaddrinfo() itself cannot
// be interrupted, so the lookup runs asynchronously (getaddrinfo_a) and is
// abandoned when it takes too long.
#include "checks.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ctime>
#include <memory>
#include <set>

namespace milink::preflight {

namespace {

constexpr int kTimeoutSeconds = 5;

/// One asynchronous lookup. On timeout it is deliberately leaked: glibc's
/// helper thread may still write into it, and freeing it would race.
struct Lookup {
  std::string host;
  addrinfo hints{};
  gaicb request{};
};

struct Outcome {
  int status = 0;                  ///< 0, an EAI_* code, or EAI_AGAIN on timeout
  bool timed_out = false;
  std::vector<std::string> addresses;
};

std::string address_text(const addrinfo* ai) {
  char buf[INET6_ADDRSTRLEN] = {};
  const void* src = nullptr;
  if (ai->ai_family == AF_INET) src = &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr;
  else if (ai->ai_family == AF_INET6) src = &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr;
  if (src == nullptr || ::inet_ntop(ai->ai_family, src, buf, sizeof buf) == nullptr) return {};
  return buf;
}

Outcome resolve(const std::string& host) {
  auto lookup = std::make_unique<Lookup>();
  lookup->host = host;
  lookup->hints.ai_family = AF_UNSPEC;
  lookup->hints.ai_socktype = SOCK_STREAM;
  lookup->request.ar_name = lookup->host.c_str();
  lookup->request.ar_request = &lookup->hints;
  gaicb* list[1] = {&lookup->request};
  Outcome out;
  int rc = ::getaddrinfo_a(GAI_NOWAIT, list, 1, nullptr);
  if (rc != 0) {
    out.status = rc;
    return out;
  }
  timespec deadline{};
  ::clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += kTimeoutSeconds;
  for (;;) {
    rc = ::gai_error(&lookup->request);
    if (rc != EAI_INPROGRESS) break;
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    timespec left{deadline.tv_sec - now.tv_sec, deadline.tv_nsec - now.tv_nsec};
    if (left.tv_nsec < 0) {
      left.tv_nsec += 1000000000L;
      --left.tv_sec;
    }
    if (left.tv_sec < 0) {
      const int cancel = ::gai_cancel(&lookup->request);
      if (cancel == EAI_ALLDONE) continue;  // finished just now: read it
      if (cancel != EAI_CANCELED) (void)lookup.release();  // still running: leak it
      out.status = EAI_AGAIN;
      out.timed_out = true;
      return out;
    }
    const gaicb* wait[1] = {&lookup->request};
    ::gai_suspend(wait, 1, &left);  // returns early when done, on a signal, or on timeout
  }
  out.status = rc;
  if (rc == 0) {
    std::set<std::string> seen;
    for (const addrinfo* ai = lookup->request.ar_result; ai != nullptr; ai = ai->ai_next) {
      std::string a = address_text(ai);
      if (!a.empty() && seen.insert(a).second) out.addresses.push_back(a);
    }
    ::freeaddrinfo(lookup->request.ar_result);
  }
  return out;
}

}  // namespace

void check_dns(Report& report, const Config& cfg) {
  if (cfg.instance_fqdn.empty()) {
    report.warn("dns", "no instance_fqdn given, so the managed instance's name was not resolved",
                "pass instance_fqdn (e.g. ${{ config.managed_instance.fqdn }}) or set check_dns to false");
    return;
  }
  Outcome r = resolve(cfg.instance_fqdn);
  const std::string remedy =
      "check DNS on this machine and on the SQL Server host (nslookup " + cfg.instance_fqdn +
      "); with custom DNS on the virtual network, make sure it forwards the managed instance's zone; check "
      "instance_fqdn / managed_instance.fqdn in the config";
  if (r.timed_out) {
    report.fail("dns", cfg.instance_fqdn + " did not resolve within " + std::to_string(kTimeoutSeconds) + " seconds",
                remedy);
    return;
  }
  if (r.status != 0) {
    report.fail("dns", cfg.instance_fqdn + " does not resolve (" + ::gai_strerror(r.status) + ")", remedy);
    return;
  }
  std::string shown;
  for (std::size_t i = 0; i < r.addresses.size() && i < 3; ++i) shown += (i ? ", " : "") + r.addresses[i];
  if (r.addresses.size() > 3) shown += ", ...";
  report.pass("dns", cfg.instance_fqdn + " resolves to " + (shown.empty() ? std::string("an address") : shown));
}

}  // namespace milink::preflight
