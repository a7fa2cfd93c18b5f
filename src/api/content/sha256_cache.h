// SHA-256 of content files, cached by file identity (device, inode, size,
// mtime, ctime): a replaced or rewritten file gets a new entry. Hashing
// streams the file in 1 MiB chunks. A background worker hashes files a
// listing could not wait for. Safe from any thread; concurrent requests for
// the same file share one computation.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <tuple>

#include "base/status.h"
#include "platform/file.h"

namespace provisiond::api::content {

struct FileIdentity {
  uint64_t device = 0, inode = 0, size = 0;
  int64_t mtime_ns = 0, ctime_ns = 0;

  static FileIdentity Of(const platform::FileStat& st) {
    return {st.device, st.inode, st.size, st.mtime_ns, st.ctime_ns};
  }
  auto Tie() const { return std::tie(device, inode, size, mtime_ns, ctime_ns); }
  friend bool operator<(const FileIdentity& a, const FileIdentity& b) { return a.Tie() < b.Tie(); }
  friend bool operator==(const FileIdentity& a, const FileIdentity& b) { return a.Tie() == b.Tie(); }
};

class Sha256Cache {
 public:
  // Beyond `max_entries` the cache starts over (simple, bounded memory).
  explicit Sha256Cache(size_t max_entries = 100000) : max_entries_(max_entries) {}
  ~Sha256Cache();  // stops the worker; a hash in progress is abandoned
  Sha256Cache(const Sha256Cache&) = delete;
  Sha256Cache& operator=(const Sha256Cache&) = delete;

  // The cached lower-case hex digest, or nullopt.
  std::optional<std::string> Find(const FileIdentity& id) const;
  // Hashes the open file `fd` whose identity is `id`, stores and returns the
  // hex digest. IoError on a read failure; Conflict if the file changed while
  // it was read (nothing cached then).
  Result<std::string> Compute(int fd, const FileIdentity& id);
  // Records a digest computed elsewhere (an upload hashed while written).
  void Store(const FileIdentity& id, std::string hex);
  // Queues the file at canonical path `real_path` for the background worker
  // (started on first use). Duplicates and a full queue are dropped.
  void ComputeLater(std::string real_path);
  // Waits until the background queue is empty (tests).
  void DrainForTesting();

 private:
  Result<std::string> Hash(int fd, const FileIdentity& id);
  void WorkerLoop();

  const size_t max_entries_;
  mutable std::mutex mu_;
  std::map<FileIdentity, std::string> digests_;
  std::map<FileIdentity, std::shared_future<Result<std::string>>> in_flight_;

  std::condition_variable work_cv_, idle_cv_;
  std::deque<std::string> queue_;
  std::set<std::string> queued_;
  bool busy_ = false;
  std::atomic<bool> stop_{false};
  std::thread worker_;
};

}  // namespace provisiond::api::content
