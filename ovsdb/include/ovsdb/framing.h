// Stream framing for OVSDB's JSON-RPC: the wire carries JSON values back to back with no
// length prefix or delimiter (RFC 7047 section 4, like OVS lib/jsonrpc.c). Framer finds where
// each top-level object ends by tracking nesting depth and string/escape state, so braces
// inside strings, partial reads and many messages in one read all work. It enforces a hard
// limit on the size of one message so a bad peer cannot make us buffer without bound.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace ovsdb {

class Framer {
 public:
  static constexpr std::size_t kDefaultMaxMessageSize = 64u << 20;

  explicit Framer(std::size_t max_message_size = kDefaultMaxMessageSize)
      : max_message_size_(max_message_size) {}

  // Appends received bytes. Throws ovsdb::Error ("protocol error") when a message exceeds the
  // size limit or the stream holds something other than JSON objects/arrays at top level.
  // After an error the framer is unusable (the connection must be dropped).
  void feed(std::string_view bytes);

  // The next complete message, parsed; nullopt when none is complete yet. Throws ovsdb::Error
  // when the framed text is not valid JSON (bad token, invalid UTF-8, ...).
  std::optional<nlohmann::json> next();

  // True when no partial message is buffered (a clean point to close the stream).
  bool idle() const { return depth_ == 0 && partial_.empty(); }

  std::size_t max_message_size() const { return max_message_size_; }

 private:
  std::size_t max_message_size_;
  std::string partial_;             // bytes of the message being framed
  std::deque<std::string> complete_; // framed messages not yet parsed
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool failed_ = false;
};

// Serialises one message for the wire. Throws ovsdb::Error when a string is not valid UTF-8.
std::string encode(const nlohmann::json& message);

}  // namespace ovsdb
