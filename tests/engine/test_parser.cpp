// Tokenizer and parser: SQL Server's syntax errors (102, 156, 343, 105, 113,
// 103, 137, 134, 195, 174, 2715) for malformed input and for GO; a batch
// that does not compile runs nothing.
#include "engine_fixture.hpp"

#include "sql/errors.hpp"
#include "sql/lexer.hpp"
#include "sql/parser.hpp"

using namespace enginetest;
using milink::emulator::sql::SqlError;
using milink::emulator::sql::Token;
using milink::emulator::sql::TokenKind;
using milink::emulator::sql::tokenize;

TEST_CASE("tokenizer: delimited identifiers, literals, variables, comments", "[parser]") {
  auto t = tokenize("SELECT [a]]b], \"q\"\"q\", N'it''s', 'x', 0xAbC, 12, 1.5, 2e3, @v, @@SPID -- c\n/* a /* nested */ b */ x");
  std::vector<std::pair<TokenKind, std::string>> got;
  for (const auto& k : t) got.emplace_back(k.kind, k.text);
  REQUIRE(got.size() == 22);
  CHECK(got[0] == std::make_pair(TokenKind::Identifier, std::string("SELECT")));
  CHECK(got[1] == std::make_pair(TokenKind::QuotedIdentifier, std::string("a]b")));
  CHECK(got[3] == std::make_pair(TokenKind::QuotedIdentifier, std::string("q\"q")));
  CHECK(got[5] == std::make_pair(TokenKind::NString, std::string("it's")));
  CHECK(got[7] == std::make_pair(TokenKind::String, std::string("x")));
  CHECK(got[9].first == TokenKind::Binary);
  CHECK(t[9].bytes == std::vector<std::uint8_t>{0x0A, 0xBC});
  CHECK(got[11] == std::make_pair(TokenKind::Integer, std::string("12")));
  CHECK(got[13] == std::make_pair(TokenKind::Decimal, std::string("1.5")));
  CHECK(got[15] == std::make_pair(TokenKind::Decimal, std::string("2e3")));
  CHECK(got[17] == std::make_pair(TokenKind::Variable, std::string("@v")));
  CHECK(got[19] == std::make_pair(TokenKind::GlobalVariable, std::string("@@SPID")));
  CHECK(got[20] == std::make_pair(TokenKind::Identifier, std::string("x")));
  CHECK(t[20].line == 2);
  CHECK(got[21].first == TokenKind::End);
}

TEST_CASE("tokenizer errors: unclosed quote 105, missing end comment 113, identifier too long 103", "[parser]") {
  Fixture fx;
  const Message& q = single_error(fx.run("SELECT 1\nSELECT 'abc"));
  CHECK(q.number == 105);
  CHECK(q.severity == 15);
  CHECK(q.line == 2);
  CHECK(q.text == "Unclosed quotation mark after the character string 'abc'.");

  const Message& b = single_error(fx.run("SELECT [abc"));
  CHECK(b.number == 105);

  const Message& c = single_error(fx.run("SELECT 1 /* never closed"));
  CHECK(c.number == 113);
  CHECK(c.severity == 15);
  CHECK(c.text == "Missing end comment mark '*/'.");

  std::string longname(129, 'a');
  const Message& l = single_error(fx.run("SELECT 1 AS [" + longname + "]"));
  CHECK(l.number == 103);
  CHECK(l.text == "The identifier that starts with '" + std::string(128, 'a') + "' is too long. Maximum length is 128.");
}

TEST_CASE("GO is a client batch separator, not T-SQL: a server rejects it with 102 and runs nothing", "[parser]") {
  Fixture fx;
  Response r = fx.run("USE MASTER\nCREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'\nGO\n");
  const Message& m = single_error(r);
  CHECK(m.number == 102);
  CHECK(m.severity == 15);
  CHECK(m.line == 3);
  CHECK(m.text == "Incorrect syntax near 'GO'.");
  CHECK_FALSE(fx.world.sql_server.master().master_key.has_value());

  CHECK(single_error(fx.run("SELECT * FROM sys.certificates\nGO")).number == 102);
  CHECK(single_error(fx.run("SELECT 1; GO")).number == 102);
  CHECK(single_error(fx.run("go")).text == "Incorrect syntax near 'go'.");
  // GO as a delimited identifier or an explicit alias is just a name
  Response alias = fx.ok("SELECT 1 AS GO, 2 AS [GO]");
  CHECK(only_set(alias).columns.at(0).name == "GO");
}

TEST_CASE("syntax errors: 102 near a token, 156 near a keyword, with the line, nothing runs", "[parser]") {
  Fixture fx;
  const Message& a = single_error(fx.run("SELECT * FROM"));
  CHECK(a.number == 156);
  CHECK(a.text == "Incorrect syntax near the keyword 'FROM'.");
  const Message& b = single_error(fx.run("SELECT 1 +"));
  CHECK(b.number == 102);
  CHECK(b.text == "Incorrect syntax near '+'.");
  const Message& c = single_error(fx.run("SELECT 1\n\nSELECT name FROM WHERE"));
  CHECK(c.number == 156);
  CHECK(c.line == 3);
  CHECK(c.text == "Incorrect syntax near the keyword 'WHERE'.");
  const Message& d = single_error(fx.run("CREATE TABLE t (a int)"));
  CHECK(d.number == 156);
  CHECK(d.text == "Incorrect syntax near the keyword 'TABLE'.");
  const Message& e = single_error(fx.run("EXEC sp_executesql N'SELECT 1' + N'2'"));
  CHECK(e.number == 102);
  CHECK(e.text == "Incorrect syntax near '+'.");
  // DDL takes literals only
  const Message& f = single_error(fx.run("DECLARE @pw nvarchar(100) = N'x'\nCREATE MASTER KEY ENCRYPTION BY PASSWORD = @pw"));
  CHECK(f.number == 102);
  CHECK(f.line == 2);
  CHECK(f.text == "Incorrect syntax near '@pw'.");
  // the first statement is fine, the second is not: the batch does not run
  Response g = fx.run("CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Str0ng!Passw0rd#1'; SELECT 1 FROM FROM");
  CHECK(single_error(g).number == 156);
  CHECK_FALSE(fx.world.sql_server.master().master_key.has_value());
  CHECK(result_sets(g).empty());
  // a statement the emulator does not run is a syntax error too
  CHECK(single_error(fx.run("INSERT INTO t VALUES (1)")).number == 156);
  CHECK(single_error(fx.run("SELECT name FROM sys.databases GROUP BY name")).number == 156);
  CHECK(single_error(fx.run("CREATE CERTIFICATE c WITH SUBJECT = 's' EXTRA")).text == "Incorrect syntax near 'EXTRA'.");
}

TEST_CASE("343 for an unknown object type in CREATE, ALTER, DROP", "[parser]") {
  Fixture fx;
  const Message& a = single_error(fx.run("CREATE ENDPOINTX foo"));
  CHECK(a.number == 343);
  CHECK(a.severity == 15);
  CHECK(a.text == "Unknown object type 'ENDPOINTX' used in a CREATE, DROP, or ALTER statement.");
  CHECK(single_error(fx.run("DROP WIDGET w")).text == "Unknown object type 'WIDGET' used in a CREATE, DROP, or ALTER statement.");
  CHECK(single_error(fx.run("ALTER GADGET g")).number == 343);
  // known but not emulated types are plain syntax errors
  CHECK(single_error(fx.run("CREATE LOGIN x WITH PASSWORD = 'y'")).number == 102);
}

TEST_CASE("compile errors: 137 undeclared variable, 134 duplicate, 195 unknown function or SET option, 174, 2715",
          "[parser]") {
  Fixture fx;
  const Message& a = single_error(fx.run("SELECT 1\nSELECT @nosuch"));
  CHECK(a.number == 137);
  CHECK(a.severity == 15);
  CHECK(a.line == 2);
  CHECK(a.text == "Must declare the scalar variable \"@nosuch\".");
  CHECK(result_sets(fx.run("SELECT 1\nSELECT @nosuch")).empty());
  CHECK(single_error(fx.run("SELECT @@NOSUCH")).text == "Must declare the scalar variable \"@@NOSUCH\".");
  const Message& b = single_error(fx.run("DECLARE @a int\nDECLARE @A int"));
  CHECK(b.number == 134);
  CHECK(b.text ==
        "The variable name '@A' has already been declared. Variable names must be unique within a query batch or "
        "stored procedure.");
  const Message& c = single_error(fx.run("SELECT nosuchfn(1)"));
  CHECK(c.number == 195);
  CHECK(c.text == "'nosuchfn' is not a recognized built-in function name.");
  const Message& d = single_error(fx.run("SELECT ISNULL(1)"));
  CHECK(d.number == 174);
  CHECK(d.text == "The isnull function requires 2 argument(s).");
  const Message& e = single_error(fx.run("DECLARE @a int, @b nosuchtype"));
  CHECK(e.number == 2715);
  CHECK(e.severity == 16);
  CHECK(e.text == "Column, parameter, or variable #2: Cannot find data type nosuchtype.");
  const Message& f = single_error(fx.run("SET NOSUCHOPTION ON"));
  CHECK(f.number == 195);
  CHECK(f.text == "'NOSUCHOPTION' is not a recognized SET option.");
  const Message& g = single_error(fx.run("DECLARE @a int\nSELECT @a = 1, name FROM sys.databases"));
  CHECK(g.number == 141);
  // a variable declared later in the batch is not visible before
  CHECK(single_error(fx.run("SELECT @late\nDECLARE @late int")).number == 137);
}

TEST_CASE("hostile and unicode names are names, never code", "[parser]") {
  Fixture fx;
  Response r = fx.ok("SELECT 1 AS [db]]; DROP DATABASE x; --], 2 AS [O'Brien], 3 AS [Zertifikat_Ä_证书], N'O''Brien' AS s");
  const ResultSet& rs = only_set(r);
  CHECK(rs.columns.at(0).name == "db]; DROP DATABASE x; --");
  CHECK(rs.columns.at(1).name == "O'Brien");
  CHECK(rs.columns.at(2).name == "Zertifikat_Ä_证书");
  CHECK(rs.rows.at(0).at(3).as_string() == "O'Brien");
  // nothing was dropped or created
  CHECK(fx.world.sql_server.databases.size() == 6);
}

TEST_CASE("parse_parameter_declarations reads sp_executesql parameter lists", "[parser]") {
  auto p = milink::emulator::sql::parse_parameter_declarations("@a int, @b nvarchar(10) OUTPUT, @c varbinary(max)");
  REQUIRE(p.size() == 3);
  CHECK(p[0].name == "@a");
  CHECK(p[1].type.name() == "nvarchar(10)");
  CHECK(p[1].output);
  CHECK(p[2].type.name() == "varbinary(max)");
  CHECK_THROWS_AS(milink::emulator::sql::parse_parameter_declarations("@a"), SqlError);
}

TEST_CASE("nesting too deep is 191 and an operator chain too long is 8631, not a stack overflow", "[parser][limits]") {
  Fixture fx;
  const std::string nested_text =
      "Some part of your SQL statement is nested too deeply. Rewrite the query or break it up into smaller queries.";
  // 7,000 nested parentheses.
  const Message& parens = single_error(fx.run("SELECT " + std::string(7000, '(') + "1" + std::string(7000, ')')));
  CHECK(parens.number == 191);
  CHECK(parens.severity == 15);
  CHECK(parens.text == nested_text);
  // NOT NOT NOT ..., nested subqueries and nested IF statements count too.
  std::string nots = "SELECT 1 WHERE ";
  for (int i = 0; i < 5000; ++i) nots += "NOT ";
  CHECK(single_error(fx.run(nots + "1 = 1")).number == 191);
  std::string sub = "SELECT 1";
  for (int i = 0; i < 300; ++i) sub = "SELECT (" + sub + ")";
  CHECK(single_error(fx.run(sub)).number == 191);
  std::string ifs = "PRINT 'x'";
  for (int i = 0; i < 3000; ++i) ifs = "IF 1 = 1 " + ifs;
  CHECK(single_error(fx.run(ifs)).number == 191);

  // 40,000 terms joined by + or AND: no nesting, a tree 40,000 levels tall.
  std::string sum = "SELECT 1";
  for (int i = 1; i < 40000; ++i) sum += "+1";
  const Message& chain = single_error(fx.run(sum));
  CHECK(chain.number == 8631);
  CHECK(chain.severity == 17);
  CHECK(chain.text == "Internal error: Server stack limit has been reached. Please look for potentially deep nesting "
                      "in your query, and try to simplify it.");
  std::string ands = "SELECT 1 WHERE 1 = 1";
  for (int i = 1; i < 40000; ++i) ands += " AND 1 = 1";
  CHECK(single_error(fx.run(ands)).number == 8631);
  // Chains in nested subqueries add up.
  std::string tall = "1";
  for (int i = 0; i < 20; ++i) {
    std::string inner = "SELECT " + tall;
    for (int k = 0; k < 60; ++k) inner += "+1";
    tall = "(" + inner + ")";
  }
  CHECK(single_error(fx.run("SELECT " + tall)).number == 8631);

  // Within the limits, it runs.
  std::string ok = "SELECT 1";
  for (int i = 1; i < 500; ++i) ok += "+1";
  fx.ok(ok);
  fx.ok("SELECT " + std::string(100, '(') + "1" + std::string(100, ')'));
}
