// The blocking facade over the asynchronous session: one object per database server, every
// call bounded by a timeout, errors as ovsdb::Error. It owns a private io_context and runs it
// only inside its own calls (single-threaded, like an OVS IDL run loop), so monitor updates
// are applied to the cache while a call or wait_until() is in progress.
//
// Reconnect: when the session drops, the next call reconnects (with backoff from Reconnect,
// within that call's timeout), re-issues every monitor and rebuilds each cache from the fresh
// monitor reply. A call that was in flight when the session dropped fails with an Error (its
// outcome on the server is unknown); it is never silently re-sent.
#pragma once

#include "ovsdb/cache.h"
#include "ovsdb/connection.h"
#include "ovsdb/error.h"
#include "ovsdb/reconnect.h"
#include "ovsdb/schema.h"
#include "ovsdb/transaction.h"

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ovsdb {

struct ClientOptions {
  std::chrono::milliseconds timeout{10000};         // every call, including (re)connecting
  std::chrono::milliseconds probe_interval{5000};   // our inactivity probe; 0 disables
  std::size_t max_message_size = Framer::kDefaultMaxMessageSize;
  bool reconnect = true;                            // reconnect on the next call after a drop
  Reconnect::Options backoff{};
  enum class MonitorMethod { Auto, MonitorCond, Monitor } monitor_method = MonitorMethod::Auto;
};

class Client {
 public:
  // Connects to "unix:PATH" or "tcp:HOST:PORT". Throws ovsdb::Error when that fails.
  explicit Client(const std::string& target, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Any method, raw: returns the "result" or throws the server's error.
  nlohmann::json call(const std::string& method, nlohmann::json params);

  std::vector<std::string> list_dbs();
  nlohmann::json get_schema_json(const std::string& db);
  const Schema& schema(const std::string& db);  // fetched once, then remembered
  void echo();

  // Runs ops as one transaction. Throws ovsdb::Error naming the failing op on any error. On
  // timeout it sends "cancel" (RFC 7047 4.1.4) so the server abandons a blocked "wait".
  std::vector<OpResult> transact(const std::string& db, const std::vector<Operation>& ops);

  // lock/steal/unlock (OVSDB extension, RFC 7047 4.1.8-10). lock returns whether it is held.
  bool lock(const std::string& id);
  bool steal(const std::string& id);
  void unlock(const std::string& id);

  // Monitors tables of db into cache(db). Calling again for the same db widens what is
  // monitored (the monitor is re-issued and the cache rebuilt from its reply).
  void monitor(const std::string& db, const std::vector<MonitorTable>& tables);
  void monitor_cancel(const std::string& db);
  const TableCache& cache(const std::string& db) const;

  // Processes incoming messages for up to d (applies monitor updates).
  void run_for(std::chrono::milliseconds d);
  // Processes messages until pred() holds (true) or timeout passes (false). Reconnects and
  // resynchronises monitors if the session drops meanwhile.
  bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

  bool connected() const;
  std::uint64_t reconnects() const { return reconnects_; }
  // "transact" requests sent, and those of them with an insert, update, mutate or delete.
  std::uint64_t transactions() const { return transactions_; }
  std::uint64_t write_transactions() const { return write_transactions_; }
  const std::string& target() const { return endpoint_.text; }
  const ClientOptions& options() const { return options_; }

 private:
  using Deadline = std::chrono::steady_clock::time_point;
  struct MonitorState {
    std::map<std::string, std::set<std::string>> tables;
    TableCache cache;
    bool cond = false;  // monitor_cond (update2) rather than monitor (update)
  };

  Deadline deadline() const { return std::chrono::steady_clock::now() + options_.timeout; }
  void connect_once(Deadline deadline);
  void ensure_connected(Deadline deadline);
  nlohmann::json call_until(const std::string& method, nlohmann::json params, Deadline deadline,
                            std::uint64_t* request_id = nullptr);
  bool run_until(const std::function<bool()>& done, Deadline deadline);
  void issue_monitor(const std::string& db, MonitorState& m, Deadline deadline);
  void on_notification(const std::string& method, const nlohmann::json& params);

  ClientOptions options_;
  Endpoint endpoint_;
  boost::asio::io_context io_;
  std::shared_ptr<Connection> conn_;
  Reconnect reconnect_;
  std::uint64_t reconnects_ = 0;
  std::uint64_t transactions_ = 0;
  std::uint64_t write_transactions_ = 0;
  std::map<std::string, Schema> schemas_;
  std::map<std::string, MonitorState> monitors_;
};

}  // namespace ovsdb
