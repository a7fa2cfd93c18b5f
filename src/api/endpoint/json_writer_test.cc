#include "api/endpoint/json_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/json_escape.h"

namespace provisiond::api::endpoint {
namespace {

TEST(JsonWriter, PlacesCommasAcrossNestedContainers) {
  JsonWriter w;
  w.BeginObject();
  w.Key("a").BeginArray().Int(1).String("x\"y").BeginObject().EndObject().BeginArray().EndArray().EndArray();
  w.Key("b").Null();
  w.Key("c").BeginObject().Key("d").Bool(true).Key("e").Double(7.5).EndObject();
  w.Key(std::string_view("k\n")).StringOrNull("");  // a literal needing escapes does not compile
  w.EndObject();
  EXPECT_EQ(w.text(), "{\"a\":[1,\"x\\\"y\",{},[]],\"b\":null,\"c\":{\"d\":true,\"e\":7.5},\"k\\n\":null}");
}

TEST(JsonWriter, StringsWritesAnArrayOfEscapedStrings) {
  JsonWriter w;
  w.BeginObject().Key("none").Strings({}).Key("two").Strings({"a", "b\"c"}).EndObject();
  EXPECT_EQ(w.text(), "{\"none\":[],\"two\":[\"a\",\"b\\\"c\"]}");
}

TEST(JsonWriter, StringsAndKeysEscapeLikeAppendJsonEscaped) {
  std::vector<std::string> inputs = {"", "plain", "a\"b", "\\x\\", "\x01\x1f\x7f", "caf\xC3\xA9", "\xFF\xC3("};
  for (int b = 0; b < 256; ++b) inputs.push_back(std::string("ab") + static_cast<char>(b) + "cd");
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  inputs.push_back(all);
  for (const auto& in : inputs) {
    SCOPED_TRACE(testing::PrintToString(in));
    std::string escaped;
    AppendJsonEscaped(escaped, in);
    JsonWriter w(1);  // tiny: every value grows the buffer
    w.BeginObject().Key(in).String(in).EndObject();
    EXPECT_EQ(w.text(), "{\"" + escaped + "\":\"" + escaped + "\"}");
  }
}

TEST(JsonWriter, LiteralAndRuntimeKeysWriteTheSame) {
  std::string runtime = "name";
  const char* pointer = "k\"q";  // a char pointer is escaped like any runtime key
  JsonWriter a;
  a.BeginObject().Key("name").Int(1).Key("source_kind").Null().Key(pointer).Null().EndObject();
  JsonWriter b;
  b.BeginObject().Key(runtime).Int(1).Key(std::string_view("source_kind")).Null().Key(std::string(pointer)).Null();
  b.EndObject();
  EXPECT_EQ(a.text(), "{\"name\":1,\"source_kind\":null,\"k\\\"q\":null}");
  EXPECT_EQ(a.text(), b.text());
}

TEST(JsonWriter, GrowsPastItsReserveAndTakeLeavesItEmpty) {
  JsonWriter w(4);
  w.BeginArray();
  std::string want = "[";
  for (int i = 0; i < 1000; ++i) {
    w.Int(-9223372036854775807LL - 1).Double(0.1).Bool(i % 2).Null().Raw("{}");
    want += (i ? "," : "") + std::string("-9223372036854775808,0.1,") + (i % 2 ? "true" : "false") + ",null,{}";
  }
  w.EndArray();
  want += "]";
  EXPECT_EQ(w.text(), want);
  EXPECT_EQ(w.Take(), want);
  EXPECT_EQ(w.text(), "");
  w.BeginObject().EndObject();
  EXPECT_EQ(w.Take(), "{}");
}

TEST(JsonWriter, NestsDeeperThanTheInlineStack) {
  JsonWriter w;
  for (int i = 0; i < 40; ++i) w.BeginArray().Int(i);
  for (int i = 0; i < 40; ++i) w.EndArray();
  std::string want;
  for (int i = 0; i < 40; ++i) want += (i ? ",[" : "[") + std::to_string(i);
  want += std::string(40, ']');
  EXPECT_EQ(w.text(), want);
}

}  // namespace
}  // namespace provisiond::api::endpoint
