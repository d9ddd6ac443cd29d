// The asynchronous JSON-RPC session (RFC 7047 section 4) over one stream socket, like OVS
// lib/jsonrpc.c: "unix:PATH" or "tcp:HOST:PORT" endpoints on Boost.Asio, request ids matched
// to replies, notifications delivered to a handler, the server's "echo" answered, and our own
// inactivity probe (an echo sent after probe_interval of silence; a second silent interval
// closes the session). Any protocol violation by the peer closes the session with an
// ovsdb::Error that every pending call and the close handler receive.
#pragma once

#include "ovsdb/error.h"
#include "ovsdb/framing.h"

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace ovsdb {

struct Endpoint {
  enum class Kind { Unix, Tcp };
  Kind kind = Kind::Unix;
  std::string path;  // Unix
  std::string host;  // Tcp
  std::string port;  // Tcp
  std::string text;  // as given

  // "unix:/var/run/openvswitch/db.sock", "tcp:127.0.0.1:6640", "tcp:[::1]:6640".
  // Throws ovsdb::Error on anything else.
  static Endpoint parse(const std::string& text);
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using ReplyHandler = std::function<void(const Error* error, const nlohmann::json& result)>;
  using NotificationHandler = std::function<void(const std::string& method, const nlohmann::json& params)>;
  using CloseHandler = std::function<void(const Error& why)>;

  struct Options {
    std::size_t max_message_size = Framer::kDefaultMaxMessageSize;
    std::chrono::milliseconds probe_interval{5000};  // 0 disables our inactivity probe
  };

  static std::shared_ptr<Connection> create(boost::asio::io_context& io, Options options);
  ~Connection();

  void async_connect(const Endpoint& endpoint, std::function<void(const Error* error)> done);

  // Sends a request; handler runs once with the result, the server's error (as ovsdb::Error
  // with operation = method) or the reason the session closed. Returns the request id.
  std::uint64_t call(const std::string& method, nlohmann::json params, ReplyHandler handler);
  void notify(const std::string& method, nlohmann::json params);
  // The caller gave up on request id (timeout): drop its handler, ignore its late reply.
  void forget(std::uint64_t id);

  void on_notification(NotificationHandler handler) { notification_handler_ = std::move(handler); }
  void on_close(CloseHandler handler) { close_handler_ = std::move(handler); }

  // Idempotent. Fails every pending call with why and calls the close handler once.
  void close(const Error& why);
  bool is_open() const { return open_; }
  std::size_t pending_calls() const { return pending_.size(); }

 private:
  Connection(boost::asio::io_context& io, Options options);
  void start();
  void read();
  void write(const nlohmann::json& message);
  void flush();
  void dispatch(const nlohmann::json& j);
  void arm_probe();

  Options options_;
  boost::asio::generic::stream_protocol::socket socket_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::steady_timer probe_timer_;
  Framer framer_;
  std::array<char, 65536> read_buffer_{};
  std::deque<std::string> write_queue_;
  bool writing_ = false;
  bool open_ = false;
  bool closed_ = false;
  std::string peer_;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, std::pair<std::string, ReplyHandler>> pending_;
  std::set<std::uint64_t> forgotten_;
  std::chrono::steady_clock::time_point last_received_{};
  bool probe_outstanding_ = false;
  NotificationHandler notification_handler_;
  CloseHandler close_handler_;
};

}  // namespace ovsdb
