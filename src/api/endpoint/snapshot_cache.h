// What the plan routes derive from a store snapshot once instead of per
// request: the core::PlanIndex and the configured Tanium variable names.
//
// Thread rule: one cache per server thread (thread_local), so lookups take no
// lock and share nothing; each thread builds it again when it first sees a
// newly published snapshot (a few dozen rows: microseconds).
#pragma once

#include <memory>

#include "core/plan.h"
#include "core/plan_index.h"
#include "model/tables.h"

namespace provisiond::api::endpoint {

struct SnapshotDerived {
  const core::PlanIndex* index = nullptr;  // built from the snapshot passed in
  const core::VariableNames* names = nullptr;
};

// The derived data of `tables`. The pointers stay valid until the next call
// on the same thread; REQUIRES the caller holds `tables` while using them.
SnapshotDerived DerivedFor(const std::shared_ptr<const model::Tables>& tables);

}  // namespace provisiond::api::endpoint
