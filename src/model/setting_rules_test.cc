#include "model/setting_rules.h"

#include <gtest/gtest.h>

namespace provisiond::model {
namespace {

TEST(ValidateSetting, RangesOfTheEndpointTlsPolicy) {
  struct Case {
    const char* key;
    const char* value;
    bool ok;
  };
  const Case cases[] = {
      {"OptionalTLSMinAttemptCount", "1", true},
      {"OptionalTLSMinAttemptCount", "100", true},
      {"OptionalTLSMinAttemptCount", "0", false},
      {"OptionalTLSMinAttemptCount", "101", false},
      {"OptionalTLSMinAttemptCount", "-3", false},
      {"OptionalTLSMinAttemptCount", "3x", false},
      {"OptionalTLSMinAttemptCount", "2.5", false},
      {"OptionalTLSMinAttemptCount", " 7 ", true},
      {"OptionalTLSMinAttemptCount", "", true},  // blank: the default applies
      {"optionaltlsminattemptcount", "0", false},  // keys are case-insensitive
      {"endpoint.OptionalTLSMinAttemptCount", "0", false},
      {"OptionalTLSBackoffIntervalSeconds", "86400", true},
      {"OptionalTLSBackoffIntervalSeconds", "86401", false},
      {"OptionalTLSBackoffIntervalSeconds", "0", false},
      {"OptionalTLSMaxBackoffSeconds", "3600", true},
      {"OptionalTLSMaxBackoffSeconds", "99999999999999999999", false},
      {"ReportingTLSMode", "2", true},
      {"ReportingTLSMode", "3", false},
      {"stale_timeout_minutes", "whatever", true},  // no range: not checked here
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.key) + "=" + c.value);
    EXPECT_EQ(ValidateSetting(c.key, c.value).ok(), c.ok);
  }
}

TEST(ValidateSetting, MessageNamesTheKeyTheRangeAndTheValue) {
  Status s = ValidateSetting("OptionalTLSMaxBackoffSeconds", "0");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "OptionalTLSMaxBackoffSeconds: must be an integer 1..86400, got '0'");
}

}  // namespace
}  // namespace provisiond::model
