// Service: what every provisioning route shares — the store, the clock, id
// generation, the background runner — and the deployment records both the
// versioned API and the legacy /message write.
//
// Thread rule: safe from any thread. Reads take a snapshot and no lock.
// Deployment writes take one of a few striped mutexes (per serial to start
// an attempt, per deployment id to apply an event), never a global one.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "api/events/event_hub.h"
#include "api/endpoint/pending_devices.h"
#include "api/http.h"
#include "api/provisioning.h"
#include "core/facts.h"
#include "core/legacy_message.h"
#include "core/plan.h"
#include "model/deployment.h"

namespace provisiond::api::endpoint {

class Service {
 public:
  // Fills the defaults of `deps` (see ProvisioningDeps). REQUIRES: deps.store.
  explicit Service(ProvisioningDeps deps);
  ~Service();  // runs the queued background work, then joins its thread
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  store::Store& store() const { return *deps_.store; }
  bool has_store() const { return deps_.store != nullptr; }  // false for `routes` (nothing loaded)
  std::shared_ptr<const model::Tables> Snapshot() const { return deps_.store->Snapshot(); }
  Timestamp Now() const { return deps_.clock(); }
  std::string NewId() const { return deps_.new_id(); }
  void RunLater(std::function<void()> work) { deps_.run_later(std::move(work)); }
  // serve's listener modes (ProvisioningDeps::listener_tls_modes).
  const std::vector<int>& ListenerTlsModes() const { return deps_.listener_tls_modes; }
  std::vector<std::string> AccessWarnings() const {
    return deps_.access_warnings ? deps_.access_warnings() : std::vector<std::string>();
  }
  // ProvisioningDeps::import_csv (may be null).
  const ProvisioningDeps& deps() const { return deps_; }
  // ProvisioningDeps::deployment_token, or "" when there is none.
  std::string DeploymentToken(std::string_view id) const {
    return deps_.deployment_token ? deps_.deployment_token(id) : std::string();
  }

  // Resolve options for a request on `tables`: base URL from its external
  // origin, and this thread's PlanIndex of `tables` (built once per
  // snapshot). REQUIRES: the caller holds `tables` while using the options.
  core::ResolveOptions ResolveOptionsFor(const Request& req, bool explain,
                                         const std::shared_ptr<const model::Tables>& tables) const;

  // ---- Live events and pending devices ----------------------------------

  // The admin UI's event stream (deployment, pending, data).
  EventHub& events() const { return *events_; }
  PendingDevices& pending() { return pending_; }
  // What a plan told a device: remembers its model and OS (regex check),
  // lists it as pending while it needs confirmation, drops it once it does not.
  // `source`: "plan" or "deployment".
  void NotePlan(const core::Facts& facts, const core::Plan& plan, const Request& req, std::string_view source,
                std::string_view deployment_id = {});
  // The device got a computer record: no longer pending (the UI is told).
  void Confirmed(std::string_view serial);
  // Publishes a deployment's state; kind: started, progress, finished, deleted.
  void PublishDeployment(std::string_view kind, const model::Deployment& d) const;
  // Publishes a pending device (or its removal: `removed`).
  void PublishPending(const PendingDevice& d, bool removed) const;
  // Models and OS names known from past deployments (read once from the
  // store) and from devices seen since.
  std::vector<std::string> KnownModels();
  std::vector<std::string> KnownOsNames();

  // ---- Deployment records ---------------------------------------------

  // Starts an attempt for `facts` (already resolved to `plan`): links the
  // latest earlier attempt of the same computer, records the client address
  // and TLS of `req`. Returns the stored deployment; on error nothing stored.
  Result<model::Deployment> StartDeployment(const core::Facts& facts, const core::Plan& plan,
                                            const Request& req);

  struct EventOutcome {
    bool duplicate = false;        // the event id was already stored: nothing changed
    model::Deployment deployment;  // state after the event (or the current state)
  };
  // Applies a client event to deployment `e.deployment_id` (e.at is set to
  // now). NotFound for an unknown deployment; InvalidArgument naming a field;
  // FailedPrecondition for a final status after the end. A retry of a stored
  // event id returns duplicate = true and stores nothing.
  Result<EventOutcome> PostEvent(model::DeploymentEvent e);
  // A deployment another instance stored (Store::SetRemoteDeploymentObserver):
  // told to this instance's live stream as if it had been posted here.
  void PublishRemoteDeployment(const model::Deployment& d) const;

  struct LegacyOutcome {
    bool started = false;  // START PROVISION (or first message): a new attempt
    model::Deployment deployment;
  };
  // The original's POST /message: feeds the serial's latest attempt (or a
  // new one). InvalidArgument when the message is not "[SERIAL] text".
  Result<LegacyOutcome> PostLegacyMessage(std::string_view message, const Request& req);

 private:
  static constexpr size_t kStripes = 64;
  std::mutex& StripeFor(std::array<std::mutex, kStripes>& stripes, std::string_view key);
  // Applies `e` to the stored deployment under its id lock, after storing
  // the event. REQUIRES: the id stripe held.
  Result<store::RecordedEvent> ApplyAndStoreLocked(const model::Deployment& current,
                                                   const model::DeploymentEvent& e);
  void WorkerLoop();

  void SeedKnownValues();

  ProvisioningDeps deps_;
  std::shared_ptr<EventHub> events_;
  PendingDevices pending_;
  std::once_flag seeded_;
  std::array<std::mutex, kStripes> serial_locks_;
  std::array<std::mutex, kStripes> id_locks_;

  // The default background runner (used when deps.run_later was not given).
  std::mutex work_mu_;
  std::condition_variable work_cv_;
  std::deque<std::function<void()>> work_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace provisiond::api::endpoint
