// RAISERROR, THROW and WAITFOR DELAY in the emulator's T-SQL.
#include "engine_fixture.hpp"

#include <string>

using namespace enginetest;

TEST_CASE("RAISERROR: severity 10 and below is an informational message numbered 50000", "[messages]") {
  Fixture fx;
  Response r = fx.ok("RAISERROR('copied %d of %d pages of %s', 10, 1, 5, 12, N'sales') WITH NOWAIT\nPRINT 'after'");
  auto msgs = infos(r);
  REQUIRE(msgs.size() == 2);
  CHECK(msgs[0].number == 50000);
  CHECK(msgs[0].severity == 10);
  CHECK(msgs[0].state == 1);
  CHECK(msgs[0].line == 1);
  CHECK(msgs[0].text == "copied 5 of 12 pages of sales");
  CHECK(msgs[1].text == "after");
  CHECK_FALSE(r.failed);
  CHECK(infos(fx.ok("RAISERROR('quiet', 0, 1)")).at(0).severity == 0);
}

TEST_CASE("RAISERROR: severity 11-18 is error 50000 and the batch goes on", "[messages]") {
  Fixture fx;
  Response r = fx.run("DECLARE @db sysname = N'sales'\nRAISERROR(N'database %s is not ready', 16, 3, @db)\n"
                      "PRINT 'still running'\nSELECT @@ERROR");
  const Message& e = single_error(r);
  CHECK(e.number == 50000);
  CHECK(e.severity == 16);
  CHECK(e.state == 3);
  CHECK(e.line == 2);
  CHECK(e.text == "database sales is not ready");
  CHECK(r.failed);
  REQUIRE(infos(r).size() == 1);
  CHECK(infos(r)[0].text == "still running");
  CHECK(scalar(r).as_int64() == 0);  // @@ERROR after the PRINT that succeeded
  // out-of-range severities: below 0 counts as 0, above 18 needs WITH LOG
  CHECK(infos(fx.ok("RAISERROR('negative', -5, 1)")).at(0).severity == 0);
  const Message& no_log = single_error(fx.run("RAISERROR('fatal', 20, 1)"));
  CHECK(no_log.number == 2754);
  CHECK(no_log.text ==
        "Error severity levels greater than 18 can only be specified by members of the sysadmin role, using the WITH "
        "LOG option.");
  CHECK(single_error(fx.run("RAISERROR('logged', 19, 1) WITH LOG")).severity == 19);
  CHECK(single_error(fx.run("RAISERROR('state', 16, -4)")).state == 1);
}

TEST_CASE("RAISERROR: printf-style substitution", "[messages]") {
  Fixture fx;
  auto text = [&](const std::string& call) { return single_error(fx.run(call)).text; };
  CHECK(text("RAISERROR('[%5d|%-5d|%05d|%+d]', 16, 1, 42, 42, 42, 42)") == "[   42|42   |00042|+42]");
  CHECK(text("RAISERROR('%x %X %o %u %i', 16, 1, 255, 255, 8, 7, -3)") == "ff FF 10 7 -3");
  CHECK(text("RAISERROR('<<%7.3s>>', 16, 1, 'abcde')") == "<<    abc>>");
  CHECK(text("RAISERROR('%*d|%.*s', 16, 1, 4, 7, 2, 'xyz')") == "   7|xy");
  CHECK(text("RAISERROR('100%% done, %I64d rows, %ld', 16, 1, 5, 6)") == "100% done, 5 rows, 6");
  CHECK(text("RAISERROR('missing %s and %d', 16, 1, 'one')") == "missing one and (null)");
  CHECK(text("RAISERROR('null %s', 16, 1, NULL)") == "null (null)");
  CHECK(text("RAISERROR('not a spec: %q', 16, 1)") == "not a spec: %q");
  std::string longer(3000, 'x');
  std::string cut = text("RAISERROR('" + longer + "', 16, 1)");
  CHECK(cut.size() == 2047);
  CHECK(cut.substr(2044) == "...");
  const Message& wrong = single_error(fx.run("RAISERROR('%d', 16, 1, 'text')"));
  CHECK(wrong.number == 2786);
  CHECK(wrong.text == "The data type of substitution parameter 1 does not match the expected type of the format "
                      "specification.");
  CHECK(single_error(fx.run("RAISERROR('%s', 16, 1, 5)")).number == 2786);
}

TEST_CASE("RAISERROR: message numbers (no sp_addmessage: 18054), 2732 and syntax", "[messages]") {
  Fixture fx;
  const Message& missing = single_error(fx.run("RAISERROR(50001, 16, 2)"));
  CHECK(missing.number == 18054);
  CHECK(missing.severity == 16);
  CHECK(missing.state == 2);
  CHECK(missing.text ==
        "Error 50001, severity 16, state 2 was raised, but no message with that error number was found in "
        "sys.messages. If error is larger than 50000, make sure the user-defined message is added using "
        "sp_addmessage.");
  const Message& invalid = single_error(fx.run("RAISERROR(50000, 16, 1)"));
  CHECK(invalid.number == 2732);
  CHECK(invalid.text ==
        "Error number 50000 is invalid. The number must be from 13000 through 2147483647 and it cannot be 50000.");
  CHECK(single_error(fx.run("RAISERROR(12, 16, 1)")).number == 2732);
  CHECK(single_error(fx.run("RAISERROR('x', 16)")).text == "Incorrect syntax near ')'.");
  CHECK(single_error(fx.run("RAISERROR('x', 16, 1) WITH FAST")).text == "Incorrect syntax near 'FAST'.");
}

TEST_CASE("THROW: error number >= 50000 at severity 16 ends the batch", "[messages]") {
  Fixture fx;
  Response r = fx.run("PRINT 'before';\nTHROW 51000, N'The record does not exist.', 7;\nPRINT 'after'");
  const Message& e = single_error(r);
  CHECK(e.number == 51000);
  CHECK(e.severity == 16);
  CHECK(e.state == 7);
  CHECK(e.line == 2);
  CHECK(e.text == "The record does not exist.");
  REQUIRE(infos(r).size() == 1);
  CHECK(infos(r)[0].text == "before");  // nothing after THROW ran
  // no substitution: THROW sends its message as written
  CHECK(single_error(fx.run("DECLARE @m nvarchar(100) = N'100% %d'; THROW 50000, @m, 1")).text == "100% %d");
  const Message& range = single_error(fx.run("THROW 49999, 'low', 1; PRINT 'after'"));
  CHECK(range.number == 35100);
  CHECK(range.state == 10);
  CHECK(range.text ==
        "Error number 49999 in the THROW statement is outside the valid range. Specify an error number in the valid "
        "range of 50000 to 2147483647.");
  // the bare form re-raises inside CATCH, which the emulator does not have
  Response bare = fx.run("PRINT 'compiled first';\nTHROW;");
  const Message& rethrow = single_error(bare);
  CHECK(rethrow.number == 10704);
  CHECK(rethrow.severity == 15);
  CHECK(rethrow.text ==
        "To rethrow an error, a THROW statement must be used inside a CATCH block. Insert the THROW statement inside "
        "a CATCH block, or add error parameters to the THROW statement.");
  CHECK(infos(bare).empty());
  // as on SQL Server, the statement before THROW needs its semicolon:
  // without it THROW is taken as a column alias
  CHECK(single_error(fx.run("SELECT 1 THROW 50000, 'x', 1")).number == 102);
}

TEST_CASE("WAITFOR DELAY waits, releases the world while waiting, and ends on ATTENTION", "[messages]") {
  Fixture fx;
  Response r = fx.ok("WAITFOR DELAY '00:00:00.050'\nPRINT 'woke up'");
  CHECK(infos(r).at(0).text == "woke up");
  CHECK(fx.ok("DECLARE @d varchar(12) = '00:00:00:010'; WAITFOR DELAY @d; SELECT 1").items.size() > 0);

  // While waiting the world lock is free for other sessions; an ATTENTION
  // (the TDS layer's cancel) ends the batch without a message.
  int polls = 0;
  bool world_free = false;
  fx.sql_session.attention = [&] {
    if (fx.world.mutex.try_lock()) {
      world_free = true;
      fx.world.mutex.unlock();
    }
    return ++polls >= 2;
  };
  Response cancelled = fx.run("PRINT 'start'\nWAITFOR DELAY '01:00:00'\nPRINT 'never'");
  CHECK(world_free);
  CHECK(polls == 2);
  CHECK(cancelled.first_error() == nullptr);
  REQUIRE(infos(cancelled).size() == 1);
  CHECK(infos(cancelled)[0].text == "start");
  fx.sql_session.attention = nullptr;

  // A bad literal stops the batch when it compiles (148), a bad variable when it runs.
  Response bad = fx.run("PRINT 'x'\nWAITFOR DELAY '25:00:00'");
  CHECK(single_error(bad).number == 148);
  CHECK(single_error(bad).severity == 15);
  CHECK(single_error(bad).text == "Incorrect time syntax in time string '25:00:00' used with WAITFOR.");
  CHECK(infos(bad).empty());
  Response bad_var = fx.run("DECLARE @d varchar(20) = 'soon'\nWAITFOR DELAY @d\nPRINT 'after'");
  CHECK(single_error(bad_var).text == "Incorrect time syntax in time string 'soon' used with WAITFOR.");
  CHECK(infos(bad_var).empty());
  CHECK(single_error(fx.run("WAITFOR TIME '10:00'")).text == "Incorrect syntax near 'TIME'.");
}
