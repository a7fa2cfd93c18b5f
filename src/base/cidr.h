// IPv4/IPv6 networks in CIDR notation ("10.0.0.0/8", "::1/128", or a bare
// address meaning a host). IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) match
// IPv4 networks. Immutable value; safe to share.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace provisiond {

class Cidr {
 public:
  // InvalidArgument naming the text and what is wrong with it.
  static Result<Cidr> Parse(std::string_view text);
  bool Contains(std::string_view address) const;
  const std::string& text() const { return text_; }
  // The first and last address of the network, in the 16-byte form
  // (IPv4 as v4-mapped): byte arrays compare in address order.
  std::array<uint8_t, 16> First() const;
  std::array<uint8_t, 16> Last() const;

 private:
  std::array<uint8_t, 16> bytes_{};  // IPv4 stored as v4-mapped IPv6
  int prefix_bits_ = 0;              // of the 128-bit form
  std::string text_;
};

// Parses an address into 16 bytes (IPv4 as v4-mapped). False if not an address.
bool ParseIpAddress(std::string_view text, std::array<uint8_t, 16>* out);

// Sorted, merged address ranges: Contains() is a binary search, not a scan
// of the networks it was built from.
class AddressRanges {
 public:
  using Address = std::array<uint8_t, 16>;
  void Add(const Cidr& c) { ranges_.push_back({c.First(), c.Last()}); }
  void Build();  // REQUIRES: before Contains(); after the last Add()
  bool Contains(const Address& a) const;
  bool empty() const { return ranges_.empty(); }

 private:
  std::vector<std::pair<Address, Address>> ranges_;
};

// A list of networks; Contains() is true if any matches.
class CidrList {
 public:
  static Result<CidrList> Parse(const std::vector<std::string>& items);
  bool Contains(std::string_view address) const;
  bool empty() const { return items_.empty(); }
  const std::vector<Cidr>& items() const { return items_; }

 private:
  std::vector<Cidr> items_;
};

}  // namespace provisiond
