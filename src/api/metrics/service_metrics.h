// The metrics GET /metrics reads at scrape time from the rest of the
// service: the store (generation, reloads, refused edits), the TLS
// certificates (seconds to expiry, service and root), the build.
// Thread rule: the samplers run on the scraping thread; what they are
// given must be safe from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/metrics.h"
#include "base/time.h"
#include "store/store.h"

namespace provisiond::api::metrics {

// provisiond_store_generation, provisiond_store_reloads_total,
// provisiond_store_refusals_total, provisiond_store_refused_sources.
void AddStoreMetrics(provisiond::metrics::Registry& registry, std::shared_ptr<const store::Store> store);

// One certificate whose end is watched.
struct CertificateExpiry {
  std::string cert;     // "service" or "root"
  std::string subject;  // "CN=provisiond"
  std::string sha256;   // "AB:CD:..."
  Timestamp not_after{};
};
using CertificateSource = std::function<std::vector<CertificateExpiry>()>;

// provisiond_certificate_expiry_seconds{cert,subject,sha256}: seconds from
// `clock()` to each certificate's end (negative once expired).
void AddCertificateMetrics(provisiond::metrics::Registry& registry, CertificateSource certificates,
                           std::function<Timestamp()> clock = Now);

// provisiond_build_info{version} 1.
void AddBuildInfo(provisiond::metrics::Registry& registry, const std::string& version);

}  // namespace provisiond::api::metrics
