// Logging: app log lines with a level, and the access log, in text or JSON
// (one object per line). Secrets never reach a log: callers pass none.
// Safe from any thread; a line is written with one write call.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/time.h"

namespace provisiond {

enum class LogLevel { kDebug, kInfo, kWarning, kError };
enum class LogFormat { kText, kJson };

using LogFields = std::vector<std::pair<std::string_view, std::string>>;

// Configure once at start, before other threads log.
void SetLogLevel(LogLevel level);
void SetLogFormat(LogFormat format);
// Under journald (stderr is the journal: platform::StderrIsJournal) each
// line starts with its syslog priority, "<3>" error to "<7>" debug, which
// journald turns into PRIORITY and strips; text lines then carry no
// timestamp of their own (journald stamps every line: none doubled).
// JSON lines keep their "time" field (their schema does not change).
void SetLogJournal(bool journal);
// Returns false for an unknown name.
bool ParseLogLevel(std::string_view name, LogLevel* out);
bool ParseLogFormat(std::string_view name, LogFormat* out);

// "2026-11-23T07:28:05.123Z WARN  message key=value ..." or JSON
// {"time":...,"level":"warning","msg":...,"key":"value"}.
void Log(LogLevel level, std::string_view message, const LogFields& fields = {});
inline void LogInfo(std::string_view m, const LogFields& f = {}) { Log(LogLevel::kInfo, m, f); }
inline void LogWarning(std::string_view m, const LogFields& f = {}) { Log(LogLevel::kWarning, m, f); }
inline void LogError(std::string_view m, const LogFields& f = {}) { Log(LogLevel::kError, m, f); }
inline void LogDebug(std::string_view m, const LogFields& f = {}) { Log(LogLevel::kDebug, m, f); }
bool LogEnabled(LogLevel level);

// The line Log writes, newline included, as the current format and journal
// settings make it, stamped `now` (exposed for tests).
std::string FormatLogLine(LogLevel level, std::string_view message, const LogFields& fields, Timestamp now);

}  // namespace provisiond
