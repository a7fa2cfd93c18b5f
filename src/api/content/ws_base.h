// Fills the service's external base URL into the customer scripts served
// from Provision/: endpoints then call back the address they reached. Pure.
#pragma once

#include <string>
#include <string_view>

namespace provisiond::api::content {

// True for "<Provision>/.../*.ps1" and "*.psm1" (case-insensitive): the scripts
// served with $WsBase filled in.
bool IsTemplatedScript(std::string_view rel);

// Returns `script` with every line assigning a literal to $WsBase
// (`$WsBase = '...'` or `"..."`, optionally `[string]$WsBase`, at the start
// of a line) set to `base_url`, and every `{{WsBase}}` / `__WSBASE__`
// placeholder replaced by it. Everything else, line endings and a BOM
// included, is kept byte for byte.
std::string RenderWsBase(std::string_view script, std::string_view base_url);

}  // namespace provisiond::api::content
