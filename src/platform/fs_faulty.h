// FaultyFs: a test double that forwards to another Fs and fails the Nth
// step that changes the disk (Open, Write, Sync, Close, Rename, SyncDir,
// Remove, MakeDirs), counting from 0. Reads and Stat never fail. A hook
// sees every call first, reads included, and may throw. Not thread-safe on
// its own: the store serialises writes; set the hook before sharing it.
#pragma once

#include <cerrno>
#include <cstdint>
#include <functional>
#include <limits>
#include <string_view>

#include "platform/fs.h"

namespace provisiond::platform {

class FaultyFs final : public Fs {
 public:
  // base must outlive this.
  explicit FaultyFs(Fs& base) : base_(base) {}

  // Fails the `n`th mutating step from now on (0 = the next one) with `err`;
  // resets fired().
  void FailAt(uint64_t n, int err = EIO) {
    fail_at_ = count_ + n;
    fired_ = false;
    err_ = err;
  }
  void Disarm() { fail_at_ = std::numeric_limits<uint64_t>::max(); }
  // Runs `hook(step, path)` at the start of every call ("read", "stat",
  // "list", "mkdir", "open", "write", "fsync", "close", "rename", "fsync dir",
  // "unlink"); it may throw, to test what a caller does with an exception.
  void SetHook(std::function<void(std::string_view step, const std::string& path)> hook) {
    hook_ = std::move(hook);
  }
  // Mutating steps seen so far.
  uint64_t count() const { return count_; }
  bool fired() const { return fired_; }

  FsError ReadFile(const std::string& p, std::string* out) override {
    Hook("read", p);
    return base_.ReadFile(p, out);
  }
  FsError Stat(const std::string& p, FsStat* out) override {
    Hook("stat", p);
    return base_.Stat(p, out);
  }
  FsError ListDir(const std::string& d, std::vector<std::string>* out) override {
    Hook("list", d);
    return base_.ListDir(d, out);
  }
  FsError MakeDirs(const std::string& d) override {
    Hook("mkdir", d);
    if (Fire()) return {err_, "mkdir", d};
    return base_.MakeDirs(d);
  }
  FsError Open(const std::string& p, bool append, int* fd) override {
    Hook("open", p);
    if (Fire()) return {err_, "open", p};
    return base_.Open(p, append, fd);
  }
  FsError Write(int fd, std::string_view data, const std::string& p) override {
    Hook("write", p);
    if (Fire()) {
      // A real failing write may have written a prefix: do the same.
      (void)base_.Write(fd, data.substr(0, data.size() / 2), p);
      return {err_, "write", p};
    }
    return base_.Write(fd, data, p);
  }
  FsError Sync(int fd, const std::string& p) override {
    Hook("fsync", p);
    if (Fire()) return {err_, "fsync", p};
    return base_.Sync(fd, p);
  }
  FsError Close(int fd, const std::string& p) override {
    Hook("close", p);
    if (Fire()) {
      (void)base_.Close(fd, p);  // the descriptor is gone either way (POSIX close)
      return {err_, "close", p};
    }
    return base_.Close(fd, p);
  }
  FsError Rename(const std::string& from, const std::string& to) override {
    Hook("rename", from);
    if (Fire()) return {err_, "rename", from};
    return base_.Rename(from, to);
  }
  FsError SyncDir(const std::string& d) override {
    Hook("fsync dir", d);
    if (Fire()) return {err_, "fsync dir", d};
    return base_.SyncDir(d);
  }
  FsError Remove(const std::string& p) override {
    Hook("unlink", p);
    if (Fire()) return {err_, "unlink", p};
    return base_.Remove(p);
  }

 private:
  void Hook(std::string_view step, const std::string& path) {
    if (hook_) hook_(step, path);
  }
  bool Fire() {
    bool f = count_++ == fail_at_;
    fired_ = fired_ || f;
    return f;
  }

  Fs& base_;
  uint64_t count_ = 0;
  uint64_t fail_at_ = std::numeric_limits<uint64_t>::max();
  int err_ = EIO;
  bool fired_ = false;
  std::function<void(std::string_view, const std::string&)> hook_;
};

}  // namespace provisiond::platform
