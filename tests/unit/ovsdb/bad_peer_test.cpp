// A fake OVSDB server (a thread on a private unix socket) that misbehaves: malformed JSON,
// truncated messages, over-limit messages, unknown reply ids, error replies, bad
// notifications, or silence. Each must end in a clear ovsdb::Error, never a crash or a hang.
#include "ovsdb/client.h"
#include "ovsdb/framing.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <thread>

using namespace std::chrono_literals;
using J = nlohmann::json;

namespace {

// Reads one framed JSON message from fd, or nullopt on EOF/timeout.
std::optional<J> read_message(int fd, ovsdb::Framer& framer, int timeout_ms = 3000) {
  while (true) {
    if (auto m = framer.next()) return m;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return std::nullopt;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return std::nullopt;
    framer.feed(std::string_view(buf, static_cast<std::size_t>(n)));
  }
}

void send_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

class FakeServer {
 public:
  using Script = std::function<void(int fd, ovsdb::Framer& framer)>;

  explicit FakeServer(Script script) : script_(std::move(script)) {
    char tmpl[] = "/tmp/ovsdb-fake-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
    dir_ = tmpl;
    path_ = dir_ + "/db.sock";
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 4) != 0)
      throw std::runtime_error("bind/listen " + path_);
    thread_ = std::thread([this] { serve(); });
  }

  ~FakeServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }

  std::string target() const { return "unix:" + path_; }
  std::atomic<bool> saw_echo_reply{false};
  std::atomic<bool> saw_probe{false};

 private:
  void serve() {
    pollfd p{listen_fd_, POLLIN, 0};
    while (!stop_ && ::poll(&p, 1, 50) == 0) {
    }
    if (stop_) return;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    ovsdb::Framer framer;
    try {
      script_(fd, framer);
    } catch (const std::exception&) {
    }
    // Hold the connection open (silently) until the test ends.
    while (!stop_) {
      pollfd q{fd, POLLIN, 0};
      if (::poll(&q, 1, 50) > 0) {
        char buf[4096];
        if (::read(fd, buf, sizeof buf) <= 0) break;
      }
    }
    ::close(fd);
  }

  Script script_;
  std::string dir_, path_;
  int listen_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

ovsdb::ClientOptions quick() {
  ovsdb::ClientOptions o;
  o.timeout = 1000ms;
  o.probe_interval = 0ms;
  o.reconnect = false;
  return o;
}

// Runs list_dbs against a server script; returns the error it raised.
ovsdb::Error fail(const FakeServer::Script& script, ovsdb::ClientOptions options = quick()) {
  FakeServer server(script);
  ovsdb::Client client(server.target(), options);
  auto start = std::chrono::steady_clock::now();
  try {
    client.list_dbs();
  } catch (const ovsdb::Error& e) {
    EXPECT_LT(std::chrono::steady_clock::now() - start, options.timeout + 500ms);
    return e;
  }
  throw std::runtime_error("expected ovsdb::Error");
}

void reply_raw(int fd, ovsdb::Framer& framer, const std::string& text) {
  read_message(fd, framer);
  send_all(fd, text);
}

TEST(BadPeer, MalformedJson) {
  auto e = fail([](int fd, ovsdb::Framer& f) { reply_raw(fd, f, R"({"id":1,"result":[}] )"); });
  EXPECT_EQ(e.error(), "protocol error");
  EXPECT_NE(std::string(e.what()).find("malformed JSON"), std::string::npos) << e.what();
}

TEST(BadPeer, TruncatedMessageThenClose) {
  auto e = fail([](int fd, ovsdb::Framer& f) {
    reply_raw(fd, f, R"({"id":1,"result":["Open_v)");
    ::shutdown(fd, SHUT_RDWR);
  });
  EXPECT_EQ(e.error(), "connection closed");
  EXPECT_NE(std::string(e.what()).find("middle of a message"), std::string::npos) << e.what();
}

TEST(BadPeer, OverLimitMessage) {
  auto options = quick();
  options.max_message_size = 1024;
  auto e = fail([](int fd, ovsdb::Framer& f) { reply_raw(fd, f, J{{"id", 1}, {"result", {std::string(4096, 'x')}}}.dump()); },
                options);
  EXPECT_EQ(e.error(), "protocol error");
  EXPECT_NE(std::string(e.what()).find("exceeds limit"), std::string::npos) << e.what();
}

TEST(BadPeer, UnknownReplyId) {
  auto e = fail([](int fd, ovsdb::Framer& f) { reply_raw(fd, f, R"({"id":999,"result":[],"error":null})"); });
  EXPECT_EQ(e.error(), "protocol error");
  EXPECT_NE(std::string(e.what()).find("unknown request id 999"), std::string::npos) << e.what();
}

TEST(BadPeer, NotJsonRpcAtAll) {
  auto e = fail([](int fd, ovsdb::Framer& f) { reply_raw(fd, f, "HTTP/1.1 400 Bad Request\r\n\r\n"); });
  EXPECT_EQ(e.error(), "protocol error");
}

TEST(BadPeer, MalformedNotification) {
  auto e = fail([](int fd, ovsdb::Framer& f) { reply_raw(fd, f, R"({"method":"update","params":"x","id":null})"); });
  EXPECT_EQ(e.error(), "protocol error");
}

TEST(BadPeer, SilenceTimesOut) {
  auto e = fail([](int fd, ovsdb::Framer& f) { read_message(fd, f); });
  EXPECT_EQ(e.error(), "timeout");
  EXPECT_EQ(e.operation(), "list_dbs");
}

TEST(BadPeer, CloseWithoutReply) {
  auto e = fail([](int fd, ovsdb::Framer& f) {
    read_message(fd, f);
    ::shutdown(fd, SHUT_RDWR);
  });
  EXPECT_EQ(e.error(), "connection closed");
  EXPECT_EQ(e.operation(), "list_dbs");
}

TEST(BadPeer, ErrorReplyIsReportedAndTheSessionSurvives) {
  FakeServer server([](int fd, ovsdb::Framer& f) {
    auto req = read_message(fd, f);
    send_all(fd, J{{"id", (*req)["id"]}, {"result", nullptr}, {"error", {{"error", "bad thing"}, {"details", "because"}}}}.dump());
    req = read_message(fd, f);
    send_all(fd, J{{"id", (*req)["id"]}, {"result", {"Open_vSwitch"}}, {"error", nullptr}}.dump());
  });
  ovsdb::Client client(server.target(), quick());
  try {
    client.list_dbs();
    FAIL();
  } catch (const ovsdb::Error& e) {
    EXPECT_EQ(e.operation(), "list_dbs");
    EXPECT_EQ(e.error(), "bad thing");
    EXPECT_EQ(e.details(), "because");
  }
  EXPECT_EQ(client.list_dbs(), std::vector<std::string>{"Open_vSwitch"});
}

TEST(BadPeer, UnsendableRequestFailsWithoutHurtingTheSession) {
  FakeServer server([](int fd, ovsdb::Framer& f) {
    auto req = read_message(fd, f);
    send_all(fd, J{{"id", (*req)["id"]}, {"result", {"db"}}, {"error", nullptr}}.dump());
  });
  ovsdb::Client client(server.target(), quick());
  try {
    client.transact("db", {ovsdb::op::insert("T", {{"name", ovsdb::Datum::string("\xff\xfe")}})});
    FAIL();
  } catch (const ovsdb::Error& e) {
    EXPECT_EQ(e.operation(), "encode message");
  }
  EXPECT_EQ(client.list_dbs(), std::vector<std::string>{"db"});
}

TEST(BadPeer, ServerEchoIsAnswered) {
  FakeServer* self = nullptr;
  FakeServer server([&self](int fd, ovsdb::Framer& f) {
    auto req = read_message(fd, f);
    send_all(fd, R"({"method":"echo","params":["ping",1],"id":"e1"})");
    auto reply = read_message(fd, f);
    while (self == nullptr) std::this_thread::sleep_for(1ms);
    if (reply && (*reply)["id"] == "e1" && (*reply)["result"] == J{"ping", 1}) self->saw_echo_reply = true;
    send_all(fd, J{{"id", (*req)["id"]}, {"result", J::array()}, {"error", nullptr}}.dump());
  });
  self = &server;
  ovsdb::Client client(server.target(), quick());
  EXPECT_TRUE(client.list_dbs().empty());
  EXPECT_TRUE(server.saw_echo_reply);
}

TEST(BadPeer, UnansweredInactivityProbeClosesTheSession) {
  FakeServer* self = nullptr;
  FakeServer server([&self](int fd, ovsdb::Framer& f) {
    auto probe = read_message(fd, f);  // the client's own echo after probe_interval of silence
    while (self == nullptr) std::this_thread::sleep_for(1ms);
    if (probe && (*probe)["method"] == "echo") self->saw_probe = true;
  });
  self = &server;
  auto options = quick();
  options.probe_interval = 150ms;
  ovsdb::Client client(server.target(), options);
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(client.wait_until([] { return false; }, 3s), ovsdb::Error);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  EXPECT_FALSE(client.connected());
  EXPECT_TRUE(server.saw_probe);
}

TEST(BadPeer, BadMonitorUpdateClosesTheSession) {
  FakeServer server([](int fd, ovsdb::Framer& f) {
    auto req = read_message(fd, f);  // get_schema
    send_all(fd, J{{"id", (*req)["id"]},
                   {"result", J::parse(R"({"name":"db","tables":{"T":{"columns":{"c":{"type":"string"}}}}})")},
                   {"error", nullptr}}
                     .dump());
    req = read_message(fd, f);  // monitor_cond
    send_all(fd, J{{"id", (*req)["id"]}, {"result", J::object()}, {"error", nullptr}}.dump());
    send_all(fd, R"({"method":"update2","params":["db",{"T":{"u":{"modify":{"c":"x"}}}}],"id":null})");
  });
  ovsdb::Client client(server.target(), quick());
  client.monitor("db", {{"T", {}}});
  EXPECT_THROW(client.wait_until([] { return false; }, 2s), ovsdb::Error);
  EXPECT_FALSE(client.connected());
}

}  // namespace
