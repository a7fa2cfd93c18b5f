#include "base/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "base/json_escape.h"
#include "base/time.h"

namespace provisiond {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<LogFormat> g_format{LogFormat::kText};
std::atomic<bool> g_journal{false};

std::string_view LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "?";
}

// sd-daemon(3) priorities: journald and syslog read "<N>" at a line's start.
std::string_view SyslogPrefix(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "<7>";
    case LogLevel::kInfo: return "<6>";
    case LogLevel::kWarning: return "<4>";
    case LogLevel::kError: return "<3>";
  }
  return "<6>";
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  AppendJsonEscaped(out, s);
  out += '"';
}

// Text values with spaces or quotes are quoted so a line stays parseable.
void AppendTextValue(std::string& out, std::string_view v) {
  bool plain = !v.empty();
  for (unsigned char c : v) plain = plain && c > 0x20 && c != '"' && c != 0x7f;
  if (plain) {
    out += v;
  } else {
    AppendJsonString(out, v);
  }
}

}  // namespace

void SetLogLevel(LogLevel level) { g_level = level; }
void SetLogFormat(LogFormat format) { g_format = format; }
void SetLogJournal(bool journal) { g_journal = journal; }
bool LogEnabled(LogLevel level) { return level >= g_level.load(std::memory_order_relaxed); }

bool ParseLogLevel(std::string_view name, LogLevel* out) {
  if (name == "debug") *out = LogLevel::kDebug;
  else if (name == "info") *out = LogLevel::kInfo;
  else if (name == "warning" || name == "warn") *out = LogLevel::kWarning;
  else if (name == "error") *out = LogLevel::kError;
  else return false;
  return true;
}

bool ParseLogFormat(std::string_view name, LogFormat* out) {
  if (name == "text") *out = LogFormat::kText;
  else if (name == "json") *out = LogFormat::kJson;
  else return false;
  return true;
}

std::string FormatLogLine(LogLevel level, std::string_view message, const LogFields& fields, Timestamp now) {
  const bool journal = g_journal.load(std::memory_order_relaxed);
  std::string line;
  line.reserve(128 + message.size());
  if (journal) line += SyslogPrefix(level);
  if (g_format.load(std::memory_order_relaxed) == LogFormat::kJson) {
    line += "{\"time\":\"" + FormatIso8601(now) + "\",\"level\":\"";
    line += LevelName(level);
    line += "\",\"msg\":";
    AppendJsonString(line, message);
    for (const auto& [k, v] : fields) {
      line += ',';
      AppendJsonString(line, k);
      line += ':';
      AppendJsonString(line, v);
    }
    line += "}\n";
  } else {
    if (!journal) {
      line += FormatIso8601(now);
      line += ' ';
    }
    std::string lv(LevelName(level));
    lv.resize(8, ' ');
    line += lv;
    line += message;
    for (const auto& [k, v] : fields) {
      line += ' ';
      line += k;
      line += '=';
      AppendTextValue(line, v);
    }
    line += '\n';
  }
  return line;
}

void Log(LogLevel level, std::string_view message, const LogFields& fields) {
  if (!LogEnabled(level)) return;
  std::string line = FormatLogLine(level, message, fields, Now());
  // One fwrite per line under stdio's own lock: lines never interleave.
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace provisiond
