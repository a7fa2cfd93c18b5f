#include "api/metrics/service_metrics.h"

namespace provisiond::api::metrics {
namespace pm = provisiond::metrics;

void AddStoreMetrics(pm::Registry& registry, std::shared_ptr<const store::Store> store) {
  // Generation is cheap (no snapshot taken); the rest reads Health() once
  // per family, which is a scrape every few seconds at most.
  registry.AddSampled(pm::Type::kGauge, "provisiond_store_generation",
                      "Generation of the data snapshot being served (grows with every write and reload).", {},
                      [store] { return std::vector<pm::Sample>{{{}, static_cast<double>(store->Generation())}}; });
  registry.AddSampled(pm::Type::kCounter, "provisiond_store_reloads_total",
                      "External edits of the data (a file changed by hand or by Excel) loaded since start.", {},
                      [store] { return std::vector<pm::Sample>{{{}, static_cast<double>(store->Health().reloads)}}; });
  registry.AddSampled(pm::Type::kCounter, "provisiond_store_refusals_total",
                      "External edits refused since start (the previous data kept serving); each problem once.",
                      {}, [store] {
                        return std::vector<pm::Sample>{{{}, static_cast<double>(store->Health().refusals)}};
                      });
  registry.AddSampled(pm::Type::kGauge, "provisiond_store_refused_sources",
                      "Data sources (files) whose last external edit is refused now; 0 when all load.", {},
                      [store] {
                        return std::vector<pm::Sample>{{{}, static_cast<double>(store->Health().errors.size())}};
                      });
}

void AddCertificateMetrics(pm::Registry& registry, CertificateSource certificates, std::function<Timestamp()> clock) {
  registry.AddSampled(
      pm::Type::kGauge, "provisiond_certificate_expiry_seconds",
      "Seconds until a certificate ends (negative once it has): cert=\"service\" for those the TLS listeners "
      "serve, \"root\" for the roots endpoints trust. Warned in the log and by webhook 30, 14 and 7 days before.",
      {"cert", "subject", "sha256"}, [certificates = std::move(certificates), clock = std::move(clock)] {
        std::vector<pm::Sample> out;
        if (!certificates) return out;
        const Timestamp now = clock();
        for (const auto& c : certificates()) {
          double seconds = std::chrono::duration<double>(c.not_after - now).count();
          out.push_back({{c.cert, c.subject, c.sha256}, seconds});
        }
        return out;
      });
}

void AddBuildInfo(pm::Registry& registry, const std::string& version) {
  registry.AddGauge("provisiond_build_info", "Always 1; the version label says which build is running.", {"version"})
      .With({version})
      .Set(1);
}

}  // namespace provisiond::api::metrics
