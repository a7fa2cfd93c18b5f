// Store benchmark (not a test): load time, durable single-row update
// latency and RSS for a data directory. Usage: store_bench DATA_DIR [UPDATES]
// The directory is modified (computer names are rewritten).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "store/csv/csv_store.h"

namespace {

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

double Ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  using namespace provisiond;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATA_DIR [UPDATES]\n", argv[0]);
    return 2;
  }
  int updates = argc > 2 ? std::atoi(argv[2]) : 200;
  store::CsvStoreOptions o;
  o.data_dir = argv[1];
  o.reload_interval = std::chrono::milliseconds(0);
  o.log = [](LogLevel, const std::string&) {};
  long rss0 = RssKb();
  auto t0 = std::chrono::steady_clock::now();
  auto s = store::CsvStore::Open(o);
  auto t1 = std::chrono::steady_clock::now();
  if (!s.ok()) {
    std::fprintf(stderr, "open: %s\n", s.status().ToString().c_str());
    return 1;
  }
  auto snap = (*s)->Snapshot();
  std::printf("loaded: %zu computers, %zu apps, %zu driver rules, %zu type rows\n", snap->computers.size(),
              snap->apps.size(), snap->drivers.size(), snap->type_apps.size());
  std::printf("load time: %.1f ms\n", Ms(t1 - t0));
  std::printf("RSS after load: %.1f MiB (before open %.1f MiB)\n", RssKb() / 1024.0, rss0 / 1024.0);
  // Where one update's time goes, phase by phase.
  {
    auto a = std::chrono::steady_clock::now();
    auto copy = std::make_shared<model::Tables>(*snap);
    auto b = std::chrono::steady_clock::now();
    copy->BuildIndexes();
    auto c = std::chrono::steady_clock::now();
    std::string text = store::EncodeFile(store::TableId::kComputers, *copy);
    auto d = std::chrono::steady_clock::now();
    auto e = platform::ReplaceFile(platform::PosixFs(), std::string(argv[1]) + "/bench-probe.csv", text, true);
    auto f = std::chrono::steady_clock::now();
    model::Tables parsed;
    auto err = store::DecodeFile(store::TableId::kComputers, text, &parsed);
    auto g = std::chrono::steady_clock::now();
    std::printf("phases at %zu computers: copy %.1f ms, indexes %.1f ms, encode %.1f ms (%zu bytes), "
                "durable replace %.1f ms%s, decode %.1f ms\n",
                snap->computers.size(), Ms(b - a), Ms(c - b), Ms(d - c), text.size(), Ms(f - d),
                e.ok() ? "" : " (failed)", Ms(g - f));
    (void)err;
    (void)platform::PosixFs().Remove(std::string(argv[1]) + "/bench-probe.csv");
    // The flush's encoder: first encode, then after a one-row change.
    store::ComputersEncoder enc;
    auto h = std::chrono::steady_clock::now();
    std::string first = enc.Encode(*copy, {});
    auto k = std::chrono::steady_clock::now();
    model::Computer one = copy->computers[copy->computers.size() / 2];
    one.notes = "probe";
    copy->SetComputer(copy->computers.size() / 2, one);
    auto l = std::chrono::steady_clock::now();
    std::string again = enc.Encode(*copy, {});
    auto m = std::chrono::steady_clock::now();
    std::printf("chunk-cached encode: first %.1f ms, after a one-row change %.1f ms (%zu of %zu chunks); "
                "one-row copy+SetComputer %.3f ms\n",
                Ms(k - h), Ms(m - l), enc.encoded_chunks_for_testing(), copy->computers.chunks().size(), Ms(l - k));
  }
  std::vector<double> lat;
  size_t n = snap->computers.size();
  if (n == 0) return 0;
  for (int i = 0; i < updates; ++i) {
    auto cur = (*s)->Snapshot();
    model::Computer c = cur->computers[(static_cast<size_t>(i) * 7919) % n];
    c.notes = "bench " + std::to_string(i);
    auto a = std::chrono::steady_clock::now();
    auto r = (*s)->PutComputer(c, c.version);
    auto b = std::chrono::steady_clock::now();
    if (!r.ok()) {
      std::fprintf(stderr, "update: %s\n", r.status().ToString().c_str());
      return 1;
    }
    lat.push_back(Ms(b - a));
  }
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) { return lat[std::min(lat.size() - 1, static_cast<size_t>(p * lat.size()))]; };
  std::printf("durable single-row update (%d, fsync on): p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", updates,
              pct(0.50), pct(0.99), lat.back());
  std::printf("RSS after updates: %.1f MiB\n", RssKb() / 1024.0);
  auto f0 = std::chrono::steady_clock::now();
  Status fl = (*s)->Flush();
  auto f1 = std::chrono::steady_clock::now();
  std::printf("final flush of pending changes: %.1f ms%s\n", Ms(f1 - f0), fl.ok() ? "" : " (failed)");
  return 0;
}
