#include "tds/token_writer.hpp"

#include "tds/login7.hpp"

#include <stdexcept>

namespace milink::emulator::tds {

TokenWriter::TokenWriter(const ServerIdentity& identity, std::uint32_t tds_version)
    : identity_(identity), collation_(Collation::from_identity(identity)), tds_version_(tds_version) {}

void TokenWriter::begin_token(std::uint8_t t) {
  starts_.push_back(w_.size());
  w_.u8(t);
  last_was_done_ = false;
}

void TokenWriter::loginack(std::uint32_t tds_version) {
  begin_token(token::kLoginAck);
  std::size_t len_at = w_.size();
  w_.u16le(0);
  w_.u8(1);  // interface: SQL_TSQL
  w_.u32be(tds_version);
  w_.b_varchar("Microsoft SQL Server");
  w_.u8(identity_.major);
  w_.u8(identity_.minor);
  w_.u8(static_cast<std::uint8_t>(identity_.build >> 8));
  w_.u8(static_cast<std::uint8_t>(identity_.build));
  w_.patch_u16le(len_at, static_cast<std::uint16_t>(w_.size() - len_at - 2));
}

void TokenWriter::envchange(std::uint8_t type, const std::string& new_value, const std::string& old_value) {
  begin_token(token::kEnvChange);
  std::size_t len_at = w_.size();
  w_.u16le(0);
  w_.u8(type);
  w_.b_varchar(new_value);
  w_.b_varchar(old_value);
  w_.patch_u16le(len_at, static_cast<std::uint16_t>(w_.size() - len_at - 2));
}

void TokenWriter::envchange_bytes(std::uint8_t type, const Bytes& new_value, const Bytes& old_value) {
  begin_token(token::kEnvChange);
  std::size_t len_at = w_.size();
  w_.u16le(0);
  w_.u8(type);
  w_.u8(static_cast<std::uint8_t>(new_value.size()));
  w_.bytes(new_value);
  w_.u8(static_cast<std::uint8_t>(old_value.size()));
  w_.bytes(old_value);
  w_.patch_u16le(len_at, static_cast<std::uint16_t>(w_.size() - len_at - 2));
}

void TokenWriter::collation_change() {
  envchange_bytes(envchange::kCollation, Bytes(collation_.bytes.begin(), collation_.bytes.end()), {});
}

void TokenWriter::message(const Message& m) {
  begin_token(m.is_error() ? token::kError : token::kInfo);
  std::size_t len_at = w_.size();
  w_.u16le(0);
  w_.i32le(m.number);
  w_.u8(static_cast<std::uint8_t>(m.state));
  w_.u8(static_cast<std::uint8_t>(m.severity));
  w_.us_varchar(m.text);
  w_.b_varchar(identity_.name);
  w_.b_varchar(m.procedure);
  if (tds_version_ >= kTds72)
    w_.i32le(m.line);
  else
    w_.u16le(static_cast<std::uint16_t>(m.line));
  w_.patch_u16le(len_at, static_cast<std::uint16_t>(w_.size() - len_at - 2));
  if (m.is_error()) error_pending_ = true;
}

void TokenWriter::colmetadata(const std::vector<ColumnFormat>& columns) {
  begin_token(token::kColMetadata);
  w_.u16le(static_cast<std::uint16_t>(columns.size()));
  for (const auto& c : columns) {
    if (tds_version_ >= kTds72)
      w_.u32le(0);  // UserType
    else
      w_.u16le(0);
    w_.u16le(c.nullable ? 0x0001 : 0x0000);
    write_type_info(w_, c, collation_, tds_version_, true);
    w_.b_varchar(c.name);
  }
}

void TokenWriter::row(const std::vector<ColumnFormat>& columns, const std::vector<SqlValue>& values) {
  if (values.size() != columns.size())
    throw std::invalid_argument("a row has " + std::to_string(values.size()) + " values for " +
                                std::to_string(columns.size()) + " columns");
  bool any_null = false;
  for (const auto& v : values) any_null = any_null || v.is_null();
  // NBCROW exists from TDS 7.3 on; older clients get NULLs inside a ROW.
  const bool nbc = any_null && tds_version_ >= 0x730A0003;
  begin_token(nbc ? token::kNbcRow : token::kRow);
  if (nbc) {
    std::vector<std::uint8_t> bitmap((columns.size() + 7) / 8, 0);
    for (std::size_t i = 0; i < values.size(); ++i)
      if (values[i].is_null()) bitmap[i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
    w_.bytes(bitmap);
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (nbc && values[i].is_null()) continue;
    write_value(w_, columns[i], values[i]);
  }
}

void TokenWriter::result_set(const ResultSet& rs, bool in_proc, bool with_done) {
  std::vector<ColumnFormat> formats;
  formats.reserve(rs.columns.size());
  for (std::size_t i = 0; i < rs.columns.size(); ++i)
    formats.push_back(column_format(rs.columns[i], rs.rows, i, tds_version_));
  for (auto& f : formats) f.collation = collation_;
  // Encode into a scratch writer first so a bad value cannot leave half a
  // result set behind.
  TokenWriter scratch(identity_, tds_version_);
  scratch.colmetadata(formats);
  for (const auto& r : rs.rows) scratch.row(formats, r);
  std::size_t base = w_.size();
  for (std::size_t s : scratch.starts_) starts_.push_back(base + s);
  w_.bytes(scratch.w_.buffer());
  last_was_done_ = false;
  if (with_done) done(in_proc ? token::kDoneInProc : token::kDone, done_status::kCount, 0xC1, rs.rows.size());
}

void TokenWriter::done(std::uint8_t token_type, std::uint16_t status, std::uint16_t command, std::uint64_t rows) {
  begin_token(token_type);
  if (error_pending_) {
    status |= done_status::kError;
    error_pending_ = false;
  }
  done_status_at_.push_back(w_.size());
  w_.u16le(status);
  w_.u16le(command);
  if (tds_version_ >= kTds72)
    w_.u64le(rows);
  else
    w_.u32le(static_cast<std::uint32_t>(rows));
  last_was_done_ = true;
}

void TokenWriter::return_status(std::int32_t value) {
  begin_token(token::kReturnStatus);
  w_.i32le(value);
}

void TokenWriter::return_value(std::uint16_t ordinal, const std::string& name, const SqlValue& value, SqlType hint,
                               bool prefer_max) {
  ColumnFormat f = value_format(value, hint, prefer_max, tds_version_);
  ByteWriter scratch;
  write_value(scratch, f, value);  // may throw: keep the stream intact
  begin_token(token::kReturnValue);
  w_.u16le(ordinal);
  w_.b_varchar(name);
  w_.u8(0x01);  // output parameter
  if (tds_version_ >= kTds72)
    w_.u32le(0);
  else
    w_.u16le(0);
  w_.u16le(0x0001);  // nullable
  write_type_info(w_, f, collation_, tds_version_, false);
  w_.bytes(scratch.buffer());
}

void TokenWriter::response_items(const Response& response, Session& session, bool in_proc) {
  const std::uint8_t done_token = in_proc ? token::kDoneInProc : token::kDone;
  for (std::size_t i = 0; i < response.items.size(); ++i) {
    const ResponseItem& item = response.items[i];
    if (const auto* rs = std::get_if<ResultSet>(&item)) {
      // One DONE per statement: the SELECT's own RowCount/StatementDone
      // (CurCmd SELECT), when it follows, is the result set's DONE; a count
      // of another statement (an UPDATE after it) keeps its own DONE.
      bool done_follows = false;
      if (i + 1 < response.items.size()) {
        const ResponseItem& next = response.items[i + 1];
        if (const auto* c = std::get_if<RowCount>(&next)) done_follows = c->command == 0xC1;
        if (const auto* d = std::get_if<StatementDone>(&next)) done_follows = d->command == 0xC1;
      }
      result_set(*rs, in_proc, !done_follows);
    } else if (const auto* rc = std::get_if<RowCount>(&item)) {
      if (rc->count >= 0)
        done(done_token, done_status::kCount, rc->command, static_cast<std::uint64_t>(rc->count));
      else
        done(done_token, done_status::kFinal, rc->command, 0);
    } else if (const auto* sd = std::get_if<StatementDone>(&item)) {
      done(done_token, done_status::kFinal, sd->command, 0);
    } else if (const auto* m = std::get_if<Message>(&item)) {
      message(*m);
    } else if (const auto* db = std::get_if<DatabaseChange>(&item)) {
      envchange(envchange::kDatabase, db->new_name, db->old_name);
      session.database = db->new_name;
    } else if (const auto* st = std::get_if<ReturnStatus>(&item)) {
      if (!in_proc) return_status(st->value);
    } else if (const auto* rv = std::get_if<ReturnValue>(&item)) {
      if (!in_proc) return_value(0, rv->name, rv->value, rv->value.type(), false);
    }
  }
}

Bytes TokenWriter::finish(bool failed) {
  Bytes out = w_.buffer();
  for (std::size_t i = 0; i < done_status_at_.size(); ++i) {
    std::size_t at = done_status_at_[i];
    std::uint16_t status = static_cast<std::uint16_t>(out[at] | (out[at + 1] << 8));
    if (i + 1 < done_status_at_.size())
      status |= done_status::kMore;
    else {
      status &= static_cast<std::uint16_t>(~done_status::kMore);
      if (failed) status |= done_status::kError;
    }
    out[at] = static_cast<std::uint8_t>(status);
    out[at + 1] = static_cast<std::uint8_t>(status >> 8);
  }
  return out;
}

Bytes done_token(std::uint16_t status, std::uint32_t tds_version) {
  ServerIdentity id;
  TokenWriter w(id, tds_version);
  w.done(token::kDone, status, 0, 0);
  return w.finish(false);
}

}  // namespace milink::emulator::tds
