#include "api/content/sha256_cache.h"

#include <cstring>
#include <exception>
#include <vector>

#include "base/log.h"
#include "pki/sha256.h"

namespace provisiond::api::content {
namespace {
constexpr size_t kChunk = 1 << 20;
}  // namespace

Sha256Cache::Sha256Cache(Options options)
    : options_(std::move(options)), queue_({options_.threads, options_.queue_capacity, "sha256"}) {}

Sha256Cache::~Sha256Cache() {
  stop_ = true;  // a hash in progress returns at its next chunk
  queue_.Stop();
}

std::optional<std::string> Sha256Cache::Find(const FileIdentity& id) const {
  std::lock_guard lock(mu_);
  auto it = digests_.find(id);
  if (it == digests_.end()) return std::nullopt;
  return it->second;
}

void Sha256Cache::Store(const FileIdentity& id, std::string hex) {
  std::lock_guard lock(mu_);
  if (digests_.size() >= options_.max_entries) digests_.clear();
  digests_[id] = std::move(hex);
}

Result<std::string> Sha256Cache::Compute(int fd, const FileIdentity& id) {
  std::promise<Result<std::string>> promise;
  std::shared_future<Result<std::string>> shared;
  bool owner = false;
  {
    std::lock_guard lock(mu_);
    if (auto it = digests_.find(id); it != digests_.end()) return it->second;
    if (auto it = in_flight_.find(id); it != in_flight_.end()) {
      shared = it->second;
    } else {
      shared = promise.get_future().share();
      in_flight_.emplace(id, shared);
      owner = true;
    }
  }
  if (!owner) return shared.get();  // another request is reading this very file
  // Whatever Hash does, the in-flight entry is settled below: an escaped
  // exception would leave it forever and every later request for this file
  // waiting on a broken promise.
  Result<std::string> result = Status::Internal("SHA-256 computation did not finish");
  try {
    result = Hash(fd, id);
  } catch (const std::exception& e) {
    result = Status::Internal(std::string("SHA-256 computation failed: ") + e.what());
  }
  {
    std::lock_guard lock(mu_);
    in_flight_.erase(id);
    if (result.ok()) {
      if (digests_.size() >= options_.max_entries) digests_.clear();
      digests_[id] = *result;
    }
  }
  promise.set_value(result);
  return result;
}

Result<std::string> Sha256Cache::Hash(int fd, const FileIdentity& id) {
  pki::Sha256 hasher;
  std::vector<char> buffer(kChunk);
  uint64_t offset = 0;
  for (;;) {
    if (stop_) return Status::Unavailable("shutting down");
    size_t got = 0;
    if (int e = platform::ReadChunk(fd, buffer.data(), buffer.size(), offset, &got))
      return Status::IoError("sha256", std::strerror(e));
    if (got == 0) break;
    hasher.Update(buffer.data(), got);
    offset += got;
  }
  platform::FileStat after;
  if (platform::Stat(fd, &after) != 0 || !(FileIdentity::Of(after) == id) || offset != id.size)
    return Status::Conflict("file changed while its SHA-256 was computed; ask again");
  return pki::ToHex(hasher.Finish());
}

Sha256Cache::Queued Sha256Cache::ComputeLater(std::string real_path) {
  {
    std::lock_guard lock(mu_);
    if (queued_.count(real_path)) return Queued::kQueued;
    queued_.insert(real_path);
  }
  if (queue_.Submit([this, real_path] { HashInBackground(real_path); })) return Queued::kQueued;
  std::lock_guard lock(mu_);
  queued_.erase(real_path);
  return Queued::kBusy;
}

void Sha256Cache::DrainForTesting() { queue_.DrainForTesting(); }

void Sha256Cache::HashInBackground(const std::string& real_path) {
  // Forgotten as queued whatever happens (even an exception), so the next
  // request queues the file again instead of waiting for nothing.
  struct Unqueue {
    Sha256Cache* cache;
    const std::string& path;
    ~Unqueue() {
      std::lock_guard lock(cache->mu_);
      cache->queued_.erase(path);
    }
  } unqueue{this, real_path};
  Result<std::string> hex = std::string();
  try {
    if (options_.before_hash_for_testing) options_.before_hash_for_testing(real_path);
    platform::Fd fd;
    platform::FileStat st;
    if (platform::OpenNoFollow(real_path, false, &fd) != 0 || platform::Stat(fd.get(), &st) != 0 ||
        st.kind != platform::FileKind::kRegular)
      return;  // gone or replaced by a folder meanwhile: nothing to hash
    hex = Compute(fd.get(), FileIdentity::Of(st));
  } catch (const std::exception& e) {
    hex = Status::Internal(e.what());  // logged with the file below; the queue catches anything else
  }
  if (!hex.ok() && hex.status().code() != StatusCode::kUnavailable)
    LogWarning("background SHA-256 failed; the next request tries again",
               {{"path", real_path}, {"error", hex.status().ToString()}});
}

}  // namespace provisiond::api::content
