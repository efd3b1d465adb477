// RAISERROR, THROW and WAITFOR DELAY.
//
// RAISERROR formats its message like printf (%d %i %o %u %x %X %s with
// flags, width, precision, * and the h/l/I64 size prefixes), sends severity
// 0-10 as an informational message and 11-18 (19-25 WITH LOG) as an error;
// the batch goes on. A message string raises number 50000; a number other
// than 50000 names a sys.messages entry, and since the emulator has no
// sp_addmessage that is error 18054 (or 2732 below 13000). THROW raises its
// number at severity 16 and ends the batch. WAITFOR DELAY waits with the
// world unlocked and ends the batch when the client sends ATTENTION.
#include "sql/executor.hpp"
#include "sql/parser.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

namespace milink::emulator::sql {

namespace {

constexpr std::size_t kMaxMessage = 2047;  // longer texts keep 2044 characters and "..."
constexpr int kMaxArguments = 20;

std::string truncate_message(std::string text) {
  if (text.size() > kMaxMessage) text = text.substr(0, kMaxMessage - 3) + "...";
  return text;
}

std::int64_t as_integer(const Datum& d) { return d.value.as_int64(); }

/// printf-style substitution as RAISERROR does it. An argument of the wrong
/// type for its specification is error 2786; a missing one prints "(null)".
std::string format_message(const std::string& fmt, const std::vector<Datum>& args) {
  std::string out;
  std::size_t next = 0;  // next argument
  auto take = [&](int position_hint) -> const Datum* {
    (void)position_hint;
    return next < args.size() ? &args[next++] : (++next, nullptr);
  };
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c != '%') {
      out += c;
      continue;
    }
    if (i + 1 < fmt.size() && fmt[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    std::string flags;
    while (j < fmt.size() && std::string("-+0# ").find(fmt[j]) != std::string::npos) flags += fmt[j++];
    auto number = [&](long& v) -> bool {  // digits or '*'
      if (j < fmt.size() && fmt[j] == '*') {
        ++j;
        std::size_t pos = next + 1;
        const Datum* a = take(0);
        if (a && !a->is_null() && !a->type.is_integer()) throw SqlError(err::raiserror_argument_type(static_cast<int>(pos)));
        v = a && !a->is_null() ? static_cast<long>(as_integer(*a)) : 0;
        return true;
      }
      bool any = false;
      v = 0;
      while (j < fmt.size() && fmt[j] >= '0' && fmt[j] <= '9' && v < 100000) {
        v = v * 10 + (fmt[j++] - '0');
        any = true;
      }
      return any;
    };
    long width = -1, precision = -1;
    if (!number(width)) width = -1;
    if (j < fmt.size() && fmt[j] == '.') {
      ++j;
      if (!number(precision)) precision = 0;
    }
    if (j < fmt.size() && (fmt[j] == 'h' || fmt[j] == 'l')) ++j;
    else if (fmt.compare(j, 3, "I64") == 0) j += 3;
    if (j >= fmt.size() || std::string("diouxXs").find(fmt[j]) == std::string::npos) {
      out += fmt.substr(i, j - i);  // not a specification: kept as written
      i = j - 1;
      continue;
    }
    char type = fmt[j];
    i = j;
    std::size_t position = next + 1;
    const Datum* a = take(0);
    std::string piece;
    if (!a || a->is_null()) {
      piece = "(null)";
    } else if (type == 's') {
      if (!a->type.is_string()) throw SqlError(err::raiserror_argument_type(static_cast<int>(position)));
      piece = a->value.as_string();
      if (precision >= 0 && piece.size() > static_cast<std::size_t>(precision)) piece.resize(static_cast<std::size_t>(precision));
    } else {
      if (!a->type.is_integer() || a->type.base == BaseType::Bit)
        throw SqlError(err::raiserror_argument_type(static_cast<int>(position)));
      std::string spec = "%" + flags;
      if (precision >= 0) spec += "." + std::to_string(std::min(precision, 100L));
      spec += "ll";
      spec += (type == 'i' ? 'd' : type);
      char buf[160];
      std::int64_t v = as_integer(*a);
      if (type == 'd' || type == 'i') std::snprintf(buf, sizeof buf, spec.c_str(), static_cast<long long>(v));
      else std::snprintf(buf, sizeof buf, spec.c_str(), static_cast<unsigned long long>(v));
      piece = buf;
      if (flags.find('0') != std::string::npos && flags.find('-') == std::string::npos && width > 0 &&
          piece.size() < static_cast<std::size_t>(width) && precision < 0) {
        std::size_t sign = (!piece.empty() && (piece[0] == '-' || piece[0] == '+' || piece[0] == ' ')) ? 1 : 0;
        piece.insert(sign, static_cast<std::size_t>(width) - piece.size(), '0');
      }
    }
    if (width > 0 && piece.size() < static_cast<std::size_t>(std::min(width, 4000L))) {
      std::size_t pad = static_cast<std::size_t>(std::min(width, 4000L)) - piece.size();
      if (flags.find('-') != std::string::npos) piece.append(pad, ' ');
      else piece.insert(0, pad, ' ');
    }
    out += piece;
    if (out.size() > 4 * kMaxMessage) break;
  }
  return out;
}

}  // namespace

void Executor::do_raiserror(Frame& f, const RaiseErrorStmt& s) {
  Datum message = eval(f, *s.message, nullptr);
  Datum sev = convert(eval(f, *s.severity, nullptr), TypeSpec::of(BaseType::Int), false);
  Datum st = convert(eval(f, *s.state, nullptr), TypeSpec::of(BaseType::Int), false);
  if (s.args.size() > static_cast<std::size_t>(kMaxArguments)) throw SqlError(err::incorrect_syntax(","));
  std::vector<Datum> args;
  for (const auto& a : s.args) args.push_back(eval(f, *a, nullptr));
  const bool with_log = std::find(s.options.begin(), s.options.end(), "LOG") != s.options.end();

  // Below 0 counts as 0, above 25 as 25; 19-25 need WITH LOG (and sysadmin).
  int severity = static_cast<int>(std::clamp<std::int64_t>(sev.is_null() ? 0 : sev.value.as_int64(), 0, 25));
  if (severity > 18 && !with_log) throw SqlError(err::raiserror_severity_needs_log());
  // Negative states count as 1; the emulator caps larger ones at 255.
  std::int64_t state_in = st.is_null() ? 1 : st.value.as_int64();
  int state = state_in < 0 ? 1 : static_cast<int>(std::min<std::int64_t>(state_in, 255));

  ErrorMessage m;
  m.severity = severity;
  m.state = state;
  m.line = s.line;
  if (!message.is_null() && message.type.is_integer()) {
    std::int64_t id = message.value.as_int64();
    if (id < 13000 || id == 50000 || id > 2147483647) throw SqlError(err::raiserror_number_invalid(id));
    // No sp_addmessage in the emulator: every other number is missing from sys.messages.
    m = err::raiserror_message_not_found(id, severity, state);
    m.line = s.line;
  } else {
    std::string fmt = message.is_null() ? std::string()
                                        : convert(message, TypeSpec::of(BaseType::NVarChar, -1), false).value.as_string();
    m.number = 50000;
    m.text = truncate_message(format_message(fmt, args));
  }
  if (m.severity <= 10) {
    emit_info(m);
    return;
  }
  // The error goes to the client and the batch goes on (severity 19-25 end
  // it; a real server also closes the connection at 20 and above).
  throw SqlError(m, m.severity >= 19 ? Abort::Batch : Abort::Statement);
}

void Executor::do_throw(Frame& f, const ThrowStmt& s) {
  Datum number = convert(eval(f, *s.number, nullptr), TypeSpec::of(BaseType::BigInt), false);
  Datum message = eval(f, *s.message, nullptr);
  Datum st = convert(eval(f, *s.state, nullptr), TypeSpec::of(BaseType::Int), false);
  std::int64_t n = number.is_null() ? 0 : number.value.as_int64();
  // Any error in THROW, like THROW itself, ends the batch.
  if (n < 50000 || n > 2147483647) throw SqlError(err::throw_number_out_of_range(n), Abort::Batch);
  ErrorMessage m;
  m.number = static_cast<int>(n);
  m.severity = 16;
  std::int64_t state = st.is_null() ? 1 : st.value.as_int64();
  m.state = static_cast<int>(std::clamp<std::int64_t>(state, 0, 255));
  std::string text = message.is_null() ? std::string()
                                       : convert(message, TypeSpec::of(BaseType::NVarChar, -1), false).value.as_string();
  if (text.size() > 2048) text.resize(2048);  // message is nvarchar(2048)
  m.text = text;
  m.line = s.line;
  throw SqlError(m, Abort::Batch);
}

void Executor::do_waitfor(Frame& f, const WaitForStmt& s) {
  Datum d = eval(f, *s.delay, nullptr);
  std::string text = d.is_null() ? std::string()
                                 : convert(d, TypeSpec::of(BaseType::NVarChar, -1), false).value.as_string();
  auto delay = parse_waitfor_delay(text);
  if (!delay) throw SqlError(err::waitfor_time_syntax(text), Abort::Batch);
  if (describe_mode_) return;

  // Other sessions (and the link simulation) go on while this one waits.
  const bool unlocked = world_lock_ && world_lock_->owns_lock();
  if (unlocked) world_lock_->unlock();
  bool cancelled = false;
  const auto deadline = std::chrono::steady_clock::now() + *delay;
  for (;;) {
    if (session_.attention && session_.attention()) {
      cancelled = true;
      break;
    }
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(20)));
  }
  if (unlocked) {
    world_lock_->lock();
    if (world_.advance) world_.advance();
  }
  // Cancelled: the batch ends here without a message; the TDS layer
  // acknowledges the ATTENTION after the reply.
  if (cancelled) throw SqlError(std::vector<ErrorMessage>(), Abort::Batch);
}

}  // namespace milink::emulator::sql
