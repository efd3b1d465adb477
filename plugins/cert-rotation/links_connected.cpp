#include "links_connected.hpp"

#include "rotation_state.hpp"

#include <milink/link/names.hpp>
#include <milink/link/polling.hpp>

#include <chrono>

namespace milink::link {

using milink::sdk::ConfigError;
using milink::sdk::StepError;
using milink::sdk::Value;
using milink::sdk::Param;
using milink::sdk::Output;

milink::sdk::StepSpec LinksConnected::spec() {
  milink::sdk::StepSpec s;
  s.uses = "links-connected";
  s.summary = "Waits until every link between SQL Server and the managed instance is CONNECTED";
  s.doc =
      "Reads sys.dm_hadr_availability_replica_states on SQL Server for each distributed availability group whose "
      "other member is the instance (its endpoint URL names instance_fqdn) and waits until all are CONNECTED. "
      "timeout_seconds is how long it waits without progress (no further link connecting); it then fails naming "
      "the links still disconnected and their last connection error.";
  s.params = {
      Param::string("target").defaults_to(Value("sqlserver")).doc("SQL target of SQL Server"),
      Param::string("instance_fqdn").required().doc("The managed instance's FQDN"),
      Param::integer("timeout_seconds").defaults_to(Value(600)).doc("How long to wait without progress"),
      Param::integer("poll_interval_ms").defaults_to(Value(2000)).doc("How often to look"),
  };
  s.outputs = {Output::integer("links").doc("How many links there are (all connected)")};
  s.sql_targets = {{"target"}};
  return s;
}

LinksConnected::Config LinksConnected::configure(const milink::sdk::Params& p) {
  Config c;
  c.target = p.string("target");
  c.instance_fqdn = p.string("instance_fqdn");
  check_sysname(c.instance_fqdn, "instance_fqdn");
  c.timeout_seconds = p.integer("timeout_seconds");
  if (c.timeout_seconds < 1)
    throw ConfigError("timeout_seconds", "timeout_seconds must be at least 1 (got " + std::to_string(c.timeout_seconds) + ")");
  c.poll_interval_ms = read_poll_interval(p);
  return c;
}

milink::sdk::Observation LinksConnected::observe(const Config& c, milink::sdk::Context& ctx) {
  auto sql = ctx.sql(c.target);
  auto links = read_links(sql, c.instance_fqdn);
  std::string down = disconnected_list(links);
  if (down.empty()) {
    ctx.output("links", Value(static_cast<std::int64_t>(links.size())));
    return milink::sdk::Observation::satisfied(links.empty() ? "no link to " + c.instance_fqdn
                                                             : "all " + std::to_string(links.size()) + " links are CONNECTED");
  }
  return milink::sdk::Observation::needs_change("not connected: " + down);
}

milink::sdk::Plan LinksConnected::plan(const Config& c, milink::sdk::Context& ctx) {
  (void)ctx;
  milink::sdk::Plan p;
  p.actions.push_back(milink::sdk::Action::note(c.target, "wait until every link to " + c.instance_fqdn +
                                                              " is CONNECTED (at most " + std::to_string(c.timeout_seconds) +
                                                              " s without progress)"));
  return p;
}

void LinksConnected::apply(const Config& c, milink::sdk::Context& ctx) {
  using Clock = std::chrono::steady_clock;
  auto sql = ctx.sql(c.target);
  std::size_t best = 0;
  auto last_progress = Clock::now();
  for (;;) {
    auto links = read_links(sql, c.instance_fqdn);
    std::size_t up = 0;
    for (const auto& l : links) up += l.connected ? 1 : 0;
    if (up == links.size()) {
      ctx.info(links.empty() ? "no link to " + c.instance_fqdn : "all " + std::to_string(links.size()) + " links are CONNECTED");
      ctx.output("links", Value(static_cast<std::int64_t>(links.size())));
      return;
    }
    if (up > best) {
      best = up;
      last_progress = Clock::now();
    }
    ctx.progress(std::to_string(up) + " of " + std::to_string(links.size()) + " links CONNECTED",
                 static_cast<double>(up) / static_cast<double>(links.size()));
    if (Clock::now() - last_progress >= std::chrono::seconds(c.timeout_seconds))
      throw StepError("links still not CONNECTED after " + std::to_string(c.timeout_seconds) +
                      " s without progress: " + disconnected_list(links) +
                      ". Check that each side trusts the other's current certificate (the managed instance's "
                      "serverTrustCertificates, the instance's certificate on SQL Server); the old certificates are "
                      "kept until the links connect");
    pause(ctx, c.poll_interval_ms, "waiting for the links to connect");
  }
}

}  // namespace milink::link
