// Admin routes of the configuration settings (config.csv in the CSV store),
// all driven by the settings schema (model/setting_rules.h):
//   GET    /api/v1/admin/settings        every setting: value, source
//          (config.csv, listener, default), default, allowed values,
//          description; then the other config.csv keys; and the warnings
//   GET    /api/v1/admin/settings/{key}  one of them (404 unknown key)
//   PUT    /api/v1/admin/settings/{key}  {"value": "5"} (string, integer, or
//          ""/null: not set); an unknown key (400, lists the known ones;
//          custom keys start with x-) or an invalid value (400 naming the key
//          and the allowed values) stores nothing. A known key is stored
//          under the schema's spelling.
//   DELETE /api/v1/admin/settings/{key}  removes the row: the default (or
//          the listener) applies again; 200 with the effective value.
// Admin group (admin-only once login exists); writes are blocking (fsync).
#pragma once

#include <memory>

#include "api/endpoint/settings.h"
#include "api/router.h"
#include "store/store.h"

namespace provisiond::api::admin {

// `store` may be null only when the routes are listed, never called.
// `listener`: serve's listeners, for the settings that follow them.
void RegisterSettingsRoutes(Router& router, std::shared_ptr<store::Store> store,
                            endpoint::ListenerTls listener = {});

}  // namespace provisiond::api::admin
