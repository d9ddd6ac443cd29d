// Framer: splits a byte stream of concatenated JSON values (see framing.h).
#include "ovsdb/framing.h"

#include "ovsdb/error.h"

namespace ovsdb {

void Framer::feed(std::string_view bytes) {
  if (failed_) throw Error("read message", "protocol error", "stream already failed");
  for (char c : bytes) {
    if (depth_ == 0) {
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
      if (c != '{' && c != '[') {
        failed_ = true;
        throw Error("read message", "protocol error",
                    std::string("expected '{' at start of message, got byte ") +
                        std::to_string(static_cast<unsigned char>(c)));
      }
    }
    partial_.push_back(c);
    if (partial_.size() > max_message_size_) {
      failed_ = true;
      throw Error("read message", "protocol error",
                  "message exceeds limit of " + std::to_string(max_message_size_) + " bytes");
    }
    if (in_string_) {
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string_ = true;
        break;
      case '{':
      case '[':
        ++depth_;
        break;
      case '}':
      case ']':
        if (--depth_ == 0) {
          complete_.push_back(std::move(partial_));
          partial_.clear();
        }
        break;
      default:
        break;
    }
  }
}

std::optional<nlohmann::json> Framer::next() {
  if (complete_.empty()) return std::nullopt;
  std::string text = std::move(complete_.front());
  complete_.pop_front();
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    failed_ = true;
    throw Error("read message", "protocol error", std::string("malformed JSON: ") + e.what());
  }
}

std::string encode(const nlohmann::json& message) {
  try {
    return message.dump();
  } catch (const nlohmann::json::exception& e) {
    throw Error("encode message", "invalid value", e.what());
  }
}

}  // namespace ovsdb
