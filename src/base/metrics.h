// A small Prometheus metrics registry: counters, gauges and histograms with
// fixed buckets, in families keyed by label values, exposed in the text
// format 0.0.4 (HELP and TYPE lines, escaped label values, sorted series).
//
// Cardinality is bounded where the values come from outside (a device's
// model, a deployment phase): a label may be capped at N distinct values,
// and a family at a total number of series; a value past a cap is folded
// into "other". Values longer than kMaxLabelValueBytes are cut, and bytes
// that are not UTF-8 become '?', so a scrape always parses.
//
// Thread rule: everything is safe from any thread. Recording (Inc, Set,
// Observe) is a relaxed atomic, counters and histograms in one of kCells
// cache lines per thread; With() on a series already seen takes a shared
// lock of one of kShards shards; only a new series takes an exclusive lock. Expose() copies the
// values without stopping writers (a scrape is a consistent-enough view,
// as with every Prometheus client).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace provisiond::metrics {

inline constexpr std::string_view kOther = "other";
inline constexpr size_t kMaxLabelValueBytes = 128;

// Which of kCells a thread records into: recording threads rarely share a
// cache line, so a counter every request bumps does not bounce between
// cores. Readers add the cells up.
inline constexpr size_t kCells = 4;
size_t CellOfThisThread();

class Counter {
 public:
  void Inc(uint64_t n = 1) { cells_[CellOfThisThread()].value.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const;

 private:
  struct alignas(64) Cell {
    std::atomic<uint64_t> value{0};
  };
  Cell cells_[kCells];
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Buckets are upper bounds ("le"), ascending; +Inf is implicit.
class Histogram {
 public:
  static constexpr size_t kMaxBounds = 30;  // the registry refuses more
  // `bounds` must outlive this (the family owns them).
  // REQUIRES: bounds->size() <= kMaxBounds.
  explicit Histogram(const std::vector<double>* bounds);
  // Counts `v` in the first bucket whose bound is >= v (Prometheus "le").
  void Observe(double v);

  struct Reading {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Reading Read() const;

 private:
  struct alignas(64) Cell {
    std::atomic<uint64_t> buckets[kMaxBounds + 1] = {};  // not cumulative; the last is +Inf
    std::atomic<double> sum{0};
  };
  const std::vector<double>* bounds_;
  std::unique_ptr<Cell[]> cells_;  // kCells
};

// Caps of one family. 0: no cap.
struct FamilyOptions {
  // Per label (same order as the label names): at most this many distinct
  // values; later ones become "other". Shorter than the label list: the
  // rest are uncapped.
  std::vector<size_t> max_values;
  // All series of the family; past it, new label sets go to the series
  // whose every value is "other".
  size_t max_series = 10'000;
};

enum class Type { kCounter, kGauge, kHistogram };
std::string_view TypeName(Type t);

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::vector<std::string> label_names, FamilyOptions options);
  virtual ~FamilyBase() = default;
  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  virtual Type type() const = 0;
  // Appends HELP, TYPE and every series (sorted by label values).
  virtual void Write(std::string* out) const = 0;
  // Number of series created (aliases of folded values not counted).
  size_t SeriesCount() const;

 protected:
  static constexpr size_t kShards = 8;
  struct Shard {
    mutable std::shared_mutex mu;
    std::unordered_map<std::string, void*> by_key;  // raw or capped key -> series; guarded by mu
  };
  // The series for `values` (created by `make` when new): the lookup the
  // typed families share. REQUIRES: values.size() == label_names().size().
  void* Find(std::initializer_list<std::string_view> values, const std::function<void*(std::vector<std::string>)>& make);
  // What a new label set becomes after sanitising and the caps; guarded by mu_.
  std::vector<std::string> Capped(std::initializer_list<std::string_view> values);

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const FamilyOptions options_;
  mutable std::mutex mu_;  // the series lists of the typed families, the caps below
  std::vector<std::set<std::string, std::less<>>> admitted_;  // per label; guarded by mu_
  size_t series_ = 0;                                         // guarded by mu_
  size_t aliases_ = 0;                                        // guarded by mu_
  Shard shards_[kShards];
};

// One family of metrics of type M (Counter, Gauge or Histogram).
template <class M>
class Family final : public FamilyBase {
 public:
  Family(std::string name, std::string help, std::vector<std::string> label_names, FamilyOptions options,
         std::vector<double> bounds = {})
      : FamilyBase(std::move(name), std::move(help), std::move(label_names), std::move(options)),
        bounds_(std::move(bounds)) {}
  Type type() const override {
    if constexpr (std::is_same_v<M, Counter>) return Type::kCounter;
    else if constexpr (std::is_same_v<M, Gauge>) return Type::kGauge;
    else return Type::kHistogram;
  }
  // The series of these label values (one per label name, in order),
  // created at 0 when new. The reference stays valid as long as the family.
  M& With(std::initializer_list<std::string_view> values) {
    return *static_cast<M*>(Find(values, [this](std::vector<std::string> capped) -> void* {
      // Called under mu_: the deque only grows, so references stay valid.
      if constexpr (std::is_same_v<M, Histogram>) return &series_list_.emplace_back(std::move(capped), &bounds_).metric;
      else return &series_list_.emplace_back(std::move(capped)).metric;
    }));
  }
  void Write(std::string* out) const override;

 private:
  struct Series {
    template <class... Args>
    explicit Series(std::vector<std::string> v, Args... args) : values(std::move(v)), metric(args...) {}
    std::vector<std::string> values;
    M metric;
  };
  std::vector<double> bounds_;     // histograms only
  std::deque<Series> series_list_;  // guarded by mu_
};

template <>
void Family<Counter>::Write(std::string* out) const;
template <>
void Family<Gauge>::Write(std::string* out) const;
template <>
void Family<Histogram>::Write(std::string* out) const;
extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

// A value computed at scrape time (open connections, store generation,
// certificate expiry): label values in the family's order, and the value.
struct Sample {
  std::vector<std::string> values;
  double value = 0;
};
using Sampler = std::function<std::vector<Sample>()>;

class Registry {
 public:
  // Add* return the family to record into. A bad name (not
  // [a-zA-Z_:][a-zA-Z0-9_:]*), label (not [a-zA-Z_][a-zA-Z0-9_]*, "__" or
  // "le" prefix...), unsorted buckets or a name used twice makes status()
  // an error and the family is not exposed (recording into it still works).
  Family<Counter>& AddCounter(std::string name, std::string help, std::vector<std::string> labels = {},
                              FamilyOptions options = {});
  Family<Gauge>& AddGauge(std::string name, std::string help, std::vector<std::string> labels = {},
                          FamilyOptions options = {});
  Family<Histogram>& AddHistogram(std::string name, std::string help, std::vector<std::string> labels,
                                  std::vector<double> bounds, FamilyOptions options = {});
  // A gauge (or counter) whose samples `sampler` returns at each Expose(),
  // called without any lock of the registry held.
  void AddSampled(Type type, std::string name, std::string help, std::vector<std::string> labels, Sampler sampler);

  // The text exposition (format 0.0.4), families in the order added.
  std::string Expose() const;
  // Ok, or the first registration error (InvalidArgument naming the metric).
  Status status() const;

  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  struct SampledFamily {
    Type type;
    std::string name, help;
    std::vector<std::string> labels;
    Sampler sampler;
  };
  bool Check(const std::string& name, const std::vector<std::string>& labels, bool histogram);

  mutable std::mutex mu_;
  // Families in the order added; an entry is either owned or sampled.
  std::vector<std::unique_ptr<FamilyBase>> families_;  // guarded by mu_
  std::vector<std::shared_ptr<SampledFamily>> sampled_;  // guarded by mu_
  std::vector<std::pair<bool, size_t>> order_;           // (sampled?, index); guarded by mu_
  std::set<std::string> names_;                          // guarded by mu_
  Status status_ = Status::Ok();                         // guarded by mu_
};

// Text-format helpers (exposed for tests).
// HELP text: backslash and newline escaped.
std::string EscapeHelp(std::string_view s);
// Label value: backslash, double quote and newline escaped.
std::string EscapeLabelValue(std::string_view s);
// "1", "0.25", "1e+06", "+Inf", "-Inf", "NaN": shortest text that reads back the same.
std::string FormatValue(double v);

}  // namespace provisiond::metrics
