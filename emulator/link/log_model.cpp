#include "link/log_model.hpp"

#include <algorithm>

namespace milink::emulator {

namespace {

constexpr std::size_t kMarksKept = 16;  // enough for any lag the profiles use

std::int64_t grown(std::int64_t lsn, double rate, std::chrono::steady_clock::duration d) {
  if (rate <= 0 || d <= std::chrono::steady_clock::duration::zero()) return lsn;
  return lsn + static_cast<std::int64_t>(rate * std::chrono::duration<double>(d).count());
}

}  // namespace

void LogHistory::fold(Database& db, bool writable, TimePoint now) {
  const double rate = writable ? db.workload_log_bytes_per_second : 0.0;
  if (marks_.empty() || db.next_lsn != written_) {
    marks_.push_back(Mark{now, db.next_lsn, rate});
  } else {
    const Mark& m = marks_.back();
    db.next_lsn = std::max(db.next_lsn, grown(m.lsn, m.rate, now - m.at));
    if (rate != m.rate) marks_.push_back(Mark{now, db.next_lsn, rate});
  }
  if (marks_.size() > kMarksKept) marks_.erase(marks_.begin());
  written_ = db.next_lsn;
}

std::int64_t LogHistory::at(TimePoint t) const {
  if (marks_.empty()) return written_;
  for (auto it = marks_.rbegin(); it != marks_.rend(); ++it)
    if (it->at <= t) return std::min(written_, grown(it->lsn, it->rate, t - it->at));
  return marks_.front().lsn;
}

}  // namespace milink::emulator
