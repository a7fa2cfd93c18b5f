// The source check of an application or driver location, as the admin sees
// it on the form (the original's "check link"): a content-hub path is looked
// up on disk (size, SHA-256), an HTTP(S) URL gets a HEAD from the server
// (short timeout, each redirect shown), a UNC or local path is only
// checkable on the endpoint, and the answer says so.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/content/hub_entry.h"
#include "api/endpoint/service.h"
#include "api/outbound_http.h"
#include "api/router.h"
#include "core/variables.h"

namespace provisiond::api::admin {

// Where a location leads, before anything is fetched. Pure.
struct SourceTarget {
  core::SourceKind kind = core::SourceKind::kLocal;
  std::string resolved;                    // [baseurl] and %VAR% replaced
  std::vector<std::string> unknown;        // %VAR% left for the endpoint (%SERIAL%, ...)
  std::optional<std::string> hub_path;     // set when `resolved` is this service's /file/ (decoded)
};
SourceTarget TargetOf(std::string_view location, std::string_view base_url, const core::Variables& vars);

// One hop of an HTTP(S) check.
struct Hop {
  std::string url;
  int status = 0;
  std::string location;  // the Location answered, as sent
};
struct UrlCheck {
  std::vector<Hop> hops;  // the last one is the final answer (or the failure's URL)
  std::string method;     // HEAD, or GET when the server refused HEAD
  Status failure;         // a hop could not be made (timeout, TLS, DNS)
  OutboundResponse final;  // headers of the last answer
  bool too_many_redirects = false;
};
// Follows up to `max_redirects` redirects from `url` with HEAD (GET with
// "Range: bytes=0-0", header only, where HEAD gets 405/501), all within
// `timeout`.
UrlCheck CheckUrl(const OutboundHttp& http, std::string url, int max_redirects, std::chrono::milliseconds timeout);

struct SourceCheckDeps {
  std::shared_ptr<endpoint::Service> service;  // the config (%DeployRoot%)
  std::function<Result<content::HubEntry>(std::string_view rel)> hub;  // null: hub paths not checked
  OutboundHttp http;                                                  // null: URLs not checked
  size_t max_in_flight = 4;  // more checks at once get 429
  int max_redirects = 5;
  std::chrono::milliseconds timeout{5000};
};

// POST /api/v1/admin/source-check {"source": "..."} (operator; blocking).
void RegisterSourceCheckRoute(Router& router, SourceCheckDeps deps);

}  // namespace provisiond::api::admin
