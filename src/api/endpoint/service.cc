#include "api/endpoint/service.h"

#include <cstdio>
#include <random>

#include "api/endpoint/render.h"
#include "api/endpoint/settings.h"
#include "api/endpoint/snapshot_cache.h"
#include "base/log.h"
#include "base/strings.h"
#include "core/deployment_rules.h"
#include "core/identity.h"
#include "model/computer_name.h"

namespace provisiond::api::endpoint {
namespace {

// 64 bits from the OS generator (getrandom): not a seeded PRNG whose
// state a client could reconstruct from ids it has seen. Not on a hot path.
uint64_t RandomU64() {
  thread_local std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) | rd();
}

// 128 random bits as hex: unguessable ids, so a client cannot post events
// to another machine's deployment by counting or predicting.
std::string RandomHexId() {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(RandomU64()),
                static_cast<unsigned long long>(RandomU64()));
  return buf;
}

}  // namespace

Service::Service(ProvisioningDeps deps) : deps_(std::move(deps)) {
  events_ = deps_.events ? deps_.events : std::make_shared<EventHub>();
  if (!deps_.clock) deps_.clock = [] { return provisiond::Now(); };
  if (!deps_.new_id) deps_.new_id = RandomHexId;
  if (!deps_.random) deps_.random = RandomU64;
  if (!deps_.run_later) {
    worker_ = std::thread([this] { WorkerLoop(); });
    deps_.run_later = [this](std::function<void()> work) {
      {
        std::lock_guard lock(work_mu_);
        work_.push_back(std::move(work));
      }
      work_cv_.notify_one();
    };
  }
}

Service::~Service() {
  {
    std::lock_guard lock(work_mu_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Service::WorkerLoop() {
  std::unique_lock lock(work_mu_);
  for (;;) {
    work_cv_.wait(lock, [this] { return stopping_ || !work_.empty(); });
    if (work_.empty()) return;  // stopping, everything queued done
    auto work = std::move(work_.front());
    work_.pop_front();
    lock.unlock();
    // A throwing task (a store fault, a bad_alloc) must not end the process
    // or the runner: logged, and the next task runs.
    try {
      work();
    } catch (const std::exception& e) {
      LogError("background work threw; the service goes on", {{"where", "service runner"}, {"error", e.what()}});
    } catch (...) {
      LogError("background work threw; the service goes on", {{"where", "service runner"}, {"error", "unknown"}});
    }
    lock.lock();
  }
}

core::ResolveOptions Service::ResolveOptionsFor(const Request& req, bool explain,
                                                const std::shared_ptr<const model::Tables>& tables) const {
  core::ResolveOptions o;
  o.index = DerivedFor(tables).index;
  o.base_url = req.origin.host.empty() ? std::string() : req.origin.BaseUrl();
  o.random = deps_.random;
  o.explain = explain;
  return o;
}

std::mutex& Service::StripeFor(std::array<std::mutex, kStripes>& stripes, std::string_view key) {
  return stripes[std::hash<std::string_view>{}(key) % kStripes];
}

void Service::NotePlan(const core::Facts& facts, const core::Plan& plan, const Request& req,
                       std::string_view source, std::string_view deployment_id) {
  // Most plan calls repeat this thread's last model and OS: skip the lock.
  thread_local std::string last_model, last_os;
  if (facts.model != last_model || facts.os_name != last_os) {
    pending_.NoteSeen(facts.model, facts.os_name);
    last_model = facts.model;
    last_os = facts.os_name;
  }
  if (!plan.needs_confirmation) {
    if (plan.computer) Confirmed(plan.computer->serial);
    return;
  }
  PendingDevice d;
  d.serial = facts.serial;
  d.manufacturer = facts.make;
  d.model = facts.model;
  d.os = facts.os_name;
  d.source = std::string(source);
  d.deployment_id = std::string(deployment_id);
  d.suggested_name = plan.choices.suggested_name;
  d.client_address = req.origin.client_address;
  d.first_seen = d.last_seen = Now();
  if (pending_.Note(d) || !deployment_id.empty()) PublishPending(*pending_.Find(d.serial), false);
}

void Service::Confirmed(std::string_view serial) {
  if (pending_.Empty()) return;
  if (auto was = pending_.Find(serial); was && pending_.Remove(serial)) PublishPending(*was, true);
}

void Service::PublishDeployment(std::string_view kind, const model::Deployment& d) const {
  JsonWriter w(1024);
  w.BeginObject().Key("kind").String(kind).Key("deployment");
  WriteDeployment(w, d, Now(), StaleTimeout(*Snapshot()));
  w.EndObject();
  events_->Publish("deployment", w.Take());
}

void Service::PublishPending(const PendingDevice& d, bool removed) const {
  JsonWriter w(512);
  w.BeginObject().Key("kind").String(removed ? "removed" : "waiting").Key("device");
  WritePendingDevice(w, d);
  w.EndObject();
  events_->Publish("pending", w.Take());
}

void Service::SeedKnownValues() {
  std::call_once(seeded_, [this] {
    store::DeploymentQuery q;
    q.limit = 5000;  // the newest: enough to know the fleet's models
    auto page = store().ListDeployments(q);
    if (!page.ok()) return;
    for (const auto& d : page->items) pending_.NoteSeen(d.model, {});
  });
}

std::vector<std::string> Service::KnownModels() {
  SeedKnownValues();
  return pending_.Models();
}

std::vector<std::string> Service::KnownOsNames() {
  SeedKnownValues();
  return pending_.OsNames();
}

Result<model::Deployment> Service::StartDeployment(const core::Facts& facts, const core::Plan& plan,
                                                   const Request& req) {
  // A device matched by UUID/MAC under a placeholder serial is recorded (and
  // linked) under its record's serial, so its attempts chain together.
  core::Facts recorded = facts;
  if (plan.computer) recorded.serial = plan.computer->serial;
  std::string key = model::Tables::SerialKey(recorded.serial);
  bool linkable = !core::IsPlaceholderSerial(recorded.serial);

  std::lock_guard lock(StripeFor(serial_locks_, key));
  core::StartInfo info;
  info.id = NewId();
  if (linkable) {
    PV_ASSIGN_OR_RETURN(auto latest, store().LatestDeploymentForSerial(recorded.serial));
    if (latest) info.previous_id = latest->id;
  }
  info.computer_name = plan.computer_name;
  info.type = plan.locale.type.value;
  info.client_address = req.origin.client_address;
  info.tls = req.connection.tls;
  info.tls_version = req.connection.tls ? req.connection.tls_version : "";
  info.source = "api";
  PV_ASSIGN_OR_RETURN(model::Deployment d, store().CreateDeployment(core::StartDeployment(recorded, info, Now())));
  NotePlan(facts, plan, req, "deployment", d.id);
  PublishDeployment("started", d);
  return d;
}

// How often an event is applied again after another instance on the same
// database stored one of the same deployment in between (kConflict).
constexpr int kConflictAttempts = 8;

Result<store::RecordedEvent> Service::ApplyAndStoreLocked(const model::Deployment& current,
                                                         const model::DeploymentEvent& e) {
  PV_ASSIGN_OR_RETURN(model::Deployment next, core::ApplyEvent(current, e, e.at));
  next.version = current.version;
  // One durable step: a failure leaves neither the event nor the state, so
  // the client's retry applies the event once (never a stored event whose
  // state was lost, which a retry would then take for a duplicate).
  return store().RecordEvent(e, std::move(next));  // !stored: a concurrent retry stored it first
}

Result<Service::EventOutcome> Service::PostEvent(model::DeploymentEvent e) {
  e.at = Now();
  std::lock_guard lock(StripeFor(id_locks_, e.deployment_id));
  // The lock orders this instance's events of one deployment; another
  // instance on the same database may store one between our read and our
  // write (kConflict): read again and apply the event to that state.
  for (int attempt = 1;; ++attempt) {
    PV_ASSIGN_OR_RETURN(model::Deployment current, store().GetDeployment(e.deployment_id));
    // A retry of a stored event is recognised by the store (stored = false).
    auto recorded = ApplyAndStoreLocked(current, e);
    if (!recorded.ok() && recorded.status().code() == StatusCode::kConflict && attempt < kConflictAttempts) continue;
    if (!recorded.ok()) {
      // A retry the rules refuse is still a retry: the final event of a
      // deployment it ended is a duplicate, not "status after final status".
      // Only on this (rare) path are the events read.
      PV_ASSIGN_OR_RETURN(auto events, store().EventsOf(e.deployment_id));
      for (const auto& old : events)
        if (old.event_id == e.event_id) return EventOutcome{true, std::move(current)};
      return recorded.status();
    }
    // Not stored: a retry (here, or the same one reaching another instance first).
    if (!recorded->stored) return EventOutcome{true, std::move(recorded->deployment)};
    const model::Deployment& next = recorded->deployment;
    PublishDeployment(next.status == model::DeploymentStatus::kRunning ? "progress" : "finished", next);
    return EventOutcome{false, std::move(recorded->deployment)};
  }
}

void Service::PublishRemoteDeployment(const model::Deployment& d) const {
  PublishDeployment(d.status == model::DeploymentStatus::kRunning ? "progress" : "finished", d);
}

Result<Service::LegacyOutcome> Service::PostLegacyMessage(std::string_view text, const Request& req) {
  PV_ASSIGN_OR_RETURN(core::LegacyMessage message, core::ParseLegacyMessage(text));
  Timestamp now = Now();
  std::string key = model::Tables::SerialKey(message.serial);
  std::lock_guard serial_lock(StripeFor(serial_locks_, key));
  PV_ASSIGN_OR_RETURN(auto latest, store().LatestDeploymentForSerial(message.serial));

  if (message.start || !latest) {
    std::string id = NewId();  // before the event id: ids in call order
    std::string event_id = NewId();
    PV_ASSIGN_OR_RETURN(core::LegacyApply apply,
                        core::ApplyLegacyMessage(latest ? &*latest : nullptr, {}, message, id, event_id, now));
    model::Deployment d = std::move(apply.deployment);
    d.client_address = req.origin.client_address;
    d.tls = req.connection.tls;
    d.tls_version = req.connection.tls ? req.connection.tls_version : "";
    auto tables = Snapshot();
    if (const model::Computer* c = tables->FindComputerBySerial(message.serial)) {
      // The name every route answers (model/computer_name.h), as a plan-started deployment records.
      if (d.computer_name.empty()) d.computer_name = model::AnswerComputerName(c->computer_name).name;
      if (d.type.empty()) d.type = c->type;
    }
    // The event and the state it leads to are one record: create the
    // deployment already holding the first message's effect.
    PV_ASSIGN_OR_RETURN(model::Deployment created, store().CreateDeployment(std::move(d)));
    PV_ASSIGN_OR_RETURN(bool stored, store().AppendEvent(apply.event));
    (void)stored;  // a fresh deployment has no events yet
    PublishDeployment("started", created);
    return LegacyOutcome{true, std::move(created)};
  }

  std::lock_guard id_lock(StripeFor(id_locks_, latest->id));
  // As PostEvent: read again when another instance stored an event of this
  // deployment between our read and our write.
  for (int attempt = 1;; ++attempt) {
    PV_ASSIGN_OR_RETURN(model::Deployment current, store().GetDeployment(latest->id));
    PV_ASSIGN_OR_RETURN(auto events, store().EventsOf(current.id));
    std::vector<core::TimedMessage> earlier;
    earlier.reserve(events.size());
    for (auto& e : events) earlier.push_back({e.at, std::move(e.message)});
    PV_ASSIGN_OR_RETURN(core::LegacyApply apply,
                        core::ApplyLegacyMessage(&current, earlier, message, "", NewId(), now));
    auto recorded = ApplyAndStoreLocked(current, apply.event);
    if (!recorded.ok() && recorded.status().code() == StatusCode::kConflict && attempt < kConflictAttempts) continue;
    if (!recorded.ok()) return recorded.status();
    model::Deployment next = std::move(recorded->deployment);
    PublishDeployment(next.status == model::DeploymentStatus::kRunning ? "progress" : "finished", next);
    return LegacyOutcome{false, std::move(next)};
  }
}

}  // namespace provisiond::api::endpoint
