// SHA-256 of content files, cached by file identity (device, inode, size,
// mtime, ctime): a replaced or rewritten file gets a new entry. Hashing
// streams the file in 1 MiB chunks. Large files are hashed by the cache's
// own bounded BackgroundQueue (ComputeLater), never on a request's thread.
// Safe from any thread; concurrent requests for the same file share one
// computation.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "api/content/background_queue.h"
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
  struct Options {
    size_t max_entries = 100000;  // beyond it the cache starts over (simple, bounded memory)
    size_t threads = 1;           // background hashing threads
    size_t queue_capacity = 4096;  // files waiting for them; more are refused (Busy)
    // Called on the hashing thread before each background hash (tests: hold
    // the worker, or throw).
    std::function<void(const std::string& real_path)> before_hash_for_testing;
  };
  enum class Queued { kQueued, kBusy };  // kBusy: queue full, nothing queued

  Sha256Cache() : Sha256Cache(Options()) {}
  explicit Sha256Cache(Options options);
  ~Sha256Cache();  // stops the worker; a hash in progress is abandoned
  Sha256Cache(const Sha256Cache&) = delete;
  Sha256Cache& operator=(const Sha256Cache&) = delete;

  // The cached lower-case hex digest, or nullopt.
  std::optional<std::string> Find(const FileIdentity& id) const;
  // Hashes the open file `fd` whose identity is `id` on the calling thread,
  // stores and returns the hex digest: for small files (or the queue's own
  // thread). IoError on a read failure; Conflict if the file changed while
  // it was read (nothing cached then).
  Result<std::string> Compute(int fd, const FileIdentity& id);
  // Records a digest computed elsewhere (an upload hashed while written).
  void Store(const FileIdentity& id, std::string hex);
  // Queues the file at canonical path `real_path` for the background worker
  // (started on first use). kQueued also when it is already queued or being
  // hashed; kBusy when the queue is full (ask again later). A failure of the
  // background hash is logged; the next ComputeLater tries again.
  Queued ComputeLater(std::string real_path);
  // Waits until the background queue is empty (tests).
  void DrainForTesting();

 private:
  Result<std::string> Hash(int fd, const FileIdentity& id);
  void HashInBackground(const std::string& real_path);

  const Options options_;
  mutable std::mutex mu_;
  std::map<FileIdentity, std::string> digests_;
  std::map<FileIdentity, std::shared_future<Result<std::string>>> in_flight_;
  std::set<std::string> queued_;  // paths queued or being hashed in the background
  std::atomic<bool> stop_{false};
  BackgroundQueue queue_;  // last: its threads stop before the rest goes
};

}  // namespace provisiond::api::content
