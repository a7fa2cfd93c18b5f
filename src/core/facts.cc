#include "core/facts.h"

#include <cmath>

#include "base/strings.h"

namespace provisiond::core {
namespace {

Status CheckText(std::string_view field, std::string_view value) {
  if (value.size() > kMaxFactBytes) {
    return Status::BadField("facts." + std::string(field),
                            std::to_string(value.size()) + " bytes, at most " +
                                   std::to_string(kMaxFactBytes) + " allowed");
  }
  if (!IsValidUtf8(value)) {
    return Status::InvalidArgument("facts." + std::string(field) +
                                   ": not valid UTF-8; send the value as UTF-8 text");
  }
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("facts." + std::string(field) +
                                     ": control character at offset " + std::to_string(i));
    }
  }
  return Status::Ok();
}

Status CheckNumber(std::string_view field, std::optional<double> v, double max) {
  if (!v) return Status::Ok();
  if (!std::isfinite(*v) || *v < 0 || *v > max) {
    return Status::BadField("facts." + std::string(field), std::to_string(*v) +
                                   " is outside 0.." + std::to_string(static_cast<long>(max)));
  }
  return Status::Ok();
}

}  // namespace

Status ValidateFacts(const Facts& f) {
  PV_RETURN_IF_ERROR(CheckText("serial", f.serial));
  PV_RETURN_IF_ERROR(CheckText("make", f.make));
  PV_RETURN_IF_ERROR(CheckText("model", f.model));
  PV_RETURN_IF_ERROR(CheckText("uuid", f.uuid));
  PV_RETURN_IF_ERROR(CheckText("os_name", f.os_name));
  PV_RETURN_IF_ERROR(CheckText("os_version", f.os_version));
  PV_RETURN_IF_ERROR(CheckText("os_build", f.os_build));
  PV_RETURN_IF_ERROR(CheckText("firmware", f.firmware));
  PV_RETURN_IF_ERROR(CheckText("client_version", f.client_version));
  if (f.country) PV_RETURN_IF_ERROR(CheckText("country", *f.country));
  if (f.macs.size() > kMaxMacs) {
    return Status::BadField("facts.macs", std::to_string(f.macs.size()) +
                                   " addresses, at most " + std::to_string(kMaxMacs));
  }
  for (size_t i = 0; i < f.macs.size(); ++i)
    PV_RETURN_IF_ERROR(CheckText("macs[" + std::to_string(i) + "]", f.macs[i]));
  // Bounds far above real machines: they only catch garbage and overflow.
  PV_RETURN_IF_ERROR(CheckNumber("ram_gb", f.ram_gb, 1 << 20));
  PV_RETURN_IF_ERROR(CheckNumber("disk_gb", f.disk_gb, 1 << 30));
  if (f.cpu_count) {
    PV_RETURN_IF_ERROR(CheckNumber("cpu_count", static_cast<double>(*f.cpu_count), 1 << 16));
  }
  return Status::Ok();
}

}  // namespace provisiond::core
