// Telling the service manager (systemd, Type=notify) what the service is
// doing: READY=1 once it serves, STOPPING=1 when shutdown starts, WATCHDOG=1
// pings, STATUS= lines for `systemctl status`. Outside systemd (no
// NOTIFY_SOCKET in the environment) every call does nothing.
// Safe from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace provisiond::platform {

// Sends `state` (newline-separated VAR=value assignments, see sd_notify(3))
// to $NOTIFY_SOCKET. Returns true if it was sent, false if no service
// manager listens or the send failed (a service must keep running either
// way: nothing to report to the caller but the bool).
bool NotifyServiceManager(std::string_view state);

// The interval within which the service manager expects WATCHDOG=1
// ($WATCHDOG_USEC, when $WATCHDOG_PID is unset or names this process), or
// nullopt when no watchdog is asked for.
std::optional<std::chrono::microseconds> ServiceWatchdogInterval();

// True when stderr is the journal (systemd set $JOURNAL_STREAM to the
// device:inode of the stream stderr still is): journald stamps each line
// itself, so the log drops its own timestamp.
bool StderrIsJournal();

}  // namespace provisiond::platform
