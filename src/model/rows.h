// Row containers that let consecutive snapshots share what did not change,
// so a write builds the next model::Tables by copying only what it touches.
//
// CowVector<T>: a small table (apps, drivers, types...) behind one
// shared_ptr. Copying it shares the rows; the first mutation of a copy
// copies the rows once (copy-on-write). Reads look like std::vector.
// RowList<T>: a large table (computers) as fixed-size chunks of shared rows.
// Copying it copies the chunk list (size / kChunkSize pointers); Set() and
// PushBack() copy one chunk of pointers; rows themselves are never copied
// and a row's address stays the same in every snapshot that holds it.
//
// Thread rule: const members are safe from any thread on a shared value
// (published snapshots are const); a mutation needs the value to itself,
// like std::vector. Every mutation takes a new stamp() (unique in the
// process), which lets an index know whether it is still current.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace provisiond::model {

// A process-wide counter: every call returns a new value (never 0).
uint64_t NextTableStamp();

template <class T>
class CowVector {
 public:
  using value_type = T;
  using const_iterator = typename std::vector<T>::const_iterator;
  // Iteration never copies (even on a non-const value): change rows through
  // operator[], push_back, erase... or Mutable().
  using iterator = const_iterator;

  CowVector() = default;
  CowVector(std::vector<T> rows)  // NOLINT: implicit, reads like a vector
      : rows_(std::make_shared<std::vector<T>>(std::move(rows))), stamp_(NextTableStamp()) {}
  CowVector(std::initializer_list<T> rows) : CowVector(std::vector<T>(rows)) {}
  CowVector& operator=(std::vector<T> rows) {
    rows_ = std::make_shared<std::vector<T>>(std::move(rows));
    stamp_ = NextTableStamp();
    return *this;
  }
  CowVector& operator=(std::initializer_list<T> rows) { return *this = std::vector<T>(rows); }

  size_t size() const { return rows_ ? rows_->size() : 0; }
  bool empty() const { return size() == 0; }
  const T& operator[](size_t i) const { return (*rows_)[i]; }
  const T& front() const { return rows_->front(); }
  const T& back() const { return rows_->back(); }
  const_iterator begin() const { return items().begin(); }
  const_iterator end() const { return items().end(); }
  // The rows as a vector (no copy).
  const std::vector<T>& items() const { return rows_ ? *rows_ : Empty(); }
  uint64_t stamp() const { return stamp_; }

  // The rows to change in place: copied first if another value shares them.
  std::vector<T>& Mutable() {
    if (!rows_) rows_ = std::make_shared<std::vector<T>>();
    else if (rows_.use_count() > 1) rows_ = std::make_shared<std::vector<T>>(*rows_);
    stamp_ = NextTableStamp();
    return *rows_;
  }
  T& operator[](size_t i) { return Mutable()[i]; }
  T& back() { return Mutable().back(); }
  void push_back(T row) { Mutable().push_back(std::move(row)); }
  void clear() { *this = std::vector<T>(); }
  const_iterator erase(const_iterator pos) {
    auto offset = pos - begin();
    auto& v = Mutable();
    return v.erase(v.begin() + offset);
  }

  friend bool operator==(const CowVector& a, const CowVector& b) { return a.items() == b.items(); }
  friend bool operator==(const CowVector& a, const std::vector<T>& b) { return a.items() == b; }

 private:
  static const std::vector<T>& Empty() {
    static const std::vector<T> empty;
    return empty;
  }
  std::shared_ptr<std::vector<T>> rows_;  // changed only while not shared
  uint64_t stamp_ = 0;
};

template <class T>
class RowList {
 public:
  static constexpr size_t kChunkShift = 9;
  static constexpr size_t kChunkSize = size_t{1} << kChunkShift;  // rows per chunk (the last may hold fewer)
  using Chunk = std::vector<std::shared_ptr<const T>>;
  using value_type = T;

  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;
    const_iterator() = default;
    const_iterator(const RowList* list, size_t i) : list_(list), i_(i) {}
    const T& operator*() const { return (*list_)[i_]; }
    const T* operator->() const { return &(*list_)[i_]; }
    const_iterator& operator++() { ++i_; return *this; }
    const_iterator operator++(int) { auto t = *this; ++i_; return t; }
    const_iterator& operator--() { --i_; return *this; }
    const_iterator& operator+=(difference_type n) { i_ += static_cast<size_t>(n); return *this; }
    const_iterator operator+(difference_type n) const { return {list_, i_ + static_cast<size_t>(n)}; }
    difference_type operator-(const const_iterator& o) const {
      return static_cast<difference_type>(i_) - static_cast<difference_type>(o.i_);
    }
    const T& operator[](difference_type n) const { return (*list_)[i_ + static_cast<size_t>(n)]; }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }
    auto operator<=>(const const_iterator& o) const { return i_ <=> o.i_; }

   private:
    const RowList* list_ = nullptr;
    size_t i_ = 0;
  };
  using iterator = const_iterator;

  RowList() = default;
  RowList(std::vector<T> rows) { Assign(std::move(rows)); }  // NOLINT: implicit, reads like a vector
  RowList(std::initializer_list<T> rows) { Assign(std::vector<T>(rows)); }
  RowList& operator=(std::vector<T> rows) {
    Assign(std::move(rows));
    return *this;
  }
  RowList& operator=(std::initializer_list<T> rows) { return *this = std::vector<T>(rows); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](size_t i) const { return *(*chunks_[i >> kChunkShift])[i & (kChunkSize - 1)]; }
  const T& front() const { return (*this)[0]; }
  const T& back() const { return (*this)[size_ - 1]; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }
  // The shared row at `i` (the same object in every snapshot holding it).
  const std::shared_ptr<const T>& Share(size_t i) const { return (*chunks_[i >> kChunkShift])[i & (kChunkSize - 1)]; }
  // Chunks in order: each full but the last. A chunk is never changed once
  // built, so its address identifies its content (encoders cache by it).
  const std::vector<std::shared_ptr<const Chunk>>& chunks() const { return chunks_; }
  uint64_t stamp() const { return stamp_; }

  // Replaces row `i`: copies one chunk of pointers. REQUIRES: i < size().
  void Set(size_t i, T row) {
    auto chunk = std::make_shared<Chunk>(*chunks_[i >> kChunkShift]);
    (*chunk)[i & (kChunkSize - 1)] = std::make_shared<const T>(std::move(row));
    chunks_[i >> kChunkShift] = std::move(chunk);
    stamp_ = NextTableStamp();
  }
  // Appends a row: copies the last chunk's pointers (or starts a chunk).
  void PushBack(T row) {
    std::shared_ptr<Chunk> chunk;
    if (size_ % kChunkSize == 0) {
      chunk = std::make_shared<Chunk>();
      chunk->reserve(kChunkSize);
      chunks_.push_back(nullptr);
    } else {
      chunk = std::make_shared<Chunk>();
      chunk->reserve(kChunkSize);
      *chunk = *chunks_.back();
    }
    chunk->push_back(std::make_shared<const T>(std::move(row)));
    chunks_.back() = std::move(chunk);
    ++size_;
    stamp_ = NextTableStamp();
  }
  // Removes row `i`: the rows after it move up one place, so the chunks from
  // i's on are rebuilt (pointer copies only; rows are shared). REQUIRES: i < size().
  void Erase(size_t i) {
    size_t first = i >> kChunkShift;
    std::vector<std::shared_ptr<const T>> tail;
    tail.reserve(size_ - first * kChunkSize);
    for (size_t c = first; c < chunks_.size(); ++c)
      for (const auto& r : *chunks_[c]) tail.push_back(r);
    tail.erase(tail.begin() + static_cast<std::ptrdiff_t>(i - first * kChunkSize));
    chunks_.resize(first);
    for (size_t k = 0; k < tail.size(); k += kChunkSize) {
      size_t end = std::min(tail.size(), k + kChunkSize);
      chunks_.push_back(std::make_shared<const Chunk>(tail.begin() + static_cast<std::ptrdiff_t>(k),
                                                      tail.begin() + static_cast<std::ptrdiff_t>(end)));
    }
    --size_;
    stamp_ = NextTableStamp();
  }

  // Calls f(row) on every row in order; where it returns a value, that value
  // replaces the row. Copies each chunk at most once (bulk changes on load).
  template <class F>
  void Transform(F f) {
    bool changed = false;
    for (auto& chunk : chunks_) {
      std::shared_ptr<Chunk> copy;
      for (size_t k = 0; k < chunk->size(); ++k) {
        std::optional<T> v = f(*(*chunk)[k]);
        if (!v) continue;
        if (!copy) copy = std::make_shared<Chunk>(*chunk);
        (*copy)[k] = std::make_shared<const T>(std::move(*v));
      }
      if (copy) {
        chunk = std::move(copy);
        changed = true;
      }
    }
    if (changed) stamp_ = NextTableStamp();
  }

  friend bool operator==(const RowList& a, const RowList& b) {
    if (a.size_ != b.size_) return false;
    for (size_t i = 0; i < a.size_; ++i)
      if (!(a[i] == b[i])) return false;
    return true;
  }

 private:
  void Assign(std::vector<T> rows) {
    chunks_.clear();
    chunks_.reserve((rows.size() + kChunkSize - 1) / kChunkSize);
    for (size_t k = 0; k < rows.size(); k += kChunkSize) {
      auto chunk = std::make_shared<Chunk>();
      size_t end = std::min(rows.size(), k + kChunkSize);
      chunk->reserve(end - k);
      for (size_t i = k; i < end; ++i) chunk->push_back(std::make_shared<const T>(std::move(rows[i])));
      chunks_.push_back(std::move(chunk));
    }
    size_ = rows.size();
    stamp_ = NextTableStamp();
  }

  std::vector<std::shared_ptr<const Chunk>> chunks_;
  size_t size_ = 0;
  uint64_t stamp_ = 0;
};

}  // namespace provisiond::model
