#include "base/cidr.h"

#include <algorithm>

#include <charconv>

#include "base/strings.h"

namespace provisiond {
namespace {

bool ParseV4(std::string_view s, uint8_t out[4]) {
  for (int i = 0; i < 4; ++i) {
    size_t dot = s.find('.');
    std::string_view part = i < 3 ? s.substr(0, dot) : s;
    if ((i < 3 && dot == std::string_view::npos) || part.empty() || part.size() > 3) return false;
    unsigned v = 0;
    auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || p != part.data() + part.size() || v > 255) return false;
    out[i] = static_cast<uint8_t>(v);
    if (i < 3) s.remove_prefix(dot + 1);
  }
  return true;
}

bool ParseV6(std::string_view s, std::array<uint8_t, 16>* out) {
  // Split into the part before and after "::"; each is colon-separated hex
  // groups, the last group may be an embedded IPv4 address.
  std::array<uint16_t, 8> groups{};
  auto parse_side = [](std::string_view side, std::vector<uint16_t>& g) {
    if (side.empty()) return true;
    size_t start = 0;
    while (true) {
      size_t colon = side.find(':', start);
      std::string_view part = side.substr(start, colon == std::string_view::npos ? side.npos : colon - start);
      if (colon == std::string_view::npos && part.find('.') != std::string_view::npos) {
        uint8_t v4[4];
        if (!ParseV4(part, v4)) return false;
        g.push_back(static_cast<uint16_t>(v4[0] << 8 | v4[1]));
        g.push_back(static_cast<uint16_t>(v4[2] << 8 | v4[3]));
        return true;
      }
      if (part.empty() || part.size() > 4) return false;
      unsigned v = 0;
      auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v, 16);
      if (ec != std::errc() || p != part.data() + part.size()) return false;
      g.push_back(static_cast<uint16_t>(v));
      if (colon == std::string_view::npos) return true;
      start = colon + 1;
    }
  };
  std::vector<uint16_t> head, tail;
  size_t dc = s.find("::");
  if (dc != std::string_view::npos) {
    if (s.find("::", dc + 1) != std::string_view::npos) return false;
    if (!parse_side(s.substr(0, dc), head) || !parse_side(s.substr(dc + 2), tail)) return false;
    if (head.size() + tail.size() > 7) return false;
  } else {
    if (!parse_side(s, head) || head.size() != 8) return false;
  }
  for (size_t i = 0; i < head.size(); ++i) groups[i] = head[i];
  for (size_t i = 0; i < tail.size(); ++i) groups[8 - tail.size() + i] = tail[i];
  for (int i = 0; i < 8; ++i) {
    (*out)[2 * i] = static_cast<uint8_t>(groups[i] >> 8);
    (*out)[2 * i + 1] = static_cast<uint8_t>(groups[i] & 0xff);
  }
  return true;
}

}  // namespace

bool ParseIpAddress(std::string_view text, std::array<uint8_t, 16>* out) {
  text = Trim(text);
  if (!text.empty() && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (size_t pct = text.find('%'); pct != std::string_view::npos) text = text.substr(0, pct);  // zone id
  uint8_t v4[4];
  if (text.find(':') == std::string_view::npos) {
    if (!ParseV4(text, v4)) return false;
    *out = {};
    (*out)[10] = (*out)[11] = 0xff;
    for (int i = 0; i < 4; ++i) (*out)[12 + i] = v4[i];
    return true;
  }
  return ParseV6(text, out);
}

Result<Cidr> Cidr::Parse(std::string_view text) {
  Cidr c;
  c.text_ = std::string(Trim(text));
  std::string_view t = c.text_;
  size_t slash = t.find('/');
  std::string_view addr = t.substr(0, slash);
  if (!ParseIpAddress(addr, &c.bytes_)) {
    return Status::InvalidArgument("'" + c.text_ + "' is not an IP network: '" + std::string(addr) +
                                   "' is not an IPv4 or IPv6 address (example: 10.0.0.0/8, ::1/128)");
  }
  bool v4 = addr.find(':') == std::string_view::npos;
  int max_bits = v4 ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    std::string_view b = t.substr(slash + 1);
    auto [p, ec] = std::from_chars(b.data(), b.data() + b.size(), bits);
    if (b.empty() || ec != std::errc() || p != b.data() + b.size() || bits < 0 || bits > max_bits) {
      return Status::InvalidArgument("'" + c.text_ + "': prefix length must be 0.." +
                                     std::to_string(max_bits));
    }
  }
  c.prefix_bits_ = v4 ? bits + 96 : bits;
  return c;
}

bool Cidr::Contains(std::string_view address) const {
  std::array<uint8_t, 16> a;
  if (!ParseIpAddress(address, &a)) return false;
  int bits = prefix_bits_;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a[i] & mask) != (bytes_[i] & mask)) return false;
  }
  return true;
}

std::array<uint8_t, 16> Cidr::First() const {
  std::array<uint8_t, 16> a = bytes_;
  int bits = prefix_bits_;
  for (int i = 0; i < 16; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - bits));
    a[i] &= mask;
  }
  return a;
}

std::array<uint8_t, 16> Cidr::Last() const {
  std::array<uint8_t, 16> a = bytes_;
  int bits = prefix_bits_;
  for (int i = 0; i < 16; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - bits));
    a[i] = static_cast<uint8_t>((a[i] & mask) | ~mask);
  }
  return a;
}

void AddressRanges::Build() {
  std::sort(ranges_.begin(), ranges_.end());
  std::vector<std::pair<Address, Address>> merged;
  for (const auto& r : ranges_) {
    if (!merged.empty() && r.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  ranges_ = std::move(merged);
}

bool AddressRanges::Contains(const Address& a) const {
  // The last range starting at or before `a`.
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), a,
                             [](const Address& x, const std::pair<Address, Address>& r) { return x < r.first; });
  if (it == ranges_.begin()) return false;
  --it;
  return a <= it->second;
}

Result<CidrList> CidrList::Parse(const std::vector<std::string>& items) {
  CidrList list;
  for (const auto& item : items) {
    PV_ASSIGN_OR_RETURN(Cidr c, Cidr::Parse(item));
    list.items_.push_back(std::move(c));
  }
  return list;
}

bool CidrList::Contains(std::string_view address) const {
  for (const auto& c : items_)
    if (c.Contains(address)) return true;
  return false;
}

}  // namespace provisiond
