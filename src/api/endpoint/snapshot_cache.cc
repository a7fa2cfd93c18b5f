#include "api/endpoint/snapshot_cache.h"

namespace provisiond::api::endpoint {

SnapshotDerived DerivedFor(const std::shared_ptr<const model::Tables>& tables) {
  struct Cache {
    // Weak: never keeps an old snapshot alive. Its control block cannot be
    // reused while held, so "same owner" means "same snapshot".
    std::weak_ptr<const model::Tables> tables;
    std::unique_ptr<const core::PlanIndex> index;
    core::VariableNames names;
  };
  thread_local Cache cache;
  bool same = !cache.tables.owner_before(tables) && !tables.owner_before(cache.tables) &&
              !cache.tables.expired() && cache.index;
  if (!same) {
    cache.index = std::make_unique<const core::PlanIndex>(*tables);
    cache.names = core::VariableNamesFromConfig(*tables);
    cache.tables = tables;
  }
  return {cache.index.get(), &cache.names};
}

}  // namespace provisiond::api::endpoint
