// The admin API of webhooks: the configured targets (no secrets), what is
// pending, the dead letters (retry or discard), and a test delivery.
#pragma once

#include <memory>

#include "api/router.h"
#include "api/webhooks/dispatcher.h"

namespace provisiond::api::webhooks {

// GET /api/v1/admin/webhooks, POST /api/v1/admin/webhooks/test,
// POST /api/v1/admin/webhooks/dead/{id}/retry, DELETE /api/v1/admin/webhooks/dead/{id}
// (admin). `dispatcher` null: no target configured (listed empty, test 409).
void RegisterWebhookRoutes(Router& router, std::shared_ptr<Dispatcher> dispatcher);

}  // namespace provisiond::api::webhooks
