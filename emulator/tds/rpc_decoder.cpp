#include "tds/rpc_decoder.hpp"

#include "tds/protocol_error.hpp"

#include <algorithm>
#include <cctype>

namespace milink::emulator::tds {

AllHeaders read_all_headers(ByteReader& r) {
  AllHeaders h;
  const std::size_t start = r.position();
  std::uint32_t total = r.u32le();
  if (total < 4 || total - 4 > r.remaining())
    throw ProtocolError("ALL_HEADERS TotalLength " + std::to_string(total) + " is impossible");
  std::size_t end = start + total;
  while (r.position() < end) {
    std::uint32_t len = r.u32le();
    if (len < 6 || r.position() - 4 + len > end)
      throw ProtocolError("ALL_HEADERS header length " + std::to_string(len) + " is impossible");
    std::uint16_t type = r.u16le();
    std::size_t body = len - 6;
    if (type == 2) {  // transaction descriptor
      if (body < 12) throw ProtocolError("transaction descriptor header too short");
      h.transaction_descriptor = r.u64le();
      h.outstanding_requests = r.u32le();
      r.skip(body - 12);
    } else {
      r.skip(body);  // query notifications (1), trace activity (3)
    }
  }
  return h;
}

SqlBatch decode_sql_batch(const Bytes& payload, bool has_all_headers) {
  ByteReader r(payload);
  SqlBatch b;
  if (has_all_headers) b.headers = read_all_headers(r);
  if (r.remaining() % 2) throw ProtocolError("SQL_BATCH text has an odd number of bytes");
  b.text = r.ucs2(r.remaining() / 2);
  return b;
}

std::string proc_name(std::uint16_t id) {
  static const char* names[] = {nullptr,           "sp_cursor",      "sp_cursoropen",  "sp_cursorprepare",
                                "sp_cursorexecute", "sp_cursorprepexec", "sp_cursorunprepare", "sp_cursorfetch",
                                "sp_cursoroption", "sp_cursorclose", "sp_executesql",  "sp_prepare",
                                "sp_execute",      "sp_prepexec",    "sp_prepexecrpc", "sp_unprepare"};
  if (id >= 1 && id <= 15) return names[id];
  return {};
}

RpcRequest decode_rpc(const Bytes& payload, bool has_all_headers, const Collation& dflt) {
  ByteReader r(payload);
  RpcRequest req;
  if (has_all_headers) req.headers = read_all_headers(r);
  for (;;) {
    RpcCall call;
    std::uint16_t name_len = r.u16le();
    if (name_len == 0xFFFF) {
      call.proc_id = r.u16le();
      call.name = proc_name(call.proc_id);
      if (call.name.empty()) throw ProtocolError("RPC ProcID " + std::to_string(call.proc_id) + " is unknown");
    } else {
      if (name_len == 0 || name_len > 1046) throw ProtocolError("the RPC name is invalid");
      call.name = r.ucs2(name_len);
    }
    call.options = r.u16le();
    // Parameters until the end, or a batch separator (0x80 in 7.2+, 0xFF/0xFE before).
    while (!r.empty()) {
      std::uint8_t next = r.peek();
      if (next == 0x80 || next == 0xFF || next == 0xFE) break;
      RpcParam p;
      const std::size_t number = call.params.size() + 1;
      try {
        p.name = r.b_varchar();
        p.status = r.u8();
        if (p.status & ~0x0B) throw ProtocolError("the parameter status flags are invalid");
        p.type = read_type_info(r);
        p.value = read_value(r, p.type, dflt);
      } catch (const ProtocolError& e) {
        throw ProtocolError("RPC " + call.name + " parameter " + std::to_string(number) +
                            (p.name.empty() ? "" : " (\"" + p.name + "\")") + ": " + e.what());
      }
      if (call.params.size() >= 2100) throw ProtocolError("too many parameters in an RPC request");
      call.params.push_back(std::move(p));
    }
    req.calls.push_back(std::move(call));
    if (r.empty()) break;
    r.u8();  // the separator
    if (r.empty()) break;
  }
  return req;
}

TransactionManagerRequest decode_transaction_manager(const Bytes& payload, bool has_all_headers) {
  ByteReader r(payload);
  TransactionManagerRequest t;
  if (has_all_headers) t.headers = read_all_headers(r);
  t.type = r.u16le();
  switch (t.type) {
    case 5:  // TM_BEGIN_XACT
      t.isolation_level = r.u8();
      t.name = r.b_varbyte_ucs2();
      break;
    case 7:  // TM_COMMIT_XACT
    case 8:  // TM_ROLLBACK_XACT
      t.name = r.b_varbyte_ucs2();
      t.begin_new = (r.u8() & 0x01) != 0;
      if (t.begin_new) {
        t.new_isolation_level = r.u8();
        t.new_name = r.b_varbyte_ucs2();
      }
      break;
    case 9:  // TM_SAVE_XACT
      t.name = r.b_varbyte_ucs2();
      break;
    default:
      break;  // DTC requests: the caller answers "not supported"
  }
  return t;
}

std::vector<DeclaredParam> parse_declaration(const std::string& decl) {
  std::vector<std::string> parts;
  std::string cur;
  int depth = 0;
  char quote = 0;
  for (char c : decl) {
    if (quote) {
      cur += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"' || c == '[') {
      quote = c == '[' ? ']' : c;
      cur += c;
    } else if (c == '(') {
      ++depth;
      cur += c;
    } else if (c == ')') {
      --depth;
      cur += c;
    } else if (c == ',' && depth == 0) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);

  std::vector<DeclaredParam> out;
  for (auto& part : parts) {
    std::size_t i = 0;
    while (i < part.size() && std::isspace(static_cast<unsigned char>(part[i]))) ++i;
    if (i >= part.size() || part[i] != '@') continue;
    std::size_t j = i;
    while (j < part.size() && !std::isspace(static_cast<unsigned char>(part[j]))) ++j;
    DeclaredParam d;
    d.name = part.substr(i, j - i);
    std::string rest = part.substr(j);
    // trim
    auto trim = [](std::string s) {
      std::size_t a = s.find_first_not_of(" \t\r\n");
      if (a == std::string::npos) return std::string();
      std::size_t b = s.find_last_not_of(" \t\r\n");
      return s.substr(a, b - a + 1);
    };
    rest = trim(rest);
    // trailing OUTPUT / OUT
    std::string upper = rest;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    for (const char* kw : {"OUTPUT", "OUT"}) {
      std::string k = kw;
      if (upper.size() > k.size() && upper.compare(upper.size() - k.size(), k.size(), k) == 0 &&
          std::isspace(static_cast<unsigned char>(upper[upper.size() - k.size() - 1]))) {
        d.output = true;
        rest = trim(rest.substr(0, rest.size() - k.size()));
        break;
      }
    }
    // "AS" is allowed between name and type
    if (rest.size() > 3 && (rest[0] == 'a' || rest[0] == 'A') && (rest[1] == 's' || rest[1] == 'S') &&
        std::isspace(static_cast<unsigned char>(rest[2])))
      rest = trim(rest.substr(3));
    d.type = rest;
    out.push_back(std::move(d));
  }
  return out;
}

SqlType sql_type_of_declared(const std::string& type) {
  std::string t;
  for (char c : type) {
    if (c == '(' || std::isspace(static_cast<unsigned char>(c))) break;
    t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (t == "int" || t == "smallint" || t == "tinyint") return SqlType::Int;
  if (t == "bigint") return SqlType::BigInt;
  if (t == "bit") return SqlType::Bit;
  if (t == "float" || t == "real" || t == "decimal" || t == "numeric" || t == "money" || t == "smallmoney")
    return SqlType::Float;
  if (t == "varbinary" || t == "binary" || t == "image") return SqlType::VarBinary;
  if (t == "datetime2" || t == "datetime" || t == "smalldatetime" || t == "date" || t == "time" ||
      t == "datetimeoffset")
    return SqlType::DateTime2;
  return SqlType::NVarChar;
}

}  // namespace milink::emulator::tds
