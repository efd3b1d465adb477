#include <milink/sdk/value.hpp>
#include <milink/sdk/unicode.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace milink::sdk {

Object::Object(std::initializer_list<Member> members) {
  for (const auto& m : members) set(m.first, m.second);
}

const Value* Object::find(const std::string& key) const {
  for (const auto& m : members_)
    if (m.first == key) return &m.second;
  return nullptr;
}

Value* Object::find(const std::string& key) {
  for (auto& m : members_)
    if (m.first == key) return &m.second;
  return nullptr;
}

void Object::set(const std::string& key, Value v) {
  if (Value* existing = find(key)) {
    *existing = std::move(v);
    return;
  }
  members_.emplace_back(key, std::move(v));
}

bool Object::erase(const std::string& key) {
  for (auto it = members_.begin(); it != members_.end(); ++it) {
    if (it->first == key) {
      members_.erase(it);
      return true;
    }
  }
  return false;
}

bool Object::operator==(const Object& o) const {
  if (members_.size() != o.members_.size()) return false;
  for (const auto& m : members_) {
    const Value* other = o.find(m.first);
    if (other == nullptr || !(*other == m.second)) return false;
  }
  return true;
}

const char* kind_name(Kind k) noexcept {
  switch (k) {
    case Kind::Null: return "null";
    case Kind::Bool: return "bool";
    case Kind::Int: return "integer";
    case Kind::Double: return "number";
    case Kind::String: return "string";
    case Kind::Array: return "array";
    case Kind::Object: return "object";
    case Kind::Unknown: return "unknown";
  }
  return "?";
}

Value::Value() noexcept : kind_(Kind::Null) {}
Value::Value(std::nullptr_t) noexcept : kind_(Kind::Null) {}
Value::Value(bool b) noexcept : kind_(Kind::Bool), b_(b) {}
Value::Value(int i) noexcept : kind_(Kind::Int), i_(i) {}
Value::Value(std::int64_t i) noexcept : kind_(Kind::Int), i_(i) {}
Value::Value(double d) noexcept : kind_(Kind::Double), d_(d) {}
Value::Value(const char* s) : kind_(Kind::String), s_(s) {}
Value::Value(std::string s) : kind_(Kind::String), s_(std::move(s)) {}
Value::Value(Array a) : kind_(Kind::Array), a_(std::make_shared<Array>(std::move(a))) {}
Value::Value(Object o) : kind_(Kind::Object), o_(std::make_shared<Object>(std::move(o))) {}
Value::Value(const Value&) = default;
Value::Value(Value&&) noexcept = default;
Value& Value::operator=(const Value&) = default;
Value& Value::operator=(Value&&) noexcept = default;
Value::~Value() = default;

Value Value::unknown(std::string what) {
  Value v;
  v.kind_ = Kind::Unknown;
  v.s_ = std::move(what);
  return v;
}

namespace {
[[noreturn]] void wrong_kind(const char* wanted, Kind got) {
  throw std::logic_error(std::string("value is ") + kind_name(got) + ", not " + wanted);
}
}  // namespace

bool Value::as_bool() const {
  if (kind_ != Kind::Bool) wrong_kind("bool", kind_);
  return b_;
}
std::int64_t Value::as_int() const {
  if (kind_ != Kind::Int) wrong_kind("integer", kind_);
  return i_;
}
double Value::as_double() const {
  if (kind_ == Kind::Int) return static_cast<double>(i_);
  if (kind_ != Kind::Double) wrong_kind("number", kind_);
  return d_;
}
const std::string& Value::as_string() const {
  if (kind_ != Kind::String && kind_ != Kind::Unknown) wrong_kind("string", kind_);
  return s_;
}
const Array& Value::as_array() const {
  if (kind_ != Kind::Array) wrong_kind("array", kind_);
  return *a_;
}
const Object& Value::as_object() const {
  if (kind_ != Kind::Object) wrong_kind("object", kind_);
  return *o_;
}
Array& Value::mutable_array() {
  if (kind_ != Kind::Array) wrong_kind("array", kind_);
  if (a_.use_count() > 1) a_ = std::make_shared<Array>(*a_);  // copy on write
  return *a_;
}
Object& Value::mutable_object() {
  if (kind_ != Kind::Object) wrong_kind("object", kind_);
  if (o_.use_count() > 1) o_ = std::make_shared<Object>(*o_);  // copy on write
  return *o_;
}

const Value* Value::get(const std::string& key) const {
  if (kind_ != Kind::Object) return nullptr;
  return o_->find(key);
}

bool Value::operator==(const Value& o) const {
  if (is_number() && o.is_number()) {
    if (kind_ == Kind::Int && o.kind_ == Kind::Int) return i_ == o.i_;
    return as_double() == o.as_double();
  }
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::Null: return true;
    case Kind::Bool: return b_ == o.b_;
    case Kind::String:
    case Kind::Unknown: return s_ == o.s_;
    case Kind::Array: return *a_ == *o.a_;
    case Kind::Object: return *o_ == *o.o_;
    default: return false;
  }
}

namespace {

/// Invalid UTF-8 (text from a server or a file can hold any bytes) becomes
/// \ufffd, so the output is always valid JSON.
void escape_into(std::string& out, const std::string& s) {
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = unicode::utf8_sequence_length(s, i);
      if (n == 0) {
        out += "\\ufffd";
      } else {
        out.append(s, i, n);
        i += n - 1;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::string number_text(double d) {
  if (!std::isfinite(d)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  // Prefer the shortest form that reads back the same.
  for (int prec = 1; prec <= 17; ++prec) {
    char shortbuf[32];
    std::snprintf(shortbuf, sizeof shortbuf, "%.*g", prec, d);
    if (std::strtod(shortbuf, nullptr) == d) return shortbuf;
  }
  return buf;
}

void write(std::string& out, const Value& v, int indent, int depth) {
  auto newline = [&](int d) {
    if (indent <= 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent * d), ' ');
  };
  switch (v.kind()) {
    case Kind::Null: out += "null"; break;
    case Kind::Bool: out += v.as_bool() ? "true" : "false"; break;
    case Kind::Int: out += std::to_string(v.as_int()); break;
    case Kind::Double: out += number_text(v.as_double()); break;
    case Kind::String: escape_into(out, v.as_string()); break;
    case Kind::Unknown: escape_into(out, "<" + v.as_string() + ">"); break;
    case Kind::Array: {
      const Array& a = v.as_array();
      if (a.empty()) {
        out += "[]";
        break;
      }
      out += '[';
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        newline(depth + 1);
        write(out, a[i], indent, depth + 1);
      }
      newline(depth);
      out += ']';
      break;
    }
    case Kind::Object: {
      const Object& o = v.as_object();
      if (o.empty()) {
        out += "{}";
        break;
      }
      out += '{';
      bool first = true;
      for (const auto& m : o) {
        if (!first) out += ',';
        first = false;
        newline(depth + 1);
        escape_into(out, m.first);
        out += indent > 0 ? ": " : ":";
        write(out, m.second, indent, depth + 1);
      }
      newline(depth);
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string Value::to_json() const {
  std::string out;
  write(out, *this, 0, 0);
  return out;
}

std::string Value::to_pretty_json(int indent) const {
  std::string out;
  write(out, *this, indent, 0);
  return out;
}

std::string Value::to_display() const {
  if (kind_ == Kind::String) return s_;
  if (kind_ == Kind::Unknown) return "<" + s_ + ">";
  return to_json();
}

}  // namespace milink::sdk
