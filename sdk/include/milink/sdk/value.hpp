//===- milink/sdk/value.hpp - The JSON-shaped value type --------*- C++ -*-===//
///
/// \file
/// \c Value is what parameters, outputs, inputs and expression results are
/// made of: null, bool, integer, number, string, array or object, plus
/// \c Unknown, a placeholder for something only known at run time (used by
/// `milink plan`, which connects nowhere). Objects keep insertion order so
/// that rendered JSON reads the way it was written.
///
/// Values are cheap to copy (arrays and objects are shared and copied on
/// write). A Value is not thread-safe for concurrent mutation; concurrent
/// reads of one Value are safe.
///
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace milink::sdk {

class Value;
using Array = std::vector<Value>;

/// An insertion-ordered JSON object.
class Object {
public:
  using Member = std::pair<std::string, Value>;
  Object() = default;
  Object(std::initializer_list<Member> members);

  /// The member called \p key, or nullptr.
  const Value* find(const std::string& key) const;
  Value* find(const std::string& key);
  bool contains(const std::string& key) const { return find(key) != nullptr; }
  /// Sets (replacing in place, or appending) member \p key.
  void set(const std::string& key, Value v);
  bool erase(const std::string& key);
  std::size_t size() const { return members_.size(); }
  bool empty() const { return members_.empty(); }
  std::vector<Member>::const_iterator begin() const { return members_.begin(); }
  std::vector<Member>::const_iterator end() const { return members_.end(); }
  std::vector<Member>::iterator begin() { return members_.begin(); }
  std::vector<Member>::iterator end() { return members_.end(); }
  bool operator==(const Object& o) const;

private:
  std::vector<Member> members_;
};

enum class Kind { Null, Bool, Int, Double, String, Array, Object, Unknown };

/// "null", "bool", "integer", "number", "string", "array", "object", "unknown".
const char* kind_name(Kind k) noexcept;

class Value {
public:
  Value() noexcept;  // null
  Value(std::nullptr_t) noexcept;
  Value(bool b) noexcept;
  Value(int i) noexcept;
  Value(std::int64_t i) noexcept;
  Value(double d) noexcept;
  Value(const char* s);
  Value(std::string s);
  Value(Array a);
  Value(Object o);
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;
  ~Value();

  /// A placeholder for a value known only at run time; \p what describes it,
  /// e.g. "steps.cert.outputs.public_key".
  static Value unknown(std::string what);

  Kind kind() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == Kind::Null; }
  bool is_bool() const noexcept { return kind_ == Kind::Bool; }
  bool is_int() const noexcept { return kind_ == Kind::Int; }
  bool is_number() const noexcept { return kind_ == Kind::Int || kind_ == Kind::Double; }
  bool is_string() const noexcept { return kind_ == Kind::String; }
  bool is_array() const noexcept { return kind_ == Kind::Array; }
  bool is_object() const noexcept { return kind_ == Kind::Object; }
  bool is_unknown() const noexcept { return kind_ == Kind::Unknown; }

  /// Accessors. Each throws std::logic_error when the kind differs.
  bool as_bool() const;
  std::int64_t as_int() const;
  double as_double() const;  ///< also accepts Int
  const std::string& as_string() const;  ///< also the text of an Unknown
  const Array& as_array() const;
  const Object& as_object() const;
  Array& mutable_array();
  Object& mutable_object();

  /// Member lookup on an object; nullptr when not an object or absent.
  const Value* get(const std::string& key) const;

  /// Compact JSON text. Unknown renders as the string "<what>".
  std::string to_json() const;
  /// Indented JSON text.
  std::string to_pretty_json(int indent = 2) const;
  /// How the value reads inside text: strings bare, others as JSON.
  std::string to_display() const;

  bool operator==(const Value& o) const;
  bool operator!=(const Value& o) const { return !(*this == o); }

private:
  Kind kind_;
  bool b_ = false;
  std::int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
  std::shared_ptr<Array> a_;
  std::shared_ptr<Object> o_;
};

}  // namespace milink::sdk
