// The admin UI's live side: the event stream (Server-Sent Events, resumable
// with Last-Event-ID) and the pending devices a person confirms.
#pragma once

#include <memory>

#include "api/endpoint/service.h"
#include "api/router.h"

namespace provisiond::api::admin {

// GET /api/v1/admin/events (viewer), GET /pending (viewer),
// POST /pending/{serial}/confirm and DELETE /pending/{serial} (operator).
void RegisterLiveRoutes(Router& router, std::shared_ptr<endpoint::Service> service);

}  // namespace provisiond::api::admin
