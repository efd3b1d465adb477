#include "run/concurrency.hpp"

#include "expr/expression.hpp"

#include <algorithm>

namespace milink::run {

using milink::sdk::Object;
using milink::sdk::Value;

bool ConcurrencyGroups::acquire(const std::string& group, int limit, const std::function<bool()>& cancelled,
                                const std::function<void(int)>& on_wait) {
  std::unique_lock<std::mutex> lock(mu_);
  Group& g = groups_[group];
  if (g.queue.empty() && g.in_use < limit) {
    ++g.in_use;
    return true;
  }
  std::uint64_t ticket = next_ticket_++;
  g.queue.push_back(ticket);
  int in_use = g.in_use;
  lock.unlock();
  if (on_wait) on_wait(in_use);
  lock.lock();
  // Cancellation first: a slot freed by an interrupted holder must not
  // start one more apply.
  while (true) {
    if (cancelled && cancelled()) {
      g.queue.remove(ticket);
      lock.unlock();
      cv_.notify_all();  // the next in line may now be first
      return false;
    }
    if (g.queue.front() == ticket && g.in_use < limit) break;
    cv_.wait_for(lock, std::chrono::milliseconds(50));
  }
  g.queue.pop_front();
  ++g.in_use;
  lock.unlock();
  cv_.notify_all();  // the next in line may fit too
  return true;
}

void ConcurrencyGroups::release(const std::string& group) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Group& g = groups_[group];
    if (g.in_use > 0) --g.in_use;
  }
  cv_.notify_all();
}

Lease::Lease(ConcurrencyGroups& groups, std::string group, int limit, std::string holder, Emit emit)
    : groups_(groups), group_(std::move(group)), limit_(limit), holder_(std::move(holder)), emit_(std::move(emit)) {}

Lease::~Lease() { release(); }

bool Lease::hold(const std::string& step, const std::function<bool()>& cancelled) {
  std::lock_guard<std::mutex> lock(mu_);
  if (held_) return true;
  auto asked = std::chrono::steady_clock::now();
  bool waited = false;
  bool ok = groups_.acquire(group_, limit_, cancelled, [&](int in_use) {
    waited = true;
    emit_(Object{{"event", Value("slot_wait")},
                 {"step", Value(step)},
                 {"holder", Value(holder_)},
                 {"group", Value(group_)},
                 {"limit", Value(limit_)},
                 {"in_use", Value(in_use)},
                 {"message", Value("waiting for a slot in concurrency group \"" + group_ + "\" (" +
                                   std::to_string(in_use) + " of " + std::to_string(limit_) + " in use)")}});
  });
  if (!ok) return false;
  held_ = true;
  since_ = std::chrono::steady_clock::now();
  auto waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_ - asked).count();
  emit_(Object{{"event", Value("slot_acquired")},
               {"step", Value(step)},
               {"holder", Value(holder_)},
               {"group", Value(group_)},
               {"limit", Value(limit_)},
               {"waited", Value(waited)},
               {"waited_ms", Value(static_cast<std::int64_t>(waited_ms))}});
  return true;
}

void Lease::release() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!held_) return;
  held_ = false;
  auto held_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since_).count();
  // Reported before the slot is given back, so that in the event stream a
  // release always comes before the next holder's slot_acquired.
  emit_(Object{{"event", Value("slot_released")},
               {"step", Value(holder_)},
               {"group", Value(group_)},
               {"held_ms", Value(static_cast<std::int64_t>(held_ms))}});
  groups_.release(group_);
}

namespace {
Value evaluate(const Value& v, const Object& scope) {
  if (v.is_string() && milink::expr::Template::contains_expression(v.as_string()))
    return milink::expr::Template::parse(v.as_string()).evaluate(scope);
  return v;
}
}  // namespace

bool evaluate_concurrency(const milink::workflow::ConcurrencyDef& def, const Object& scope, std::string& group,
                          int& limit, std::string& error) {
  Value g, l;
  try {
    g = evaluate(Value(def.group), scope);
  } catch (const milink::expr::ExprError& e) {
    error = std::string("concurrency.group: ") + e.what();
    return false;
  }
  try {
    l = evaluate(def.limit, scope);
  } catch (const milink::expr::ExprError& e) {
    error = std::string("concurrency.limit: ") + e.what();
    return false;
  }
  if (g.is_string() || g.is_int()) group = g.is_string() ? g.as_string() : g.to_display();
  if (group.empty()) {
    error = "concurrency.group " + def.group + " gave " + (g.is_string() ? std::string("an empty string") : g.to_json()) +
            "; it must give a non-empty name";
    return false;
  }
  if (!l.is_int() || l.as_int() < 1 || l.as_int() > 1024) {
    error = "concurrency.limit " + (def.limit.is_string() ? def.limit.as_string() : def.limit.to_json()) + " gave " +
            l.to_json() + "; it must give an integer from 1 to 1024";
    return false;
  }
  limit = static_cast<int>(l.as_int());
  return true;
}

}  // namespace milink::run
