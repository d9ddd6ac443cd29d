// JSON-RPC message encoding and shape validation (see message.h).
#include "ovsdb/message.h"

#include "ovsdb/error.h"

namespace ovsdb {

Message Message::request(std::string method, nlohmann::json params, nlohmann::json id) {
  Message m;
  m.type = Type::Request;
  m.method = std::move(method);
  m.params = std::move(params);
  m.id = std::move(id);
  return m;
}

Message Message::notification(std::string method, nlohmann::json params) {
  Message m;
  m.type = Type::Notification;
  m.method = std::move(method);
  m.params = std::move(params);
  return m;
}

Message Message::reply(nlohmann::json result, nlohmann::json id) {
  Message m;
  m.type = Type::Reply;
  m.result = std::move(result);
  m.id = std::move(id);
  return m;
}

Message Message::error_reply(nlohmann::json error, nlohmann::json id) {
  Message m;
  m.type = Type::Error;
  m.error = std::move(error);
  m.id = std::move(id);
  return m;
}

nlohmann::json Message::to_json() const {
  switch (type) {
    case Type::Request:
      return {{"method", method}, {"params", params}, {"id", id}};
    case Type::Notification:
      return {{"method", method}, {"params", params}, {"id", nullptr}};
    case Type::Reply:
      return {{"result", result}, {"error", nullptr}, {"id", id}};
    case Type::Error:
      return {{"result", nullptr}, {"error", error}, {"id", id}};
  }
  return {};
}

Message Message::from_json(const nlohmann::json& j) {
  auto bad = [](const std::string& why) { return Error("decode message", "protocol error", why); };
  if (!j.is_object()) throw bad("message is not a JSON object");
  auto id = j.find("id");
  nlohmann::json id_value = id == j.end() ? nlohmann::json() : *id;
  if (auto method = j.find("method"); method != j.end()) {
    if (!method->is_string()) throw bad("\"method\" is not a string");
    auto params = j.find("params");
    if (params == j.end() || !params->is_array()) throw bad("\"params\" missing or not an array");
    if (id_value.is_null()) return notification(method->get<std::string>(), *params);
    return request(method->get<std::string>(), *params, id_value);
  }
  auto result = j.find("result");
  auto error = j.find("error");
  if (result == j.end() && error == j.end()) throw bad("message has neither method nor result nor error");
  if (id == j.end()) throw bad("reply without \"id\"");
  if (error != j.end() && !error->is_null()) return error_reply(*error, id_value);
  if (result == j.end()) throw bad("reply without \"result\"");
  return reply(*result, id_value);
}

}  // namespace ovsdb
