// Unit tests of the TDS codecs, with byte layouts from tds-findings §3.
#include "engine/type_info.hpp"
#include "tds/login7.hpp"
#include "tds/prelogin.hpp"
#include "tds/protocol_error.hpp"
#include "tds/rpc_decoder.hpp"
#include "tds/text_codec.hpp"
#include "tds/token_writer.hpp"
#include "tds/type_codec.hpp"

#include "tds_fixture.hpp"

#include <catch2/catch.hpp>

using namespace milink::emulator;
using namespace milink::emulator::tds;
using milink::sdk::SqlDateTime;
using milink::sdk::SqlType;
using milink::sdk::SqlValue;

namespace {
Bytes hex(const std::string& h) {
  Bytes out;
  std::string digits;
  for (char c : h)
    if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  return out;
}

SqlValue decode(const Bytes& b) {
  ByteReader r(b);
  TypeInfo ti = read_type_info(r);
  SqlValue v = read_value(r, ti, Collation{});
  REQUIRE(r.empty());
  return v;
}
}  // namespace

TEST_CASE("UTF-16 and code page conversions", "[tds][codec]") {
  std::string s = "béta ü € 😀";
  Bytes u = utf8_to_utf16le(s);
  CHECK(u.size() == 2 * 10 + 2);  // the emoji is a surrogate pair
  CHECK(utf16le_to_utf8(u.data(), u.size()) == s);
  Bytes lone = {0x00, 0xD8, 0x41, 0x00};  // unpaired high surrogate, 'A'
  CHECK(utf16le_to_utf8(lone.data(), lone.size()) == "\xEF\xBF\xBD" "A");
  Bytes cp1252 = {0x62, 0xE9, 0x74, 0x61, 0x20, 0x80};
  CHECK(decode_code_page(cp1252.data(), cp1252.size(), 1252) == "béta €");
  Collation c;  // 0904d00034
  CHECK(c.lcid() == 0x0409);
  CHECK(c.code_page() == 1252);
  ServerIdentity id;
  CHECK(Collation::from_identity(id).bytes == c.bytes);
}

TEST_CASE("parameter TYPE_INFO and values as FreeTDS sends them", "[tds][codec]") {
  CHECK(decode(hex("26 04 04 2a000000")) == SqlValue::integer(42));
  CHECK(decode(hex("26 08 08 0100000000002000")) == SqlValue::bigint(9007199254740993LL));
  CHECK(decode(hex("26 04 00")).is_null());
  CHECK(decode(hex("68 01 01 01")) == SqlValue::bit(true));
  CHECK(decode(hex("6d 08 08 0000000000000c40")) == SqlValue::floating(3.5));
  // std::string -> VARCHAR(MAX) PLP in CP1252
  CHECK(decode(hex("a7 ffff 0904d00034 0500000000000000 05000000 62e9746180 00000000")) ==
        SqlValue::nvarchar("béta€"));
  // VARCHAR(50) with a u16 length
  CHECK(decode(hex("a7 3200 0904d00034 0300 616263")) == SqlValue::nvarchar("abc"));
  // BLOB -> VARBINARY(MAX) PLP; NULL PLP
  CHECK(decode(hex("a5 ffff 0300000000000000 03000000 010203 00000000")) == SqlValue::varbinary({1, 2, 3}));
  CHECK(decode(hex("a5 ffff ffffffffffffffff")).is_null());
  // NVARCHAR(MAX) in two chunks
  CHECK(decode(hex("e7 ffff 0904d00034 0400000000000000 02000000 6800 02000000 6900 00000000")) ==
        SqlValue::nvarchar("hi"));
  // NTEXT statement strings: u32 max, collation, u32 length
  CHECK(decode(hex("63 ffffff7f 0904d00034 04000000 4f004b00")) == SqlValue::nvarchar("OK"));
  CHECK(decode(hex("63 ffffff7f 0904d00034 ffffffff")).is_null());
  // DATETIME2(7): 5-byte ticks then 3-byte days (2024-02-29 13:45:30.1234560)
  SqlValue dt = decode(hex("2a 07 08 800f415273 80460b"));
  REQUIRE(dt.type() == SqlType::DateTime2);
  CHECK(dt.as_datetime().to_iso() == "2024-02-29T13:45:30.1234560");
  // DATETIME: days since 1900 and 1/300 s
  SqlValue old = decode(hex("6f 08 08 00000000 2c010000"));  // 1900-01-01 00:00:01
  CHECK(old.as_datetime().to_iso() == "1900-01-01T00:00:01.0000000");
  // DECIMAL(10,2) 123.45
  CHECK(decode(hex("6a 05 0a 02 05 01 39300000")).as_double() == Approx(123.45));
  CHECK(days_since_0001(2024, 2, 29) == 0x0B4680);
}

TEST_CASE("impossible parameter encodings are protocol errors", "[tds][codec]") {
  CHECK_THROWS_AS(decode(hex("26 03 03 000000")), ProtocolError);           // INTN(3)
  CHECK_THROWS_AS(decode(hex("e7 4000 0904d00034 4100 00")), ProtocolError);  // 65 bytes > max 64
  CHECK_THROWS_AS(decode(hex("a5 ffff 0a00000000000000 04000000 01020304 00000000")), ProtocolError);  // short PLP
  CHECK_THROWS_AS(decode(hex("a5 ffff 0200000000000000 ffffff7f 0102")), ProtocolError);  // chunk past the end
  CHECK_THROWS_AS(decode(hex("f0 00")), ProtocolError);                     // UDT: unsupported
}

TEST_CASE("declarations map names onto parameters", "[tds][codec]") {
  auto d = parse_declaration("@P1 INT,@P2 VARCHAR(50) OUTPUT, @P3 decimal(10, 2),@P4 nvarchar(max) out");
  REQUIRE(d.size() == 4);
  CHECK(d[0].name == "@P1");
  CHECK(d[0].type == "INT");
  CHECK_FALSE(d[0].output);
  CHECK(d[1].name == "@P2");
  CHECK(d[1].type == "VARCHAR(50)");
  CHECK(d[1].output);
  CHECK(d[2].type == "decimal(10, 2)");
  CHECK(d[3].output);
  CHECK(sql_type_of_declared("varchar(4000)") == SqlType::NVarChar);
  CHECK(sql_type_of_declared("BIGINT") == SqlType::BigInt);
  CHECK(parse_declaration("").empty());
}

TEST_CASE("RPC requests decode by ProcID and by name", "[tds][codec]") {
  // sp_executesql(N'SELECT 1', N'@P1 INT', 7)
  Bytes b = tdstest::raw::all_headers();
  Bytes rest = hex("ffff 0a00 0000");
  b.insert(b.end(), rest.begin(), rest.end());
  auto ntext = [&](const std::string& s) {
    Bytes p = hex("00 00 63 ffffff7f 0904d00034");
    Bytes u = utf8_to_utf16le(s);
    std::uint32_t n = static_cast<std::uint32_t>(u.size());
    for (int i = 0; i < 4; ++i) p.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
    p.insert(p.end(), u.begin(), u.end());
    b.insert(b.end(), p.begin(), p.end());
  };
  ntext("SELECT 1");
  ntext("@P1 INT");
  Bytes v = hex("00 00 26 04 04 07000000");
  b.insert(b.end(), v.begin(), v.end());
  RpcRequest req = decode_rpc(b, true, Collation{});
  REQUIRE(req.calls.size() == 1);
  CHECK(req.calls[0].name == "sp_executesql");
  CHECK(req.calls[0].proc_id == proc_id::kExecuteSql);
  REQUIRE(req.calls[0].params.size() == 3);
  CHECK(req.calls[0].params[2].value == SqlValue::integer(7));
  CHECK(req.headers.outstanding_requests == 1);

  Bytes named = tdstest::raw::all_headers();
  Bytes n = hex("0a00");
  named.insert(named.end(), n.begin(), n.end());
  Bytes name = utf8_to_utf16le("sp_execute");
  named.insert(named.end(), name.begin(), name.end());
  Bytes tail = hex("0000 00 00 26 04 04 02000000");
  named.insert(named.end(), tail.begin(), tail.end());
  RpcRequest r2 = decode_rpc(named, true, Collation{});
  REQUIRE(r2.calls.size() == 1);
  CHECK(r2.calls[0].name == "sp_execute");
  CHECK(r2.calls[0].proc_id == 0);
  CHECK(r2.calls[0].params[0].value == SqlValue::integer(2));

  Bytes truncated(b.begin(), b.end() - 3);
  CHECK_THROWS_AS(decode_rpc(truncated, true, Collation{}), ProtocolError);
}

TEST_CASE("TRANSACTION_MANAGER requests decode", "[tds][codec]") {
  Bytes h = tdstest::raw::all_headers();
  Bytes begin = h, commit = h;
  Bytes b1 = hex("0500 00 00"), c1 = hex("0700 00 01 00 00");
  begin.insert(begin.end(), b1.begin(), b1.end());
  commit.insert(commit.end(), c1.begin(), c1.end());
  CHECK(decode_transaction_manager(begin, true).type == 5);
  auto c = decode_transaction_manager(commit, true);
  CHECK(c.type == 7);
  CHECK(c.begin_new);
}

TEST_CASE("LOGIN7 parsing and password decoding", "[tds][codec]") {
  Bytes login = tdstest::raw::login7("sa", "Pa55w0rd!", "milinkdb");
  Login7 l = parse_login7(login);
  CHECK(l.user == "sa");
  CHECK(l.password == "Pa55w0rd!");
  CHECK(l.database == "milinkdb");
  CHECK(l.app_name == "rawtest");
  CHECK(l.language == "us_english");
  CHECK(l.tds_version == kTds74);
  CHECK(l.packet_size == 4096);
  CHECK(negotiate_tds_version(l.tds_version) == kTds74);
  CHECK(negotiate_tds_version(0x75000000) == kTds74);
  CHECK(negotiate_tds_version(kTds71) == kTds71);

  Bytes bad = login;
  bad[44] = 0xF0;  // password offset beyond the record
  CHECK_THROWS_AS(parse_login7(bad), ProtocolError);
  Bytes shorter(login.begin(), login.begin() + 60);
  CHECK_THROWS_AS(parse_login7(shorter), ProtocolError);
  Bytes lying = login;
  lying[0] = 0xFF;  // Length beyond the message
  lying[1] = 0x7F;
  CHECK_THROWS_AS(parse_login7(lying), ProtocolError);
}

TEST_CASE("PRELOGIN parsing and the encryption negotiation table", "[tds][codec]") {
  PreloginRequest p = parse_prelogin(tdstest::raw::prelogin(0x01));
  CHECK(p.encryption == encrypt::kOn);
  CHECK(p.instance == "MSSQLServer");
  CHECK(p.version == 0x09000000);
  CHECK_THROWS_AS(parse_prelogin(hex("01 0010 0001 ff")), ProtocolError);
  CHECK_THROWS_AS(parse_prelogin(hex("4745 5420 2f20")), ProtocolError);

  using E = Encryption;
  struct Row {
    E server;
    std::uint8_t client, reply;
    TlsUse use;
  };
  const Row rows[] = {
      {E::NotSupported, 0, 2, TlsUse::None}, {E::NotSupported, 1, 2, TlsUse::None},
      {E::NotSupported, 2, 2, TlsUse::None}, {E::Off, 0, 0, TlsUse::LoginOnly},
      {E::Off, 1, 1, TlsUse::Full},          {E::Off, 2, 2, TlsUse::None},
      {E::Off, 3, 1, TlsUse::Full},          {E::On, 0, 1, TlsUse::Full},
      {E::On, 1, 1, TlsUse::Full},           {E::On, 2, 3, TlsUse::Refuse},
      {E::Required, 0, 3, TlsUse::Full},     {E::Required, 1, 3, TlsUse::Full},
      {E::Required, 2, 3, TlsUse::Refuse},   {E::Required, 3, 3, TlsUse::Full},
  };
  for (const auto& r : rows) {
    INFO(encryption_name(r.server) << " x client " << int(r.client));
    auto d = negotiate_encryption(r.server, r.client);
    CHECK(int(d.reply) == int(r.reply));
    CHECK(d.use == r.use);
  }

  ServerIdentity id;
  id.major = 16;
  id.build = 4135;
  Bytes reply = build_prelogin_reply(id, encrypt::kOff);
  // VERSION first: 10 00 10 27 00 00
  std::size_t off = (reply[1] << 8) | reply[2];
  CHECK(Bytes(reply.begin() + off, reply.begin() + off + 6) == hex("10 00 10 27 00 00"));
}

TEST_CASE("token writer: DONE_MORE on all but the last DONE, DONE_ERROR after errors", "[tds][codec]") {
  ServerIdentity id;
  id.name = "SRV";
  TokenWriter tw(id, kTds74);
  ResultSet rs;
  rs.columns = {Column{"echo", SqlType::NVarChar, 4000, true}};
  rs.rows = {{SqlValue::nvarchar("hi")}};
  tw.result_set(rs, false);
  Message m;
  m.number = 15151;
  m.text = "boom";
  tw.message(m);
  tw.done(token::kDone, done_status::kFinal, 0, 0);
  Bytes out = tw.finish(true);
  // COLMETADATA exactly as §3.3 shows it for an nvarchar(4000) column
  CHECK(Bytes(out.begin(), out.begin() + 26) == hex("81 0100 00000000 0100 e7 401f 0904d00034 04 6500630068006f00"));
  // ROW: d1 0400 'h' 'i'
  std::size_t row = 26;
  CHECK(Bytes(out.begin() + row, out.begin() + row + 7) == hex("d1 0400 68006900"));
  // first DONE: COUNT|MORE, SELECT, 1 row
  std::size_t done1 = row + 7;
  CHECK(Bytes(out.begin() + done1, out.begin() + done1 + 13) == hex("fd 1100 c100 0100000000000000"));
  // last DONE: ERROR (after the error token and from failed), no MORE
  CHECK(Bytes(out.end() - 13, out.end()) == hex("fd 0200 0000 0000000000000000"));
  CHECK(out[done1 + 13] == token::kError);
}

TEST_CASE("row encodings: NBCROW for NULLs, PLP for MAX, widening to MAX", "[tds][codec]") {
  std::vector<Column> cols = {Column{"i", SqlType::Int, 0, true}, Column{"b", SqlType::VarBinary, -1, true},
                              Column{"s", SqlType::NVarChar, 2, true}};
  std::vector<std::vector<SqlValue>> rows = {
      {SqlValue::null(SqlType::Int), SqlValue::varbinary({0, 1, 2, 0xFF}), SqlValue::nvarchar("long text")}};
  ColumnFormat fi = column_format(cols[0], rows, 0, kTds74);
  ColumnFormat fb = column_format(cols[1], rows, 1, kTds74);
  ColumnFormat fs = column_format(cols[2], rows, 2, kTds74);
  CHECK(fb.kind == ColumnFormat::Kind::VarBinaryMax);
  CHECK(fs.kind == ColumnFormat::Kind::NVarCharMax);  // "long text" does not fit nvarchar(2)
  ByteWriter w;
  write_value(w, fb, rows[0][1]);
  CHECK(w.buffer() == hex("0400000000000000 04000000 000102ff 00000000"));
  ServerIdentity id;
  TokenWriter tw(id, kTds74);
  tw.row({fi, fb, fs}, rows[0]);
  Bytes out = tw.finish(false);
  CHECK(out[0] == token::kNbcRow);
  CHECK(out[1] == 0x01);  // column 0 is NULL
  // DATETIME2(7) as §3.3
  ColumnFormat fd = column_format(Column{"d", SqlType::DateTime2, 0, true}, {}, 0, kTds74);
  SqlDateTime dt;
  dt.year = 2024, dt.month = 2, dt.day = 29, dt.hour = 13, dt.minute = 45, dt.second = 30, dt.nanosecond = 123456000;
  ByteWriter w2;
  write_value(w2, fd, SqlValue::datetime2(dt));
  CHECK(w2.buffer() == hex("08 800f415273 80460b"));
  // Pre-7.2 clients: varbinary(max) becomes IMAGE, datetime2 text
  CHECK(column_format(cols[1], rows, 1, kTds71).kind == ColumnFormat::Kind::Image);
  CHECK(column_format(Column{"d", SqlType::DateTime2, 0, true}, {}, 0, kTds72).datetime_as_text);
  ByteWriter bad;
  CHECK_THROWS(write_value(bad, fi, SqlValue::nvarchar("not a number")));
}

TEST_CASE("sp_datatype_info_100 table", "[tds][codec]") {
  ResultSet rs = datatype_info_result();
  REQUIRE(rs.columns.size() == 20);
  CHECK(rs.columns[0].name == "TYPE_NAME");
  CHECK(rs.columns[1].name == "DATA_TYPE");
  CHECK(rs.columns[19].name == "USERTYPE");
  REQUIRE(rs.rows.size() == 23);
  bool char_row = false;
  for (const auto& r : rs.rows) {
    REQUIRE(r.size() == 20);
    if (r[0].as_string() == "char") {
      char_row = true;
      CHECK(r[1].as_int64() == 1);
      CHECK(r[2].as_int64() == 8000);
      CHECK(r[5].as_string() == "length");
      CHECK(r[9].is_null());
    }
  }
  CHECK(char_row);
  CHECK(rs.rows[4][0].as_string() == "bit");
  CHECK(rs.rows[4][19].as_int64() == 16);
}
