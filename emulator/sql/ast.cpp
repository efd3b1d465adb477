#include "sql/ast.hpp"

#include "state/collation.hpp"

namespace milink::emulator::sql {

Expr::Expr() = default;
Expr::~Expr() = default;
Expr::Expr(Expr&&) noexcept = default;
Expr& Expr::operator=(Expr&&) noexcept = default;

std::string TableRef::display() const {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '.';
    out += parts[i];
  }
  return out;
}

bool Select::is_assignment() const {
  for (const auto& i : items)
    if (i.kind == SelectItem::Kind::Assignment) return true;
  return false;
}

const OptionValue* ReplicaSpec::find(const std::string& option) const {
  for (const auto& [name, value] : options)
    if (name == option) return &value;
  return nullptr;
}

bool BackupStmt::has_option(const std::string& upper) const {
  for (const auto& [name, value] : options)
    if (name == upper) return true;
  return false;
}

}  // namespace milink::emulator::sql
