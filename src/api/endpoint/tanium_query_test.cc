#include "api/endpoint/tanium_query.h"

#include <gtest/gtest.h>

namespace provisiond::api::endpoint {
namespace {

Request Make(std::string query, std::string body = {}, std::string content_type = {}) {
  Request r;
  r.method = body.empty() ? "GET" : "POST";
  r.query = ParseQuery(query);
  r.body = std::move(body);
  if (!content_type.empty()) r.headers.Add("Content-Type", content_type);
  return r;
}

TEST(TaniumQuery, SpellingsAndFormsEachFieldFromTheFirstPlaceThatGivesIt) {
  struct Case {
    const char* name;
    Request req;
    std::string serial, model;
  } cases[] = {
      {"nothing", Make(""), "", ""},
      {"query, trimmed", Make("serial=%20S1%20&model=M1"), "S1", "M1"},
      {"query, original spellings", Make("SerialNumber=S1&ComputerModel=M1"), "S1", "M1"},
      {"query, any case", Make("SERIALNUMBER=S1&computermodel=M1"), "S1", "M1"},
      {"a blank value does not count", Make("serial=&Serial=S2&model=%20&Model=M2"), "S2", "M2"},
      {"query wins over the body", Make("model=Q", R"({"model":"B","serial":"S"})", "application/json"), "S",
       "Q"},
      {"JSON body without content type", Make("", R"({"SerialNumber":"S1","Model":"M1"})"), "S1", "M1"},
      {"JSON numbers as text", Make("", R"({"serial":12345,"model":true})", "application/json"), "12345", ""},
      {"form body", Make("", "serialNumber=S+1&computerModel=HP%20840", "application/x-www-form-urlencoded"),
       "S 1", "HP 840"},
      {"neither JSON nor a form: ignored", Make("", "serial=S1", "text/plain"), "", ""},
      {"a JSON array: ignored", Make("", R"(["serial","S1"])", "application/json"), "", ""},
      {"other names are not read", Make("sn=S1&computer_model=M1&name=x"), "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TaniumQuery q = ReadTaniumQuery(c.req);
    EXPECT_EQ(q.serial, c.serial);
    EXPECT_EQ(q.model, c.model);
  }
}

}  // namespace
}  // namespace provisiond::api::endpoint
