// JSON-RPC session over a Boost.Asio stream socket (see connection.h).
#include "ovsdb/connection.h"

#include "ovsdb/message.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>

namespace ovsdb {

namespace asio = boost::asio;

Endpoint Endpoint::parse(const std::string& text) {
  Endpoint e;
  e.text = text;
  if (text.rfind("unix:", 0) == 0) {
    e.kind = Kind::Unix;
    e.path = text.substr(5);
    if (e.path.empty()) throw Error("parse endpoint " + text, "invalid endpoint", "empty socket path");
    return e;
  }
  if (text.rfind("tcp:", 0) == 0) {
    e.kind = Kind::Tcp;
    std::string rest = text.substr(4);
    std::size_t colon;
    if (!rest.empty() && rest[0] == '[') {
      auto close = rest.find(']');
      if (close == std::string::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
        throw Error("parse endpoint " + text, "invalid endpoint", "expected tcp:[ADDR]:PORT");
      e.host = rest.substr(1, close - 1);
      colon = close + 1;
    } else {
      colon = rest.rfind(':');
      if (colon == std::string::npos) throw Error("parse endpoint " + text, "invalid endpoint", "expected tcp:HOST:PORT");
      e.host = rest.substr(0, colon);
    }
    e.port = rest.substr(colon + 1);
    if (e.host.empty() || e.port.empty() || e.port.find_first_not_of("0123456789") != std::string::npos)
      throw Error("parse endpoint " + text, "invalid endpoint", "expected tcp:HOST:PORT with a numeric port");
    return e;
  }
  throw Error("parse endpoint " + text, "invalid endpoint", "expected unix:PATH or tcp:HOST:PORT");
}

std::shared_ptr<Connection> Connection::create(asio::io_context& io, Options options) {
  return std::shared_ptr<Connection>(new Connection(io, options));
}

Connection::Connection(asio::io_context& io, Options options)
    : options_(options), socket_(io), resolver_(io), probe_timer_(io), framer_(options.max_message_size) {}

Connection::~Connection() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void Connection::async_connect(const Endpoint& endpoint, std::function<void(const Error* error)> done) {
  peer_ = endpoint.text;
  auto self = shared_from_this();
  auto finish = [self, done](const boost::system::error_code& ec) {
    if (ec) {
      Error e("connect " + self->peer_, "connection failed", ec.message());
      self->closed_ = true;
      done(&e);
      return;
    }
    self->start();
    done(nullptr);
  };
  if (endpoint.kind == Endpoint::Kind::Unix) {
    asio::local::stream_protocol::endpoint ep(endpoint.path);
    socket_.async_connect(asio::generic::stream_protocol::endpoint(ep), finish);
    return;
  }
  resolver_.async_resolve(
      endpoint.host, endpoint.port,
      [self, finish](const boost::system::error_code& ec, asio::ip::tcp::resolver::results_type results) {
        if (ec || results.empty()) {
          finish(ec ? ec : asio::error::host_not_found);
          return;
        }
        asio::generic::stream_protocol::endpoint ep(results.begin()->endpoint());
        self->socket_.async_connect(ep, finish);
      });
}

void Connection::start() {
  open_ = true;
  last_received_ = std::chrono::steady_clock::now();
  read();
  arm_probe();
}

void Connection::arm_probe() {
  if (options_.probe_interval.count() <= 0 || !open_) return;
  probe_timer_.expires_after(options_.probe_interval);
  auto self = shared_from_this();
  probe_timer_.async_wait([self](const boost::system::error_code& ec) {
    if (ec || !self->open_) return;
    auto silent = std::chrono::steady_clock::now() - self->last_received_;
    if (silent >= self->options_.probe_interval) {
      if (self->probe_outstanding_) {
        self->close(Error("session with " + self->peer_, "timeout",
                          "no message from peer for " +
                              std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(silent).count()) +
                              " ms (inactivity probe unanswered)"));
        return;
      }
      self->probe_outstanding_ = true;
      self->call("echo", nlohmann::json::array(), [](const Error*, const nlohmann::json&) {});
    }
    self->arm_probe();
  });
}

void Connection::read() {
  auto self = shared_from_this();
  socket_.async_read_some(asio::buffer(read_buffer_), [self](const boost::system::error_code& ec, std::size_t n) {
    if (!self->open_) return;
    if (ec) {
      if (ec == asio::error::eof) {
        self->close(Error("session with " + self->peer_, "connection closed",
                          self->framer_.idle() ? "peer closed the connection"
                                               : "peer closed the connection in the middle of a message"));
      } else {
        self->close(Error("session with " + self->peer_, "connection failed", ec.message()));
      }
      return;
    }
    try {
      self->framer_.feed(std::string_view(self->read_buffer_.data(), n));
      while (self->open_) {
        auto message = self->framer_.next();
        if (!message) break;
        self->last_received_ = std::chrono::steady_clock::now();
        self->probe_outstanding_ = false;
        self->dispatch(*message);
      }
    } catch (const Error& e) {
      self->close(Error("session with " + self->peer_, e.error(), e.details()));
      return;
    } catch (const std::exception& e) {
      // Never let a peer's message escape as a foreign exception from the caller's run loop.
      self->close(Error("session with " + self->peer_, "protocol error", e.what()));
      return;
    }
    if (self->open_) self->read();
  });
}

void Connection::dispatch(const nlohmann::json& j) {
  Message m = Message::from_json(j);
  switch (m.type) {
    case Message::Type::Request:
      if (m.method == "echo") {
        write(Message::reply(m.params, m.id).to_json());
      } else {
        write(Message::error_reply("unknown method", m.id).to_json());
      }
      return;
    case Message::Type::Notification:
      if (notification_handler_) notification_handler_(m.method, m.params);
      return;
    case Message::Type::Reply:
    case Message::Type::Error: {
      if (!m.id.is_number_unsigned() && !m.id.is_number_integer())
        throw Error("decode message", "protocol error", "reply with non-integer id " + m.id.dump());
      auto id = m.id.get<std::uint64_t>();
      auto it = pending_.find(id);
      if (it == pending_.end()) {
        if (forgotten_.erase(id)) return;  // late reply to a call that timed out
        throw Error("decode message", "protocol error", "reply to unknown request id " + m.id.dump());
      }
      auto [method, handler] = std::move(it->second);
      pending_.erase(it);
      if (m.type == Message::Type::Reply) {
        handler(nullptr, m.result);
      } else {
        std::string error = m.error.is_string() ? m.error.get<std::string>()
                            : m.error.is_object() && m.error.contains("error") && m.error["error"].is_string()
                                ? m.error["error"].get<std::string>()
                                : m.error.dump();
        std::string details = m.error.is_object() && m.error.contains("details") && m.error["details"].is_string()
                                  ? m.error["details"].get<std::string>()
                                  : "";
        Error e(method, error, details);
        handler(&e, nullptr);
      }
      return;
    }
  }
}

std::uint64_t Connection::call(const std::string& method, nlohmann::json params, ReplyHandler handler) {
  std::uint64_t id = next_id_++;
  if (!open_) {
    Error e(method, "not connected", peer_.empty() ? "no session" : "session with " + peer_ + " is closed");
    handler(&e, nullptr);
    return id;
  }
  // Encode first: a value that cannot be sent (invalid UTF-8) throws before anything is queued.
  std::string bytes = encode(Message::request(method, std::move(params), id).to_json());
  pending_.emplace(id, std::make_pair(method, std::move(handler)));
  write_queue_.push_back(std::move(bytes));
  if (!writing_) flush();
  return id;
}

void Connection::notify(const std::string& method, nlohmann::json params) {
  if (open_) write(Message::notification(method, std::move(params)).to_json());
}

void Connection::forget(std::uint64_t id) {
  if (pending_.erase(id)) {
    forgotten_.insert(id);
    if (forgotten_.size() > 1024) forgotten_.erase(forgotten_.begin());
  }
}

void Connection::write(const nlohmann::json& message) {
  write_queue_.push_back(encode(message));
  if (!writing_) flush();
}

void Connection::flush() {
  if (write_queue_.empty() || !open_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  auto self = shared_from_this();
  asio::async_write(socket_, asio::buffer(write_queue_.front()),
                    [self](const boost::system::error_code& ec, std::size_t) {
                      if (!self->write_queue_.empty()) self->write_queue_.pop_front();
                      if (ec) {
                        self->writing_ = false;
                        self->close(Error("session with " + self->peer_, "connection failed",
                                          "write: " + ec.message()));
                        return;
                      }
                      self->flush();
                    });
}

void Connection::close(const Error& why) {
  if (closed_) return;
  closed_ = true;
  open_ = false;
  boost::system::error_code ignored;
  socket_.close(ignored);
  probe_timer_.cancel();
  resolver_.cancel();
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, entry] : pending) {
    std::string details = why.details() + " (" + why.operation() + ")";
    if (entry.first == "transact") details += "; the transaction's outcome is unknown";
    Error e(entry.first, why.error(), details);
    entry.second(&e, nullptr);
  }
  if (close_handler_) close_handler_(why);
}

}  // namespace ovsdb
