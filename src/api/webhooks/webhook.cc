#include "api/webhooks/webhook.h"

#include <algorithm>
#include <boost/url/parse.hpp>

#include "base/strings.h"
#include "pki/secret.h"
#include "pki/sha256.h"

namespace provisiond::api::webhooks {

bool IsEventType(std::string_view type) {
  return std::find(std::begin(kEventTypes), std::end(kEventTypes), type) != std::end(kEventTypes);
}

bool Target::Wants(std::string_view type) const {
  if (type == "webhook.test") return true;
  return events.empty() || std::find(events.begin(), events.end(), type) != events.end();
}

Status ValidateTarget(const Target& t, std::string_view where) {
  std::string at(where);
  auto url = boost::urls::parse_absolute_uri(t.url);
  if (!url) return Status::BadField(at + ".url", "'" + t.url + "' is not an absolute URL (https://host/path)");
  std::string scheme = ToLower(url->scheme());
  std::string host = ToLower(url->encoded_host_address());
  bool loopback = host == "127.0.0.1" || host == "localhost" || host == "[::1]";
  if (scheme != "https" && !(scheme == "http" && loopback))
    return Status::BadField(at + ".url", "'" + t.url + "' must be https:// (http:// only to a loopback relay): the payload names devices");
  for (const auto& e : t.events)
    if (!IsEventType(e))
      return Status::BadField(at + ".events", "unknown event '" + e +
                                                  "'; known: deployment.finished, deployment.failed, deployment.stale, "
                                                  "data.refused, certificate.expiring");
  if (t.secret.empty()) return Status::BadField(at + ".secret", "is required: receivers check the signature with it");
  if (t.secret.starts_with("whsec_") && !pki::DecodeBase64(t.secret.substr(6)))
    return Status::BadField(at + ".secret", "starts with whsec_ but the rest is not base64");
  return Status::Ok();
}

std::string Signature(std::string_view secret, std::string_view id, int64_t timestamp_s, std::string_view body) {
  std::string key(secret);
  if (secret.starts_with("whsec_")) {
    if (auto k = pki::DecodeBase64(secret.substr(6))) key = std::move(*k);
  }
  std::string signed_text = std::string(id) + "." + std::to_string(timestamp_s) + "." + std::string(body);
  std::string mac = pki::HmacSha256(key, signed_text);
  pki::Sha256::Digest d{};
  std::copy(mac.begin(), mac.end(), d.begin());
  return "v1," + pki::ToBase64(d);
}

std::chrono::milliseconds RetryDelay(const RetryPolicy& p, int attempt) {
  auto d = p.first_delay;
  for (int i = 1; i < attempt && d < p.max_delay; ++i) d *= 2;
  return std::min(d, p.max_delay);
}

}  // namespace provisiond::api::webhooks
