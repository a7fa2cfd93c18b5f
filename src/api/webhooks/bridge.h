// What becomes a webhook: the admin event hub's deployment and data events
// (a finished deployment: deployment.finished on success, deployment.failed
// on error; refused data: data.refused), stale deployments found by a
// periodic scan, and certificates within 30/14/7 days of their end. Each is
// keyed, so one occurrence is one delivery id however often it is seen.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include "api/events/event_hub.h"
#include "api/tls_info.h"
#include "api/webhooks/dispatcher.h"
#include "store/store.h"

namespace provisiond::api::webhooks {

// An EventHub observer that emits the webhooks of hub events.
EventHub::Observer HubObserver(std::shared_ptr<Dispatcher> dispatcher);

// Emits deployment.stale for each running deployment with no event for
// longer than `stale_timeout`, once per deployment (`notified` remembers;
// with several instances, Store::ClaimOnce picks the one that announces).
void EmitStale(Dispatcher& d, store::Store& store, Timestamp now, std::chrono::milliseconds stale_timeout,
               std::set<std::string>* notified);

// The threshold (30, 14 or 7 days) a certificate with `days_left` has
// crossed, or 0 when it is further than 30 days from its end.
int ExpiryThreshold(int days_left);
// Logs a warning and, when `d` is not null (webhooks configured), emits
// certificate.expiring for each certificate past a threshold, once per
// certificate and threshold (`notified` remembers); returns how many were
// announced.
int EmitCertificateExpiry(Dispatcher* d, const std::vector<TlsCertificateInfo>& certs, std::set<std::string>* notified);

}  // namespace provisiond::api::webhooks
