#include "base/metrics.h"

#include <thread>

#include <gtest/gtest.h>

namespace provisiond::metrics {
namespace {

// The sum of the values of the exposition lines that start with `prefix`.
uint64_t SumOf(const std::string& text, std::string_view prefix) {
  uint64_t sum = 0;
  size_t p = 0;
  while (p < text.size()) {
    size_t end = text.find('\n', p);
    std::string_view line(text.data() + p, end - p);
    if (line.starts_with(prefix)) sum += std::stoull(std::string(line.substr(line.rfind(' ') + 1)));
    p = end + 1;
  }
  return sum;
}

TEST(Metrics, CounterIsExposedWithHelpTypeAndSortedSeries) {
  Registry r;
  auto& c = r.AddCounter("pv_requests_total", "Requests answered.", {"route", "code"});
  c.With({"/b", "200"}).Inc(3);
  c.With({"/a", "404"}).Inc();
  c.With({"/b", "200"}).Inc();
  ASSERT_TRUE(r.status().ok()) << r.status().ToString();
  EXPECT_EQ(r.Expose(),
            "# HELP pv_requests_total Requests answered.\n"
            "# TYPE pv_requests_total counter\n"
            "pv_requests_total{route=\"/a\",code=\"404\"} 1\n"
            "pv_requests_total{route=\"/b\",code=\"200\"} 4\n");
}

TEST(Metrics, FamiliesWithoutLabelsAndGauges) {
  Registry r;
  r.AddGauge("pv_up", "1 when up.").With({}).Set(1);
  auto& g = r.AddGauge("pv_temp", "Degrees.", {"room"});
  g.With({"x"}).Set(21.5);
  g.With({"x"}).Add(-0.25);
  EXPECT_EQ(r.Expose(),
            "# HELP pv_up 1 when up.\n# TYPE pv_up gauge\npv_up 1\n"
            "# HELP pv_temp Degrees.\n# TYPE pv_temp gauge\npv_temp{room=\"x\"} 21.25\n");
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  Registry r;
  r.AddCounter("pv_x_total", "back\\slash and\nnewline", {"v"}).With({"a\"b\\c\nd"}).Inc();
  EXPECT_EQ(r.Expose(),
            "# HELP pv_x_total back\\\\slash and\\nnewline\n"
            "# TYPE pv_x_total counter\n"
            "pv_x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(Metrics, InvalidUtf8AndLongValuesAreMadeSafe) {
  Registry r;
  auto& c = r.AddCounter("pv_x_total", "x", {"v"});
  c.With({"caf\xff"}).Inc();
  c.With({std::string(500, 'm')}).Inc();
  std::string text = r.Expose();
  EXPECT_NE(text.find("v=\"caf?\""), std::string::npos) << text;
  EXPECT_NE(text.find("v=\"" + std::string(kMaxLabelValueBytes, 'm') + "\""), std::string::npos);
  EXPECT_EQ(text.find(std::string(kMaxLabelValueBytes + 1, 'm')), std::string::npos);
}

TEST(Metrics, ValuesPastALabelCapFoldIntoOther) {
  Registry r;
  FamilyOptions o;
  o.max_values = {2, 0};  // model capped at 2, status uncapped
  auto& c = r.AddCounter("pv_d_total", "x", {"model", "status"}, o);
  c.With({"A", "ok"}).Inc();
  c.With({"B", "ok"}).Inc();
  c.With({"C", "ok"}).Inc();
  c.With({"D", "error"}).Inc();
  c.With({"C", "ok"}).Inc();  // again: the same folded series (through its alias)
  c.With({"A", "error"}).Inc();  // an admitted value stays itself
  EXPECT_EQ(&c.With({"C", "ok"}), &c.With({"D", "ok"}));
  EXPECT_EQ(c.With({"other", "ok"}).Value(), 2u);
  EXPECT_EQ(c.With({"other", "error"}).Value(), 1u);
  EXPECT_EQ(c.With({"A", "error"}).Value(), 1u);
  std::string text = r.Expose();
  EXPECT_EQ(text.find("model=\"C\""), std::string::npos) << text;
  EXPECT_EQ(c.SeriesCount(), 5u);  // A/ok B/ok other/ok other/error A/error
}

TEST(Metrics, SeriesCapSendsNewLabelSetsToAllOther) {
  Registry r;
  FamilyOptions o;
  o.max_series = 2;
  auto& c = r.AddCounter("pv_d_total", "x", {"a", "b"}, o);
  c.With({"1", "1"}).Inc();
  c.With({"2", "2"}).Inc();
  c.With({"3", "3"}).Inc();
  c.With({"4", "4"}).Inc();
  EXPECT_EQ(c.With({"other", "other"}).Value(), 2u);
  EXPECT_EQ(c.SeriesCount(), 3u);  // the cap, plus the one "other" series
}

TEST(Metrics, HistogramBucketsAreCumulativeWithSumAndCount) {
  Registry r;
  auto& h = r.AddHistogram("pv_latency_seconds", "x", {"route"}, {0.1, 1, 10});
  auto& s = h.With({"/a"});
  for (double v : {0.05, 0.1, 0.5, 2.0, 20.0}) s.Observe(v);
  auto reading = s.Read();
  EXPECT_EQ(reading.cumulative, (std::vector<uint64_t>{2, 3, 4, 5}));  // 0.1 is "le 0.1"
  EXPECT_EQ(reading.count, 5u);
  EXPECT_DOUBLE_EQ(reading.sum, 22.65);
  EXPECT_EQ(r.Expose(),
            "# HELP pv_latency_seconds x\n# TYPE pv_latency_seconds histogram\n"
            "pv_latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 2\n"
            "pv_latency_seconds_bucket{route=\"/a\",le=\"1\"} 3\n"
            "pv_latency_seconds_bucket{route=\"/a\",le=\"10\"} 4\n"
            "pv_latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 5\n"
            "pv_latency_seconds_sum{route=\"/a\"} 22.65\n"
            "pv_latency_seconds_count{route=\"/a\"} 5\n");
}

TEST(Metrics, SampledGaugesAreReadAtEachExposition) {
  Registry r;
  double value = 3;
  r.AddSampled(Type::kGauge, "pv_open", "x", {"kind"}, [&value] {
    return std::vector<Sample>{{{"b"}, value}, {{"a"}, 1}};
  });
  EXPECT_EQ(r.Expose(), "# HELP pv_open x\n# TYPE pv_open gauge\npv_open{kind=\"a\"} 1\npv_open{kind=\"b\"} 3\n");
  value = 7;
  EXPECT_NE(r.Expose().find("pv_open{kind=\"b\"} 7\n"), std::string::npos);
}

TEST(Metrics, BadRegistrationsAreRefusedAndNotExposed) {
  struct Case {
    const char* name;
    std::function<void(Registry&)> add;
    const char* want;  // in the error
  };
  std::vector<Case> cases = {
      {"bad name", [](Registry& r) { r.AddCounter("9lives", "x"); }, "9lives"},
      {"bad label", [](Registry& r) { r.AddCounter("pv_a", "x", {"bad-label"}); }, "bad-label"},
      {"reserved label", [](Registry& r) { r.AddCounter("pv_a", "x", {"__x"}); }, "__x"},
      {"le on histogram", [](Registry& r) { r.AddHistogram("pv_h", "x", {"le"}, {1}); }, "le"},
      {"twice", [](Registry& r) { r.AddCounter("pv_a", "x"); r.AddGauge("pv_a", "y"); }, "twice"},
      {"same label twice", [](Registry& r) { r.AddCounter("pv_a", "x", {"a", "a"}); }, "listed twice"},
      {"unsorted buckets", [](Registry& r) { r.AddHistogram("pv_h", "x", {}, {2, 1}); }, "ascending"},
      {"no buckets", [](Registry& r) { r.AddHistogram("pv_h", "x", {}, {}); }, "ascending"},
      {"too many buckets",
       [](Registry& r) {
         std::vector<double> b;
         for (int i = 1; i <= 31; ++i) b.push_back(i);
         r.AddHistogram("pv_h", "x", {}, b).With({}).Observe(40);  // refused, still safe to record
       },
       "1 to 30"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Registry r;
    c.add(r);
    ASSERT_FALSE(r.status().ok());
    EXPECT_NE(r.status().message().find(c.want), std::string::npos) << r.status().message();
  }
  Registry r;
  r.AddCounter("pv_a_total", "x").With({}).Inc();
  r.AddCounter("pv_a_total", "again").With({}).Inc();  // refused: the first stays, once
  EXPECT_EQ(r.Expose(), "# HELP pv_a_total x\n# TYPE pv_a_total counter\npv_a_total 1\n");
}

TEST(Metrics, FormatValue) {
  struct Case {
    double v;
    const char* want;
  };
  for (const auto& c : std::vector<Case>{{0, "0"}, {1, "1"}, {0.25, "0.25"}, {1e6, "1e+06"}, {-2.5, "-2.5"},
                                         {1.0 / 0.0, "+Inf"}, {-1.0 / 0.0, "-Inf"}, {0.0 / 0.0, "NaN"}}) {
    EXPECT_EQ(FormatValue(c.v), c.want);
  }
}

TEST(Metrics, ConcurrentRecordingLosesNothing) {
  Registry r;
  FamilyOptions o;
  o.max_values = {3};
  auto& c = r.AddCounter("pv_c_total", "x", {"k"}, o);
  auto& h = r.AddHistogram("pv_h", "x", {"k"}, {1, 2});
  constexpr int kThreads = 4, kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string k = std::to_string((i + t) % 10);  // 10 values, 3 admitted
        c.With({k}).Inc();
        h.With({k}).Observe(1.5);
        if (i % 1000 == 0) (void)r.Expose();  // scrapes while writing
      }
    });
  }
  for (auto& th : threads) th.join();
  // Each value was either admitted (3 of them) or folded into other.
  EXPECT_EQ(c.SeriesCount(), 4u);
  std::string text = r.Expose();
  EXPECT_EQ(SumOf(text, "pv_c_total{"), static_cast<uint64_t>(kThreads) * kEach) << text;
  EXPECT_EQ(SumOf(text, "pv_h_count{"), static_cast<uint64_t>(kThreads) * kEach) << text;
  EXPECT_EQ(SumOf(text, "pv_h_bucket{k=\"other\",le=\"1\"}"), 0u);
}

}  // namespace
}  // namespace provisiond::metrics
