// JSON-RPC 1.0 messages as OVSDB uses them (RFC 7047 section 4): requests carry method,
// params and a non-null id; notifications have id null; replies carry result or error and
// echo the request's id. Decoding validates the shape so the session never sees nonsense.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace ovsdb {

struct Message {
  enum class Type { Request, Notification, Reply, Error };

  Type type = Type::Request;
  std::string method;        // Request, Notification
  nlohmann::json params;     // Request, Notification: always an array
  nlohmann::json result;     // Reply
  nlohmann::json error;      // Error: the server's error value (never null)
  nlohmann::json id;         // Request, Reply, Error

  static Message request(std::string method, nlohmann::json params, nlohmann::json id);
  static Message notification(std::string method, nlohmann::json params);
  static Message reply(nlohmann::json result, nlohmann::json id);
  static Message error_reply(nlohmann::json error, nlohmann::json id);

  nlohmann::json to_json() const;

  // Throws ovsdb::Error ("protocol error") when j is not a JSON-RPC message.
  static Message from_json(const nlohmann::json& j);
};

}  // namespace ovsdb
