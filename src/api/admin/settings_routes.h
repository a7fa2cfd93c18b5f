// Admin write route of one configuration setting (config.csv in the CSV
// store): PUT /api/v1/admin/settings/{key} with {"value": "5"} (a string or
// an integer; "" or null clears it so the default applies). Ranged settings
// (model/setting_rules.h: the endpoint TLS policy) are checked first: out of
// range is a 400 problem naming the key and the range, nothing stored.
// Admin group (admin-only once login exists); blocking (the store fsyncs).
#pragma once

#include <memory>

#include "api/router.h"
#include "store/store.h"

namespace provisiond::api::admin {

// `store` may be null only when the routes are listed, never called.
void RegisterSettingsRoutes(Router& router, std::shared_ptr<store::Store> store);

}  // namespace provisiond::api::admin
