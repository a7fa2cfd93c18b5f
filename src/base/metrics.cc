#include "base/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>

#include "base/strings.h"

namespace provisiond::metrics {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool ValidMetricName(std::string_view n) {
  if (n.empty() || !(IsNameStart(n[0]) || n[0] == ':')) return false;
  return std::all_of(n.begin(), n.end(), [](char c) { return IsNameChar(c) || c == ':'; });
}

bool ValidLabelName(std::string_view n) {
  if (n.empty() || !IsNameStart(n[0]) || n.starts_with("__")) return false;
  return std::all_of(n.begin(), n.end(), IsNameChar);
}

// What a value from outside becomes as a label value: at most
// kMaxLabelValueBytes, valid UTF-8 (else each byte >= 0x80 is '?').
std::string Sanitized(std::string_view v) {
  std::string out(v.substr(0, kMaxLabelValueBytes));
  if (!IsValidUtf8(out)) {
    for (auto& c : out)
      if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return out;
}

// Each value length-prefixed: no separator byte a value could contain makes
// two label sets share a key.
void AppendKey(std::string* key, std::string_view v) {
  uint32_t n = static_cast<uint32_t>(v.size());
  key->append(reinterpret_cast<const char*>(&n), sizeof n);
  key->append(v);
}

void WriteLabels(std::string* out, const std::vector<std::string>& names, const std::vector<std::string>& values,
                 std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out->push_back('{');
  bool first = true;
  for (size_t i = 0; i < names.size(); ++i) {
    if (!first) out->push_back(',');
    first = false;
    *out += names[i];
    *out += "=\"";
    *out += EscapeLabelValue(i < values.size() ? values[i] : std::string());
    out->push_back('"');
  }
  if (!extra_name.empty()) {
    if (!first) out->push_back(',');
    *out += extra_name;
    *out += "=\"";
    *out += extra_value;
    out->push_back('"');
  }
  out->push_back('}');
}

void WriteHeader(std::string* out, const std::string& name, const std::string& help, Type type) {
  *out += "# HELP " + name + " " + EscapeHelp(help) + "\n";
  *out += "# TYPE " + name + " " + std::string(TypeName(type)) + "\n";
}

std::string FormatCount(uint64_t v) { return std::to_string(v); }

}  // namespace

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kCounter: return "counter";
    case Type::kGauge: return "gauge";
    case Type::kHistogram: return "histogram";
  }
  return "untyped";
}

std::string EscapeHelp(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string EscapeLabelValue(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) return "NaN";
  return std::string(buf, end);
}

// ---- counters and histograms --------------------------------------------------

size_t CellOfThisThread() {
  static std::atomic<size_t> next{0};
  thread_local const size_t mine = next.fetch_add(1, std::memory_order_relaxed) % kCells;
  return mine;
}

uint64_t Counter::Value() const {
  uint64_t total = 0;
  for (const auto& c : cells_) total += c.value.load(std::memory_order_relaxed);
  return total;
}

Histogram::Histogram(const std::vector<double>* bounds) : bounds_(bounds), cells_(std::make_unique<Cell[]>(kCells)) {}

void Histogram::Observe(double v) {
  // Few buckets: a linear scan beats a binary search's branches.
  size_t i = 0;
  const size_t n = bounds_->size();
  while (i < n && v > (*bounds_)[i]) ++i;
  Cell& c = cells_[CellOfThisThread()];
  c.buckets[i].fetch_add(1, std::memory_order_relaxed);
  c.sum.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Reading Histogram::Read() const {
  Reading r;
  const size_t n = bounds_->size() + 1;
  std::vector<uint64_t> per_bucket(n, 0);
  for (size_t k = 0; k < kCells; ++k) {
    for (size_t i = 0; i < n; ++i) per_bucket[i] += cells_[k].buckets[i].load(std::memory_order_relaxed);
    r.sum += cells_[k].sum.load(std::memory_order_relaxed);
  }
  r.cumulative.resize(n);
  uint64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    total += per_bucket[i];
    r.cumulative[i] = total;
  }
  // The count is the +Inf bucket, so the two always agree in a scrape.
  r.count = total;
  return r;
}

// ---- families ----------------------------------------------------------------

FamilyBase::FamilyBase(std::string name, std::string help, std::vector<std::string> label_names,
                       FamilyOptions options)
    : name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      options_(std::move(options)),
      admitted_(label_names_.size()) {}

size_t FamilyBase::SeriesCount() const {
  std::lock_guard lock(mu_);
  return series_;
}

std::vector<std::string> FamilyBase::Capped(std::initializer_list<std::string_view> values) {
  std::vector<std::string> out;
  out.reserve(values.size());
  size_t i = 0;
  for (std::string_view raw : values) {
    std::string v = Sanitized(raw);
    size_t cap = i < options_.max_values.size() ? options_.max_values[i] : 0;
    if (cap != 0 && v != kOther) {
      auto& seen = admitted_[i];
      if (!seen.count(v)) {
        // One place kept for "other" itself: cap values plus other.
        if (seen.size() < cap) seen.insert(v);
        else v = std::string(kOther);
      }
    }
    out.push_back(std::move(v));
    ++i;
  }
  return out;
}

void* FamilyBase::Find(std::initializer_list<std::string_view> values,
                       const std::function<void*(std::vector<std::string>)>& make) {
  // One buffer per thread: a lookup of a known series allocates nothing.
  thread_local std::string key;
  key.clear();
  for (std::string_view v : values) AppendKey(&key, v);
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  {
    std::shared_lock lock(shard.mu);
    if (auto it = shard.by_key.find(key); it != shard.by_key.end()) return it->second;
  }
  std::lock_guard lock(mu_);
  std::vector<std::string> capped = Capped(values);
  if (series_ >= options_.max_series && options_.max_series != 0)
    capped.assign(label_names_.size(), std::string(kOther));
  std::string capped_key;
  for (const auto& v : capped) AppendKey(&capped_key, v);
  // The capped series may exist already (in its own shard).
  Shard& home = shards_[std::hash<std::string>{}(capped_key) % kShards];
  void* series = nullptr;
  {
    std::unique_lock home_lock(home.mu);
    auto it = home.by_key.find(capped_key);
    if (it != home.by_key.end()) {
      series = it->second;
    } else {
      series = make(std::move(capped));
      home.by_key.emplace(capped_key, series);
      ++series_;
    }
  }
  // A folded value gets an alias, so its next lookup is fast too; bounded,
  // so a flood of distinct values cannot grow the map without end (past
  // the bound they take this slower path every time).
  if (capped_key != key && aliases_ < 4 * std::max<size_t>(options_.max_series, 1000)) {
    std::unique_lock shard_lock(shard.mu);
    if (shard.by_key.emplace(key, series).second) ++aliases_;
  }
  return series;
}

namespace {

// Pointers to the series sorted by their label values.
template <class S>
std::vector<const S*> Sorted(const std::deque<S>& list) {
  std::vector<const S*> out;
  out.reserve(list.size());
  for (const auto& s : list) out.push_back(&s);
  std::sort(out.begin(), out.end(), [](const S* a, const S* b) { return a->values < b->values; });
  return out;
}

}  // namespace

template <>
void Family<Counter>::Write(std::string* out) const {
  WriteHeader(out, name_, help_, Type::kCounter);
  std::lock_guard lock(mu_);
  for (const Series* s : Sorted(series_list_)) {
    *out += name_;
    WriteLabels(out, label_names_, s->values);
    *out += " " + FormatCount(s->metric.Value()) + "\n";
  }
}

template <>
void Family<Gauge>::Write(std::string* out) const {
  WriteHeader(out, name_, help_, Type::kGauge);
  std::lock_guard lock(mu_);
  for (const Series* s : Sorted(series_list_)) {
    *out += name_;
    WriteLabels(out, label_names_, s->values);
    *out += " " + FormatValue(s->metric.Value()) + "\n";
  }
}

template <>
void Family<Histogram>::Write(std::string* out) const {
  WriteHeader(out, name_, help_, Type::kHistogram);
  std::lock_guard lock(mu_);
  for (const Series* s : Sorted(series_list_)) {
    Histogram::Reading r = s->metric.Read();
    for (size_t i = 0; i < r.cumulative.size(); ++i) {
      *out += name_ + "_bucket";
      WriteLabels(out, label_names_, s->values, "le", i < bounds_.size() ? FormatValue(bounds_[i]) : "+Inf");
      *out += " " + FormatCount(r.cumulative[i]) + "\n";
    }
    *out += name_ + "_sum";
    WriteLabels(out, label_names_, s->values);
    *out += " " + FormatValue(r.sum) + "\n";
    *out += name_ + "_count";
    WriteLabels(out, label_names_, s->values);
    *out += " " + FormatCount(r.count) + "\n";
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// ---- registry ----------------------------------------------------------------

bool Registry::Check(const std::string& name, const std::vector<std::string>& labels, bool histogram) {
  auto fail = [this](std::string why) {
    if (status_.ok()) status_ = Status::InvalidArgument(std::move(why));
    return false;
  };
  if (!ValidMetricName(name))
    return fail("metric name '" + name + "' is not [a-zA-Z_:][a-zA-Z0-9_:]*; rename it");
  if (!names_.insert(name).second) return fail("metric " + name + " is registered twice; register it once");
  std::set<std::string_view> seen;
  for (const auto& l : labels) {
    if (!ValidLabelName(l) || (histogram && l == "le"))
      return fail("metric " + name + ": label name '" + l + "' is not [a-zA-Z_][a-zA-Z0-9_]* (no __ prefix, no le " +
                  "on a histogram); rename it");
    if (!seen.insert(l).second) return fail("metric " + name + ": label '" + l + "' is listed twice");
  }
  return true;
}

Family<Counter>& Registry::AddCounter(std::string name, std::string help, std::vector<std::string> labels,
                                      FamilyOptions options) {
  std::lock_guard lock(mu_);
  bool ok = Check(name, labels, false);
  auto f = std::make_unique<Family<Counter>>(std::move(name), std::move(help), std::move(labels), std::move(options));
  auto& ref = *f;
  if (ok) order_.push_back({false, families_.size()});
  families_.push_back(std::move(f));
  return ref;
}

Family<Gauge>& Registry::AddGauge(std::string name, std::string help, std::vector<std::string> labels,
                                  FamilyOptions options) {
  std::lock_guard lock(mu_);
  bool ok = Check(name, labels, false);
  auto f = std::make_unique<Family<Gauge>>(std::move(name), std::move(help), std::move(labels), std::move(options));
  auto& ref = *f;
  if (ok) order_.push_back({false, families_.size()});
  families_.push_back(std::move(f));
  return ref;
}

Family<Histogram>& Registry::AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                          std::vector<double> bounds, FamilyOptions options) {
  std::lock_guard lock(mu_);
  bool ok = Check(name, labels, true);
  if (ok && (bounds.empty() || bounds.size() > Histogram::kMaxBounds || !std::is_sorted(bounds.begin(), bounds.end()) ||
             std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end() ||
             std::any_of(bounds.begin(), bounds.end(), [](double b) { return !std::isfinite(b); }))) {
    if (status_.ok())
      status_ = Status::InvalidArgument("metric " + name + ": buckets must be 1 to " +
                                        std::to_string(Histogram::kMaxBounds) + " finite, ascending, distinct bounds");
    ok = false;
  }
  // A refused family still records (see the header), into +Inf only.
  if (!ok) bounds.clear();
  auto f = std::make_unique<Family<Histogram>>(std::move(name), std::move(help), std::move(labels),
                                               std::move(options), std::move(bounds));
  auto& ref = *f;
  if (ok) order_.push_back({false, families_.size()});
  families_.push_back(std::move(f));
  return ref;
}

void Registry::AddSampled(Type type, std::string name, std::string help, std::vector<std::string> labels,
                          Sampler sampler) {
  std::lock_guard lock(mu_);
  if (type == Type::kHistogram) {
    if (status_.ok()) status_ = Status::InvalidArgument("metric " + name + ": a sampled metric is a gauge or counter");
    return;
  }
  if (!Check(name, labels, false)) return;
  sampled_.push_back(std::make_shared<SampledFamily>(
      SampledFamily{type, std::move(name), std::move(help), std::move(labels), std::move(sampler)}));
  order_.push_back({true, sampled_.size() - 1});
}

std::string Registry::Expose() const {
  struct Item {
    const FamilyBase* family = nullptr;
    std::shared_ptr<SampledFamily> sampled;
  };
  std::vector<Item> items;
  {
    std::lock_guard lock(mu_);
    for (auto [is_sampled, i] : order_) {
      if (is_sampled) items.push_back({nullptr, sampled_[i]});
      else items.push_back({families_[i].get(), nullptr});
    }
  }
  // Families are never removed, so the pointers stay valid; samplers run
  // without our lock (they may take their own).
  std::string out;
  out.reserve(16 * 1024);
  for (const auto& item : items) {
    if (item.family) {
      item.family->Write(&out);
      continue;
    }
    const SampledFamily& f = *item.sampled;
    std::vector<Sample> samples = f.sampler ? f.sampler() : std::vector<Sample>{};
    std::sort(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) { return a.values < b.values; });
    WriteHeader(&out, f.name, f.help, f.type);
    for (const auto& s : samples) {
      std::vector<std::string> values;
      for (const auto& v : s.values) values.push_back(Sanitized(v));
      out += f.name;
      WriteLabels(&out, f.labels, values);
      out += " " + FormatValue(s.value) + "\n";
    }
  }
  return out;
}

Status Registry::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace provisiond::metrics
