// JSON shapes of the versioned API (doc/api.md): plans, computers,
// deployments, events. Written straight into a JsonWriter. Pure.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "api/endpoint/json_writer.h"
#include "api/endpoint/pending_devices.h"
#include "api/endpoint/settings.h"
#include "core/plan.h"
#include "model/deployment.h"
#include "model/tables.h"
#include "store/store.h"

namespace provisiond::api::endpoint {

// The whole plan object; "explain" only when `with_explain`. "tanium" holds
// the Tanium Provision variables under the configured names.
void WritePlan(JsonWriter& w, const core::Plan& plan, bool with_explain, const core::VariableNames& names);
void WritePlannedApp(JsonWriter& w, const core::PlannedApp& app);
void WritePlannedDriver(JsonWriter& w, const core::PlannedDriver& driver);
void WriteExplain(JsonWriter& w, const core::Explain& explain);
void WriteTaniumVariables(JsonWriter& w, const std::map<std::string, core::TaniumValue>& vars);
void WriteComputer(JsonWriter& w, const model::Computer& c);

// A deployment with its derived view: "state" (running|stale|success|error),
// "stale", "duration_ms" (null while running).
// A pending device (doc/admin_api.md, "Pending devices").
void WritePendingDevice(JsonWriter& w, const PendingDevice& d);
void WriteDeployment(JsonWriter& w, const model::Deployment& d, Timestamp now,
                     std::chrono::milliseconds stale_timeout);
void WriteEvent(JsonWriter& w, const model::DeploymentEvent& e);
void WriteHealth(JsonWriter& w, const store::StoreHealth& h);
// [{"key","value","source"}, ...] with every value a string.
void WriteSettingItems(JsonWriter& w, const std::vector<Setting>& settings);

}  // namespace provisiond::api::endpoint
