#include "api/endpoint/service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

#include "api/endpoint/test_env_for_testing.h"

namespace provisiond::api::endpoint {
namespace {

using testing::Env;
using testing::OriginalData;

// The default runner (its own thread): a task that throws is logged and the
// next task still runs; the destructor still drains the queue.
TEST(ServiceRunner, ThrowingTaskDoesNotEndTheRunner) {
  Env env(OriginalData());
  std::atomic<int> ran{0};
  {
    ProvisioningDeps deps;
    deps.store = env.store;
    Service s(std::move(deps));
    s.RunLater([] { throw std::runtime_error("injected background failure"); });
    s.RunLater([] { throw 42; });  // not even a std::exception
    s.RunLater([&ran] { ++ran; });
  }  // joins after the queue is done
  EXPECT_EQ(ran.load(), 1);
}

}  // namespace
}  // namespace provisiond::api::endpoint
