// Framing of concatenated JSON values and JSON-RPC message decoding.
#include "ovsdb/error.h"
#include "ovsdb/framing.h"
#include "ovsdb/message.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

std::vector<nlohmann::json> drain(ovsdb::Framer& f) {
  std::vector<nlohmann::json> out;
  while (auto m = f.next()) out.push_back(*m);
  return out;
}

TEST(Framer, SeveralMessagesInOneRead) {
  ovsdb::Framer f;
  f.feed(R"({"id":1,"result":[]} {"id":2,"result":{}}
{"method":"echo","params":[],"id":"x"})");
  auto msgs = drain(f);
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[1]["id"], 2);
  EXPECT_EQ(msgs[2]["method"], "echo");
  EXPECT_TRUE(f.idle());
}

TEST(Framer, MessageSplitAcrossReadsByteByByte) {
  std::string text = R"({"id":7,"result":{"a":[1,2,{"b":"}"}]}})";
  ovsdb::Framer f;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    f.feed(text.substr(i, 1));
    EXPECT_FALSE(f.next().has_value()) << "at byte " << i;
  }
  EXPECT_FALSE(f.idle());
  f.feed(text.substr(text.size() - 1));
  auto msgs = drain(f);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0]["result"]["a"][2]["b"], "}");
}

TEST(Framer, BracesAndEscapedQuotesInsideStrings) {
  ovsdb::Framer f;
  f.feed(R"({"s":"{[\"}]\\","t":"\\"}{"u":1})");
  auto msgs = drain(f);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0]["s"], "{[\"}]\\");
  EXPECT_EQ(msgs[0]["t"], "\\");
  EXPECT_EQ(msgs[1]["u"], 1);
}

TEST(Framer, LargeMessage) {
  std::string big(5 << 20, 'x');
  nlohmann::json j = {{"id", 1}, {"result", big}};
  std::string text = j.dump();
  ovsdb::Framer f;
  for (std::size_t i = 0; i < text.size(); i += 65536) f.feed(std::string_view(text).substr(i, 65536));
  auto msgs = drain(f);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0]["result"].get<std::string>().size(), big.size());
}

TEST(Framer, OverLimitMessageIsAnErrorAndTheFramerStaysFailed) {
  ovsdb::Framer f(1024);
  std::string text = R"({"id":1,"result":")" + std::string(2000, 'a') + "\"}";
  try {
    f.feed(text);
    FAIL();
  } catch (const ovsdb::Error& e) {
    EXPECT_EQ(e.error(), "protocol error");
    EXPECT_NE(e.details().find("1024"), std::string::npos);
  }
  EXPECT_THROW(f.feed("{}"), ovsdb::Error);
}

TEST(Framer, GarbageAtTopLevelIsAnError) {
  ovsdb::Framer f;
  EXPECT_THROW(f.feed("hello"), ovsdb::Error);
  ovsdb::Framer g;
  EXPECT_THROW(g.feed("{} 42"), ovsdb::Error);
}

TEST(Framer, MalformedJsonIsAnErrorAtParse) {
  for (const char* bad : {R"({"a":})", R"({"a" 1})", "{\"a\":\"\xff\xfe\"}", R"({"a":[1,2}])", R"({"a":tru})"}) {
    ovsdb::Framer f;
    try {
      f.feed(bad);
      f.next();
      FAIL() << bad;
    } catch (const ovsdb::Error& e) {
      EXPECT_EQ(e.error(), "protocol error") << bad;
    }
  }
}

TEST(Message, DecodesEveryKind) {
  using T = ovsdb::Message::Type;
  EXPECT_EQ(ovsdb::Message::from_json({{"method", "echo"}, {"params", nlohmann::json::array()}, {"id", 3}}).type,
            T::Request);
  EXPECT_EQ(ovsdb::Message::from_json({{"method", "update"}, {"params", {1, 2}}, {"id", nullptr}}).type,
            T::Notification);
  auto r = ovsdb::Message::from_json({{"result", {1}}, {"error", nullptr}, {"id", 4}});
  EXPECT_EQ(r.type, T::Reply);
  EXPECT_EQ(r.id, 4);
  auto e = ovsdb::Message::from_json({{"result", nullptr}, {"error", "unknown method"}, {"id", 5}});
  EXPECT_EQ(e.type, T::Error);
  EXPECT_EQ(e.error, "unknown method");
}

TEST(Message, RoundTrip) {
  auto m = ovsdb::Message::request("transact", {"db", {{"op", "comment"}}}, 9);
  auto back = ovsdb::Message::from_json(nlohmann::json::parse(ovsdb::encode(m.to_json())));
  EXPECT_EQ(back.method, "transact");
  EXPECT_EQ(back.params, m.params);
  EXPECT_EQ(back.id, 9);
}

TEST(Message, RejectsBadShapes) {
  for (const auto& j : {nlohmann::json::array(), nlohmann::json{{"method", 1}, {"params", {}}, {"id", 1}},
                        nlohmann::json{{"method", "x"}, {"params", 3}, {"id", 1}}, nlohmann::json{{"id", 1}},
                        nlohmann::json{{"result", 1}}}) {
    EXPECT_THROW(ovsdb::Message::from_json(j), ovsdb::Error) << j.dump();
  }
}

TEST(Encode, InvalidUtf8IsAnError) { EXPECT_THROW(ovsdb::encode(nlohmann::json("\xff")), ovsdb::Error); }

}  // namespace
