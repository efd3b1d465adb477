#include "sql/read_only.hpp"

#include <algorithm>
#include <cctype>

namespace milink::sql {

namespace {

enum class Tok { Word, Name, Other };  // Name: @var, #temp, [quoted], "quoted"

struct Token {
  Tok kind;
  std::string text;  ///< upper-cased for words; the character for Other
  std::string raw;   ///< as written
};

bool word_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool word_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c == '@' || c == '#' || c >= 0x80; }

/// Words of the batch, skipping comments and literals.
std::vector<Token> tokenize(const std::string& s) {
  std::vector<Token> out;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (c == '-' && i + 1 < n && s[i + 1] == '-') {
      while (i < n && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      // T-SQL block comments nest.
      int depth = 0;
      while (i < n) {
        if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (s[i] == '*' && i + 1 < n && s[i + 1] == '/') {
          i += 2;
          if (--depth == 0) break;
        } else {
          ++i;
        }
      }
    } else if (c == '\'' || ((c == 'N' || c == 'n') && i + 1 < n && s[i + 1] == '\'')) {
      if (c != '\'') ++i;
      ++i;
      while (i < n) {
        if (s[i] == '\'') {
          if (i + 1 < n && s[i + 1] == '\'') {
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        ++i;
      }
      out.push_back({Tok::Other, "'", "'"});
    } else if (c == '[' || c == '"') {
      char close = c == '[' ? ']' : '"';
      std::size_t b = ++i;
      while (i < n) {
        if (s[i] == close) {
          if (i + 1 < n && s[i + 1] == close) {
            i += 2;
            continue;
          }
          break;
        }
        ++i;
      }
      out.push_back({Tok::Name, s.substr(b, i - b), s.substr(b, i - b)});
      if (i < n) ++i;
    } else if (c == '@' || c == '#') {
      std::size_t b = i++;
      while (i < n && word_char(static_cast<unsigned char>(s[i]))) ++i;
      out.push_back({Tok::Name, s.substr(b, i - b), s.substr(b, i - b)});
    } else if (word_start(c)) {
      std::size_t b = i;
      while (i < n && word_char(static_cast<unsigned char>(s[i]))) ++i;
      std::string raw = s.substr(b, i - b);
      std::string w = raw;
      for (auto& ch : w) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      out.push_back({Tok::Word, w, raw});
    } else if (std::isdigit(c)) {
      while (i < n && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
      out.push_back({Tok::Other, "0", "0"});
    } else {
      out.push_back({Tok::Other, std::string(1, static_cast<char>(c)), std::string(1, static_cast<char>(c))});
      ++i;
    }
  }
  return out;
}

bool in(const std::string& w, std::initializer_list<const char*> list) {
  return std::any_of(list.begin(), list.end(), [&](const char* x) { return w == x; });
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

ReadOnlyVerdict refuse(std::string reason) { return {false, std::move(reason)}; }

}  // namespace

const std::vector<std::string>& read_only_procedures() {
  static const std::vector<std::string> procs = {
      "sp_get_endpoint_certificate",
      "sp_help",
      "sp_helpdb",
      "sp_helpfile",
      "sp_helpserver",
      "sp_helplogins",
      "sp_helpuser",
      "sp_helprole",
      "sp_helprolemember",
      "sp_helpsrvrole",
      "sp_helpsrvrolemember",
      "sp_helprotect",
      "sp_helptext",
      "sp_helpindex",
      "sp_helpconstraint",
      "sp_who",
      "sp_who2",
      "sp_server_info",
      "sp_databases",
      "sp_tables",
      "sp_columns",
      "sp_stored_procedures",
      "sp_describe_first_result_set",
      "sp_describe_undeclared_parameters",
      "sp_readerrorlog",
      "xp_msver",
  };
  return procs;
}

ReadOnlyVerdict check_read_only(const std::string& sql) {
  std::vector<Token> toks = tokenize(sql);
  auto first = std::find_if(toks.begin(), toks.end(), [](const Token& t) { return t.kind != Tok::Other; });
  if (first == toks.end()) return refuse("it contains no statement");
  if (first->kind != Tok::Word ||
      !in(first->text, {"SELECT", "WITH", "DECLARE", "SET", "IF", "WHILE", "BEGIN", "PRINT", "USE", "EXEC", "EXECUTE",
                        "DBCC"}))
    return refuse("it starts with " + (first->kind == Tok::Word ? first->text : std::string("\"") + first->text + "\"") +
                  ", not SELECT, WITH, DECLARE, SET, EXEC or DBCC TRACESTATUS");

  for (std::size_t i = 0; i < toks.size(); ++i) {
    const Token& t = toks[i];
    if (t.kind != Tok::Word) continue;
    const std::string& w = t.text;
    if (in(w, {"INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "ALTER", "DROP", "TRUNCATE", "GRANT", "REVOKE", "DENY",
               "BACKUP", "RESTORE", "INTO", "BULK", "OPENROWSET", "OPENQUERY", "OPENDATASOURCE", "UPDATETEXT",
               "WRITETEXT", "KILL", "SHUTDOWN", "RECONFIGURE", "CHECKPOINT", "ENABLE", "DISABLE", "ADD", "SEND",
               "RECEIVE", "MOVE", "CONVERSATION", "DIALOG", "SETUSER", "COMMIT", "ROLLBACK", "SAVE", "TRAN",
               "TRANSACTION", "DISTRIBUTED"}))
      return refuse("it contains " + w);
    if (w == "NEXT" && i + 1 < toks.size() && toks[i + 1].kind == Tok::Word && toks[i + 1].text == "VALUE")
      return refuse("it contains NEXT VALUE FOR, which advances a sequence");
    if (w == "DBCC") {
      if (i + 1 >= toks.size() || toks[i + 1].kind != Tok::Word || toks[i + 1].text != "TRACESTATUS")
        return refuse("it runs DBCC " + (i + 1 < toks.size() ? toks[i + 1].text : std::string()) +
                      "; only DBCC TRACESTATUS is read-only");
    }
    if (w == "EXEC" || w == "EXECUTE") {
      std::size_t j = i + 1;
      // EXEC @rc = proc
      if (j + 1 < toks.size() && toks[j].kind == Tok::Name && toks[j].text[0] == '@' && toks[j + 1].text == "=")
        j += 2;
      // [db.][schema.]proc (parts may be quoted; a part may be empty: db..proc)
      std::string last;
      bool any = false;
      while (j < toks.size()) {
        if (toks[j].kind == Tok::Word || (toks[j].kind == Tok::Name && toks[j].text[0] != '@')) {
          last = toks[j].raw;
          any = true;
          ++j;
          if (j < toks.size() && toks[j].text == ".") {
            ++j;
            while (j < toks.size() && toks[j].text == ".") ++j;
            continue;
          }
        }
        break;
      }
      if (!any) return refuse("it runs dynamic SQL (EXEC without a procedure name)");
      std::string proc = lower(last);
      const auto& ok = read_only_procedures();
      if (std::find(ok.begin(), ok.end(), proc) == ok.end())
        return refuse("it runs procedure " + last + ", which is not on milink's list of read-only procedures");
      i = j - 1;
    }
  }
  return {true, {}};
}

}  // namespace milink::sql
