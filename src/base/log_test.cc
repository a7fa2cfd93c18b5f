#include "base/log.h"

#include <gtest/gtest.h>

namespace provisiond {
namespace {

Timestamp T0() { return *ParseIso8601("2026-11-23T07:28:05.123Z"); }

// Restores the process-wide log settings a test changed.
struct LogSettings {
  LogSettings(LogFormat f, bool journal) {
    SetLogFormat(f);
    SetLogJournal(journal);
  }
  ~LogSettings() {
    SetLogFormat(LogFormat::kText);
    SetLogJournal(false);
  }
};

TEST(LogLine, JournalDropsTheTimestampAndLeadsWithTheSyslogPriority) {
  struct Case {
    const char* name;
    LogFormat format;
    bool journal;
    LogLevel level;
    const char* want;
  };
  const LogFields fields = {{"port", "12176"}, {"error", "no such file"}};
  const Case cases[] = {
      {"text on a terminal or file", LogFormat::kText, false, LogLevel::kWarning,
       "2026-11-23T07:28:05.123Z warning started port=12176 error=\"no such file\"\n"},
      {"text under journald: warning", LogFormat::kText, true, LogLevel::kWarning,
       "<4>warning started port=12176 error=\"no such file\"\n"},
      {"text under journald: error", LogFormat::kText, true, LogLevel::kError,
       "<3>error   started port=12176 error=\"no such file\"\n"},
      {"text under journald: info", LogFormat::kText, true, LogLevel::kInfo,
       "<6>info    started port=12176 error=\"no such file\"\n"},
      {"text under journald: debug", LogFormat::kText, true, LogLevel::kDebug,
       "<7>debug   started port=12176 error=\"no such file\"\n"},
      {"json keeps its time field", LogFormat::kJson, false, LogLevel::kInfo,
       "{\"time\":\"2026-11-23T07:28:05.123Z\",\"level\":\"info\",\"msg\":\"started\",\"port\":\"12176\","
       "\"error\":\"no such file\"}\n"},
      {"json under journald: priority prefix, same object", LogFormat::kJson, true, LogLevel::kError,
       "<3>{\"time\":\"2026-11-23T07:28:05.123Z\",\"level\":\"error\",\"msg\":\"started\",\"port\":\"12176\","
       "\"error\":\"no such file\"}\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    LogSettings settings(c.format, c.journal);
    EXPECT_EQ(FormatLogLine(c.level, "started", fields, T0()), c.want);
  }
}

}  // namespace
}  // namespace provisiond
