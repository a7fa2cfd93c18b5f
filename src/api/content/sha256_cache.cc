#include "api/content/sha256_cache.h"

#include <cstring>
#include <vector>

#include "pki/sha256.h"

namespace provisiond::api::content {
namespace {
constexpr size_t kChunk = 1 << 20;
constexpr size_t kMaxQueued = 10000;
}  // namespace

Sha256Cache::~Sha256Cache() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

std::optional<std::string> Sha256Cache::Find(const FileIdentity& id) const {
  std::lock_guard lock(mu_);
  auto it = digests_.find(id);
  if (it == digests_.end()) return std::nullopt;
  return it->second;
}

void Sha256Cache::Store(const FileIdentity& id, std::string hex) {
  std::lock_guard lock(mu_);
  if (digests_.size() >= max_entries_) digests_.clear();
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
  Result<std::string> result = Hash(fd, id);
  {
    std::lock_guard lock(mu_);
    in_flight_.erase(id);
    if (result.ok()) {
      if (digests_.size() >= max_entries_) digests_.clear();
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

void Sha256Cache::ComputeLater(std::string real_path) {
  {
    std::lock_guard lock(mu_);
    if (stop_ || queue_.size() >= kMaxQueued || !queued_.insert(real_path).second) return;
    queue_.push_back(std::move(real_path));
    if (!worker_.joinable()) worker_ = std::thread([this] { WorkerLoop(); });
  }
  work_cv_.notify_one();
}

void Sha256Cache::DrainForTesting() {
  std::unique_lock lock(mu_);
  idle_cv_.wait(lock, [&] { return (queue_.empty() && !busy_) || stop_; });
}

void Sha256Cache::WorkerLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) break;
    std::string path = std::move(queue_.front());
    queue_.pop_front();
    queued_.erase(path);
    busy_ = true;
    lock.unlock();
    platform::Fd fd;
    platform::FileStat st;
    if (platform::OpenNoFollow(path, false, &fd) == 0 && platform::Stat(fd.get(), &st) == 0 &&
        st.kind == platform::FileKind::kRegular) {
      (void)Compute(fd.get(), FileIdentity::Of(st));  // a failure is retried by the next listing
    }
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_cv_.notify_all();
  }
  busy_ = false;
  idle_cv_.notify_all();
}

}  // namespace provisiond::api::content
