// Connection strings from config targets: driver variants, escaping,
// redaction, missing keys.
#include "sql/connection_string.hpp"
#include "sql/target_settings.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

using milink::sdk::Object;
using milink::sdk::Value;
using namespace milink::sql;

namespace {

Object target(std::initializer_list<Object::Member> extra = {}) {
  Object o{{"host", Value("sql01.contoso.com")}, {"port", Value(1533)}, {"user", Value("milink")},
           {"password", Value("S3cr3t!pw")}};
  for (const auto& m : extra) o.set(m.first, m.second);
  return o;
}

TargetSettings settings(const Object& o, const std::string& name = "sqlserver") {
  TargetSettings t;
  std::string error;
  REQUIRE(read_target_settings(name, o, t, error));
  REQUIRE(error.empty());
  return t;
}

ConnectionString build(const TargetSettings& t) {
  ConnectionString cs;
  std::string error;
  REQUIRE(build_connection_string(t, cs, error));
  return cs;
}

}  // namespace

TEST_CASE("FreeTDS connection string has the keywords FreeTDS understands") {
  ConnectionString cs = build(settings(target()));
  CHECK(cs.text ==
        "Driver={FreeTDS};Server=sql01.contoso.com;Port=1533;UID=milink;PWD=S3cr3t!pw;TDS_Version=7.4;"
        "ClientCharset=UTF-8;Encryption=request;APP=milink;");
  CHECK(cs.redacted ==
        "Driver={FreeTDS};Server=sql01.contoso.com;Port=1533;UID=milink;PWD=***;TDS_Version=7.4;"
        "ClientCharset=UTF-8;Encryption=request;APP=milink;");
  CHECK(cs.redacted.find("S3cr3t") == std::string::npos);
}

TEST_CASE("encryption setting becomes FreeTDS's Encryption keyword") {
  for (const char* mode : {"off", "request", "require"}) {
    ConnectionString cs = build(settings(target({{"encryption", Value(mode)}})));
    CHECK(cs.text.find(std::string("Encryption=") + mode + ";") != std::string::npos);
    CHECK(cs.text.find("Encrypt=") == std::string::npos);
  }
  // Upper case in the config is accepted.
  CHECK(build(settings(target({{"encryption", Value("Require")}}))).text.find("Encryption=require;") !=
        std::string::npos);
}

TEST_CASE("ODBC Driver 18 gets its own keywords") {
  TargetSettings t = settings(target({{"driver", Value("ODBC Driver 18 for SQL Server")}}));
  CHECK(driver_kind(t.driver) == DriverKind::Microsoft);
  ConnectionString cs = build(t);
  CHECK(cs.text ==
        "Driver={ODBC Driver 18 for SQL Server};Server=tcp:sql01.contoso.com,1533;UID=milink;PWD=S3cr3t!pw;"
        "Encrypt=yes;APP=milink;");
  CHECK(cs.text.find("TrustServerCertificate") == std::string::npos);
  CHECK(cs.text.find("TDS_Version") == std::string::npos);
  CHECK(cs.text.find("ClientCharset") == std::string::npos);

  CHECK(build(settings(target({{"driver", Value("ODBC Driver 18 for SQL Server")}, {"encryption", Value("off")}})))
            .text.find("Encrypt=no;") != std::string::npos);
  CHECK(build(settings(target({{"driver", Value("ODBC Driver 18 for SQL Server")}, {"encryption", Value("strict")}})))
            .text.find("Encrypt=strict;") != std::string::npos);
  // TrustServerCertificate only when the user wrote it.
  ConnectionString trusted = build(settings(target({{"driver", Value("ODBC Driver 18 for SQL Server")},
                                                    {"connection_string", Value("TrustServerCertificate=yes")}})));
  CHECK(trusted.text.find("TrustServerCertificate=yes;") != std::string::npos);
  CHECK(trusted.redacted.find("TrustServerCertificate=yes;") != std::string::npos);
}

TEST_CASE("driver kind recognises Microsoft's drivers and defaults to FreeTDS keywords") {
  CHECK(driver_kind("FreeTDS") == DriverKind::FreeTDS);
  CHECK(driver_kind("/usr/lib/x86_64-linux-gnu/odbc/libtdsodbc.so") == DriverKind::FreeTDS);
  CHECK(driver_kind("ODBC Driver 17 for SQL Server") == DriverKind::Microsoft);
  CHECK(driver_kind("/opt/microsoft/msodbcsql18/lib64/libmsodbcsql-18.3.so.2.1") == DriverKind::Microsoft);
  CHECK(driver_kind("SomeOtherDriver") == DriverKind::FreeTDS);
}

TEST_CASE("strict encryption is refused for FreeTDS with a remedy") {
  TargetSettings t = settings(target({{"encryption", Value("strict")}}));
  ConnectionString cs;
  std::string error;
  CHECK_FALSE(build_connection_string(t, cs, error));
  CHECK(error.find("/sqlserver/encryption") != std::string::npos);
  CHECK(error.find("ODBC Driver 18") != std::string::npos);
}

TEST_CASE("values with , { } or edge spaces are brace-quoted") {
  std::string out;
  REQUIRE(quote_value("plain", DriverKind::FreeTDS, out));
  CHECK(out == "plain");
  REQUIRE(quote_value("a;b", DriverKind::FreeTDS, out));
  CHECK(out == "{a;b}");
  REQUIRE(quote_value("a}b", DriverKind::Microsoft, out));
  CHECK(out == "{a}}b}");
  // FreeTDS does not unescape "}}": a single '}' stays single.
  REQUIRE(quote_value("a}b", DriverKind::FreeTDS, out));
  CHECK(out == "{a}b}");
  REQUIRE(quote_value("{x", DriverKind::Microsoft, out));
  CHECK(out == "{{x}");
  REQUIRE(quote_value(" lead", DriverKind::FreeTDS, out));
  CHECK(out == "{ lead}");
  REQUIRE(quote_value("p=w", DriverKind::FreeTDS, out));
  CHECK(out == "p=w");
  // FreeTDS ends a braced value at the first "};".
  CHECK_FALSE(quote_value("x};y", DriverKind::FreeTDS, out));
  REQUIRE(quote_value("x};y", DriverKind::Microsoft, out));
  CHECK(out == "{x}};y}");
}

TEST_CASE("a password with , is quoted and still redacted") {
  ConnectionString cs = build(settings(target({{"password", Value("pa;ss{word")}})));
  CHECK(cs.text.find("PWD={pa;ss{word};") != std::string::npos);
  CHECK(cs.redacted.find("pa;ss") == std::string::npos);
  CHECK(cs.redacted.find("PWD=***;") != std::string::npos);

  // Round trip through the ODBC-syntax parser.
  std::vector<Keyword> kws;
  std::string error;
  REQUIRE(parse_keywords(cs.text, kws, error));
  bool found = false;
  for (const auto& k : kws)
    if (k.key == "PWD") {
      found = true;
      CHECK(k.value == "pa;ss{word");
    }
  CHECK(found);
}

TEST_CASE("a password FreeTDS cannot take is an error that does not show it") {
  TargetSettings t = settings(target({{"password", Value("bad};pw")}}));
  ConnectionString cs;
  std::string error;
  CHECK_FALSE(build_connection_string(t, cs, error));
  CHECK(error.find("/sqlserver/password") != std::string::npos);
  CHECK(error.find("bad}") == std::string::npos);
}

TEST_CASE("connection_string keywords are appended, override defaults, and are redacted unless harmless") {
  ConnectionString cs = build(settings(target({{"connection_string", Value("Database={my db};TDS_Version=7.3;"
                                                                             "AccessToken=tok123;")}})));
  CHECK(cs.text.find("TDS_Version=7.3;") != std::string::npos);
  CHECK(cs.text.find("TDS_Version=7.4") == std::string::npos);
  CHECK(cs.text.find("Database=my db;") != std::string::npos);
  CHECK(cs.text.find("AccessToken=tok123;") != std::string::npos);
  CHECK(cs.redacted.find("Database=my db;") != std::string::npos);
  CHECK(cs.redacted.find("AccessToken=***;") != std::string::npos);
  CHECK(cs.redacted.find("tok123") == std::string::npos);
  // Overriding Encryption from connection_string replaces milink's value in place.
  ConnectionString enc = build(settings(target({{"connection_string", Value("Encryption=require")}})));
  CHECK(enc.text.find("Encryption=require;") != std::string::npos);
  CHECK(enc.text.find("Encryption=request") == std::string::npos);
}

TEST_CASE("connection_string may not set what has its own config key") {
  for (const char* kw : {"Server=x", "PWD=x", "UID=y", "Port=1", "Driver={x}"}) {
    TargetSettings t = settings(target({{"connection_string", Value(kw)}}));
    ConnectionString cs;
    std::string error;
    CHECK_FALSE(build_connection_string(t, cs, error));
    CHECK(error.find("/sqlserver/connection_string") != std::string::npos);
  }
}

TEST_CASE("malformed connection_string is reported without its text") {
  Object o = target({{"connection_string", Value("Database=x;secretvalue")}});
  TargetSettings t;
  std::string error;
  CHECK_FALSE(read_target_settings("sqlserver", o, t, error));
  CHECK(error.find("/sqlserver/connection_string") != std::string::npos);
  CHECK(error.find("secretvalue") == std::string::npos);

  std::vector<Keyword> kws;
  CHECK_FALSE(parse_keywords("A={unclosed", kws, error));
  CHECK_FALSE(parse_keywords("A={x}y;B=1", kws, error));
  REQUIRE(parse_keywords(" A = 1 ;; B={x}}y} ; ", kws, error));
  REQUIRE(kws.size() == 2);
  CHECK(kws[0].key == "A");
  CHECK(kws[0].value == "1");
  CHECK(kws[1].value == "x}y");
}

TEST_CASE("missing host, user or password names the config key") {
  TargetSettings t;
  std::string error;
  Object no_host{{"user", Value("u")}, {"password", Value("p")}};
  CHECK_FALSE(read_target_settings("managed_instance", no_host, t, error));
  CHECK(error.find("/managed_instance/host") != std::string::npos);

  Object no_user{{"host", Value("h")}, {"password", Value("p")}};
  CHECK_FALSE(read_target_settings("sqlserver", no_user, t, error));
  CHECK(error.find("/sqlserver/user") != std::string::npos);

  Object no_password{{"host", Value("h")}, {"user", Value("u")}};
  CHECK_FALSE(read_target_settings("sqlserver", no_password, t, error));
  CHECK(error.find("/sqlserver/password") != std::string::npos);

  // Integrated authentication needs neither.
  Object integrated{{"host", Value("h")}, {"connection_string", Value("Trusted_Connection=yes")}};
  CHECK(read_target_settings("sqlserver", integrated, t, error));
}

TEST_CASE("bad port, timeout and encryption values are reported") {
  TargetSettings t;
  std::string error;
  CHECK_FALSE(read_target_settings("sqlserver", target({{"port", Value(70000)}}), t, error));
  CHECK(error.find("/sqlserver/port") != std::string::npos);
  CHECK_FALSE(read_target_settings("sqlserver", target({{"port", Value(true)}}), t, error));
  CHECK(error.find("/sqlserver/port") != std::string::npos);
  CHECK_FALSE(read_target_settings("sqlserver", target({{"timeout_seconds", Value(0)}}), t, error));
  CHECK(error.find("/sqlserver/timeout_seconds") != std::string::npos);
  CHECK_FALSE(read_target_settings("sqlserver", target({{"encryption", Value("maybe")}}), t, error));
  CHECK(error.find("/sqlserver/encryption") != std::string::npos);
  CHECK_FALSE(read_target_settings("sqlserver", target({{"host", Value(5)}}), t, error));
  CHECK(error.find("/sqlserver/host") != std::string::npos);
  // A port given as a string of digits is accepted.
  REQUIRE(read_target_settings("sqlserver", target({{"port", Value("1444")}}), t, error));
  CHECK(t.port == 1444);
}

TEST_CASE("timeouts default to 30 s login and 120 s per statement") {
  TargetSettings t = settings(target());
  CHECK(t.port == 1533);
  CHECK(t.driver == "FreeTDS");
  CHECK(t.login_timeout_seconds() == 30);
  CHECK(t.query_timeout_seconds() == 120);
  TargetSettings quick = settings(target({{"timeout_seconds", Value(5)}}));
  CHECK(quick.login_timeout_seconds() == 5);
  CHECK(quick.query_timeout_seconds() == 5);
  TargetSettings slow = settings(target({{"timeout_seconds", Value(600)}}));
  CHECK(slow.login_timeout_seconds() == 30);
  CHECK(slow.query_timeout_seconds() == 600);
  CHECK(settings(Object{{"host", Value("h")}, {"user", Value("u")}, {"password", Value("p")}}).port == 1433);
}

TEST_CASE("scrub_secrets removes plain and brace-quoted secrets") {
  std::string text = "PWD={pa;ss}; and pa;ss and PWD={x}}y}; and x}y";
  std::string out = scrub_secrets(text, {"pa;ss", "x}y", ""});
  CHECK(out.find("pa;ss") == std::string::npos);
  CHECK(out.find("x}y") == std::string::npos);
  CHECK(out.find("x}}y") == std::string::npos);
  CHECK(out.find("***") != std::string::npos);
}

TEST_CASE("connection_string secrets: sensitive values and the whole string, nothing for harmless keywords") {
  CHECK(connection_string_secrets("Database=db1;TDS_Version=7.3").empty());
  auto s = connection_string_secrets("Database=db1;AccessToken={a;b}");
  REQUIRE(s.size() == 2);
  CHECK(s[0] == "a;b");
  CHECK(s[1] == "Database=db1;AccessToken={a;b}");
  CHECK(connection_string_secrets("").empty());
  // Unparsable: the whole string is treated as secret.
  CHECK(connection_string_secrets("garbage{") == std::vector<std::string>{"garbage{"});
  CHECK(sensitive_keyword("PWD"));
  CHECK(sensitive_keyword("SomethingNew"));
  CHECK_FALSE(sensitive_keyword("database"));
}

// ---- certificate verification ----------------------------------------------

TEST_CASE("the managed instance verifies its certificate by default, sqlserver when ca_file is set") {
  TargetSettings mi = settings(target(), "managed_instance");
  CHECK(mi.verify_certificate);
  CHECK(mi.ca_file.empty());
  CHECK_FALSE(settings(target()).verify_certificate);  // SQL Server: often self-signed, as FreeTDS did before
  CHECK(settings(target({{"ca_file", Value("/etc/milink/ca.pem")}})).verify_certificate);
  CHECK(settings(target({{"trust_server_certificate", Value(false)}})).verify_certificate);
}

TEST_CASE("a relative ca_file is relative to the config file") {
  TargetSettings t;
  std::string error;
  REQUIRE(read_target_settings("managed_instance", target({{"ca_file", Value("certs/../ca.pem")}}), t, error,
                               "/etc/milink/milink.json"));
  CHECK(t.ca_file == "/etc/milink/ca.pem");
}

TEST_CASE("a verified FreeTDS target connects through a freetds.conf section with the CA and the host check") {
  TargetSettings t = settings(target({{"ca_file", Value("/etc/milink/ca.pem")}, {"encryption", Value("require")}}),
                              "managed_instance");
  ConnectionString cs = build(t);
  CHECK(cs.text.find("Server=") == std::string::npos);
  auto at = cs.text.find("Servername=milink_verify_");
  REQUIRE(at != std::string::npos);
  std::string section = cs.text.substr(at + 11, cs.text.find(';', at) - at - 11);
  CHECK(cs.text.find("Encryption=require;") != std::string::npos);

  const char* conf = std::getenv("FREETDSCONF");
  REQUIRE(conf != nullptr);
  std::ifstream in(conf);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto start = text.find("[" + section + "]");
  REQUIRE(start != std::string::npos);
  std::string body = text.substr(start, text.find('[', start + 1) - start);
  CHECK(body.find("host = sql01.contoso.com\n") != std::string::npos);
  CHECK(body.find("port = 1533\n") != std::string::npos);
  CHECK(body.find("ca file = /etc/milink/ca.pem\n") != std::string::npos);
  CHECK(body.find("check certificate hostname = yes\n") != std::string::npos);
  CHECK(body.find("encryption = require\n") != std::string::npos);
  // The same target again reuses its section; without ca_file: the system CAs.
  CHECK(build(t).text == cs.text);
  ConnectionString sys = build(settings(target(), "managed_instance"));
  CHECK(sys.text != cs.text);
}

TEST_CASE("verification cannot be turned off for the managed instance") {
  TargetSettings t;
  std::string error;
  CHECK_FALSE(read_target_settings("managed_instance", target({{"trust_server_certificate", Value(true)}}), t, error));
  CHECK(error ==
        "config /managed_instance/trust_server_certificate is true, but milink always verifies the managed "
        "instance's certificate (a real instance's is publicly trusted); remove the key, and if the instance's CA "
        "is not in this machine's trust store set /managed_instance/ca_file to it");

  ConnectionString cs;
  TargetSettings mi = settings(target({{"connection_string", Value("TrustServerCertificate=yes")}}), "managed_instance");
  CHECK_FALSE(build_connection_string(mi, cs, error));
  CHECK(error ==
        "config /managed_instance/connection_string sets TrustServerCertificate, which would skip verifying the "
        "certificate of managed_instance; remove it (milink always verifies the managed instance)");
}

TEST_CASE("trust_server_certificate: contradictions and types are refused") {
  TargetSettings t;
  std::string error;
  CHECK_FALSE(read_target_settings(
      "sqlserver", target({{"trust_server_certificate", Value(true)}, {"ca_file", Value("/ca.pem")}}), t, error));
  CHECK(error ==
        "config /sqlserver/trust_server_certificate is true, which skips verification, but /sqlserver/ca_file names "
        "a CA to verify with; remove one of them");
  CHECK_FALSE(read_target_settings("sqlserver", target({{"trust_server_certificate", Value("yes")}}), t, error));
  CHECK(error == "config /sqlserver/trust_server_certificate must be true or false, not string");
  CHECK_FALSE(read_target_settings("sqlserver", target({{"ca_file", Value("/ca.pem")}, {"encryption", Value("off")}}),
                                   t, error));
  CHECK(error ==
        "config /sqlserver/encryption is off, so there is no TLS certificate to verify with /sqlserver/ca_file; set "
        "encryption to request or require");
}

TEST_CASE("ODBC Driver 18: verification is the driver's own, TrustServerCertificate only when the config says so") {
  const Value ms("ODBC Driver 18 for SQL Server");
  ConnectionString mi = build(settings(target({{"driver", ms}}), "managed_instance"));
  CHECK(mi.text.find("Encrypt=yes;") != std::string::npos);
  CHECK(mi.text.find("TrustServerCertificate") == std::string::npos);
  ConnectionString trusted = build(settings(target({{"driver", ms}, {"trust_server_certificate", Value(true)}})));
  CHECK(trusted.text.find("Encrypt=yes;TrustServerCertificate=yes;") != std::string::npos);
  CHECK(build(settings(target({{"driver", ms}}))).text.find("TrustServerCertificate") == std::string::npos);

  ConnectionString cs;
  std::string error;
  CHECK_FALSE(build_connection_string(settings(target({{"driver", ms}, {"ca_file", Value("/ca.pem")}}), "managed_instance"),
                                      cs, error));
  CHECK(error ==
        "config /managed_instance/ca_file is set, but ODBC Driver 18 for SQL Server takes no CA file: it verifies "
        "against this machine's trust store. Add the CA there (/usr/local/share/ca-certificates, then "
        "update-ca-certificates) and remove /managed_instance/ca_file, or use the FreeTDS driver");
}
