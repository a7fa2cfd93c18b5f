// Webhooks: other systems are told when a deployment ends, goes stale, the
// data is refused or a certificate nears its end. Deliveries follow the
// Standard Webhooks scheme (webhook-id, webhook-timestamp, webhook-signature
// "v1,<base64 HMAC-SHA256 of id.timestamp.body>"), are kept on disk until
// delivered, retried with exponential backoff, and end in a dead-letter list
// after `give_up_after`. doc/webhooks.md is the wire contract.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace provisiond::api::webhooks {

// The event types a target can ask for.
inline constexpr std::string_view kEventTypes[] = {
    "deployment.finished", "deployment.failed", "deployment.stale", "data.refused", "certificate.expiring",
    "webhook.test"};
bool IsEventType(std::string_view type);

struct Target {
  std::string name;                 // for logs and the admin API; default: the URL's host
  std::string url;                  // https:// (http:// only to loopback, for tests and local relays)
  std::vector<std::string> events;  // empty: every type
  std::string secret;               // "whsec_<base64>" (Standard Webhooks) or any other text, used as bytes
  bool Wants(std::string_view type) const;
};

struct RetryPolicy {
  std::chrono::milliseconds first_delay{5000};  // after the first failure; doubles each time
  std::chrono::milliseconds max_delay{3600000};
  std::chrono::milliseconds give_up_after{24LL * 3600 * 1000};  // from the first attempt: then dead
  std::chrono::milliseconds timeout{10000};  // per attempt
};

// InvalidArgument naming the field: a URL that is not http(s), http:// to a
// host other than loopback, an unknown event type, an empty secret.
Status ValidateTarget(const Target& t, std::string_view where);

// "v1,<base64>" over "<id>.<timestamp>.<body>". The key is the base64 after
// "whsec_" when the secret has that form, else the secret's bytes.
std::string Signature(std::string_view secret, std::string_view id, int64_t timestamp_s, std::string_view body);

// The wait before attempt `attempt` + 1, after `attempt` failures (>= 1).
std::chrono::milliseconds RetryDelay(const RetryPolicy& p, int attempt);

}  // namespace provisiond::api::webhooks
