// Blocking client facade: timeouts, reconnect and monitor resync (see client.h).
#include "ovsdb/client.h"

#include <algorithm>

#include <optional>
#include <thread>

namespace ovsdb {

using Clock = std::chrono::steady_clock;

namespace {

struct CallState {
  bool done = false;
  std::optional<Error> error;
  nlohmann::json result;
};

std::string ms_text(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

}  // namespace

Client::Client(const std::string& target, ClientOptions options)
    : options_(options), endpoint_(Endpoint::parse(target)), reconnect_(options.backoff) {
  reconnect_.enable(Clock::now());
  connect_once(deadline());
}

Client::~Client() {
  if (conn_) {
    conn_->on_close(nullptr);
    conn_->on_notification(nullptr);
    conn_->close(Error("session with " + endpoint_.text, "closed", "client destroyed"));
  }
}

bool Client::connected() const { return conn_ && conn_->is_open(); }

bool Client::run_until(const std::function<bool()>& done, Deadline deadline) {
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    io_.restart();
    if (io_.run_one_until(deadline) == 0 && !done()) {
      // Nothing to wait on (no session): do not spin.
      if (!connected()) return done();
    }
  }
  return true;
}

void Client::connect_once(Deadline deadline) {
  auto now = Clock::now();
  reconnect_.connecting(now);
  Connection::Options copts;
  copts.max_message_size = options_.max_message_size;
  copts.probe_interval = options_.probe_interval;
  auto conn = Connection::create(io_, copts);
  auto st = std::make_shared<CallState>();
  conn->async_connect(endpoint_, [st](const Error* e) {
    st->done = true;
    if (e) st->error = *e;
  });
  auto limit = std::min(deadline, now + options_.backoff.connect_timeout);
  while (!st->done && Clock::now() < limit) {
    io_.restart();
    io_.run_one_until(limit);
  }
  if (!st->done) {
    conn->close(Error("connect " + endpoint_.text, "timeout", "no connection within timeout"));
    io_.restart();
    io_.poll();
    reconnect_.connect_failed(Clock::now());
    throw Error("connect " + endpoint_.text, "timeout",
                "no connection within " + ms_text(std::chrono::duration_cast<std::chrono::milliseconds>(limit - now)));
  }
  if (st->error) {
    reconnect_.connect_failed(Clock::now());
    throw *st->error;
  }
  reconnect_.connected(Clock::now());
  conn->on_notification([this](const std::string& method, const nlohmann::json& params) {
    on_notification(method, params);
  });
  conn->on_close([this](const Error&) { reconnect_.disconnected(Clock::now()); });
  conn_ = std::move(conn);
}

void Client::ensure_connected(Deadline deadline) {
  io_.restart();
  io_.poll();  // notice a close that already happened
  if (connected()) return;
  if (!options_.reconnect)
    throw Error("session with " + endpoint_.text, "not connected", "connection lost and reconnect is disabled");
  if (reconnect_.state() == Reconnect::State::Void) reconnect_.enable(Clock::now());
  // A new call tries at once, even after a long outage grew the backoff past its timeout;
  // backoff spaces out the retries within this call.
  reconnect_.force(Clock::now());
  std::optional<Error> last;
  while (true) {
    auto now = Clock::now();
    if (reconnect_.state() == Reconnect::State::Void)
      throw Error("connect " + endpoint_.text, "gave up", last ? last->what() : "no more attempts allowed");
    if (reconnect_.run(now) == Reconnect::Action::Connect) {
      try {
        connect_once(deadline);
        ++reconnects_;
        // Resynchronise: each monitor is re-issued and its cache rebuilt from the reply.
        for (auto& [db, m] : monitors_) issue_monitor(db, m, deadline);
        return;
      } catch (const Error& e) {
        last = e;
        if (connected()) throw;  // the server answered, but with an error
        continue;
      }
    }
    auto wake = reconnect_.deadline().value_or(now + std::chrono::milliseconds(10));
    if (wake >= deadline)
      throw Error("connect " + endpoint_.text, "timeout",
                  "server unreachable within the timeout" + std::string(last ? std::string(": ") + last->what() : ""));
    std::this_thread::sleep_until(wake);  // backoff between attempts
  }
}

nlohmann::json Client::call_until(const std::string& method, nlohmann::json params, Deadline deadline,
                                  std::uint64_t* request_id) {
  ensure_connected(deadline);
  auto st = std::make_shared<CallState>();
  auto conn = conn_;
  auto id = conn->call(method, std::move(params), [st](const Error* e, const nlohmann::json& result) {
    st->done = true;
    if (e) {
      st->error = *e;
    } else {
      st->result = result;
    }
  });
  if (request_id) *request_id = id;
  if (!run_until([&] { return st->done; }, deadline)) {
    conn->forget(id);
    if (method == "transact") conn->notify("cancel", nlohmann::json::array({id}));
    throw Error(method, "timeout", "no reply from " + endpoint_.text + " within " + ms_text(options_.timeout));
  }
  if (st->error) throw *st->error;
  return st->result;
}

nlohmann::json Client::call(const std::string& method, nlohmann::json params) {
  return call_until(method, std::move(params), deadline());
}

std::vector<std::string> Client::list_dbs() {
  auto result = call("list_dbs", nlohmann::json::array());
  if (!result.is_array()) throw Error("list_dbs", "protocol error", "result is not an array");
  std::vector<std::string> out;
  for (const auto& db : result) {
    if (!db.is_string()) throw Error("list_dbs", "protocol error", "database name is not a string");
    out.push_back(db.get<std::string>());
  }
  return out;
}

nlohmann::json Client::get_schema_json(const std::string& db) {
  return call("get_schema", nlohmann::json::array({db}));
}

const Schema& Client::schema(const std::string& db) {
  auto it = schemas_.find(db);
  if (it == schemas_.end()) it = schemas_.emplace(db, Schema::from_json(get_schema_json(db))).first;
  return it->second;
}

void Client::echo() {
  auto payload = nlohmann::json::array({"ovsdb-client-echo"});
  auto result = call("echo", payload);
  if (result != payload) throw Error("echo", "protocol error", "echo reply differs from request: " + result.dump());
}

std::vector<OpResult> Client::transact(const std::string& db, const std::vector<Operation>& ops) {
  ++transactions_;
  bool writes = std::any_of(ops.begin(), ops.end(), [](const Operation& o) {
    auto k = o.kind();
    return k == "insert" || k == "update" || k == "mutate" || k == "delete";
  });
  if (writes) ++write_transactions_;
  auto result = call_until("transact", transact_params(db, ops), deadline());
  return parse_transact_result(db, ops, result);
}

bool Client::lock(const std::string& id) {
  auto r = call("lock", nlohmann::json::array({id}));
  return r.is_object() && r.value("locked", false);
}

bool Client::steal(const std::string& id) {
  auto r = call("steal", nlohmann::json::array({id}));
  return r.is_object() && r.value("locked", false);
}

void Client::unlock(const std::string& id) { call("unlock", nlohmann::json::array({id})); }

void Client::issue_monitor(const std::string& db, MonitorState& m, Deadline dl) {
  // Schema first: update2 diffs need column types (and it validates the table names).
  auto sit = schemas_.find(db);
  if (sit == schemas_.end())
    sit = schemas_.emplace(db, Schema::from_json(call_until("get_schema", nlohmann::json::array({db}), dl))).first;
  const Schema& s = sit->second;
  auto requests = nlohmann::json::object();
  for (const auto& [table, columns] : m.tables) {
    const auto& ts = s.table(table);
    for (const auto& c : columns) ts.column(c);
    requests[table] = columns.empty() ? nlohmann::json::object() : nlohmann::json{{"columns", columns}};
  }
  nlohmann::json result;
  bool cond = options_.monitor_method != ClientOptions::MonitorMethod::Monitor;
  if (cond) {
    try {
      result = call_until("monitor_cond", nlohmann::json::array({db, db, requests}), dl);
    } catch (const Error& e) {
      if (options_.monitor_method != ClientOptions::MonitorMethod::Auto || e.error() != "unknown method") throw;
      cond = false;
    }
  }
  if (!cond) result = call_until("monitor", nlohmann::json::array({db, db, requests}), dl);
  m.cond = cond;
  m.cache.clear();
  if (cond) {
    m.cache.apply_update2(result, s);
  } else {
    m.cache.apply_update(result);
  }
}

void Client::monitor(const std::string& db, const std::vector<MonitorTable>& tables) {
  auto dl = deadline();
  ensure_connected(dl);
  auto [it, fresh] = monitors_.try_emplace(db);
  MonitorState& m = it->second;
  bool widened = fresh;
  for (const auto& t : tables) {
    auto [tit, added] = m.tables.try_emplace(t.table, t.columns);
    if (added) {
      widened = true;
    } else if (!tit->second.empty()) {
      if (t.columns.empty()) {
        tit->second.clear();  // all columns
        widened = true;
      } else {
        for (const auto& c : t.columns) widened |= tit->second.insert(c).second;
      }
    }
  }
  if (!widened) return;
  if (!fresh) call_until("monitor_cancel", nlohmann::json::array({db}), dl);
  try {
    issue_monitor(db, m, dl);
  } catch (...) {
    monitors_.erase(db);
    throw;
  }
}

void Client::monitor_cancel(const std::string& db) {
  auto it = monitors_.find(db);
  if (it == monitors_.end()) return;
  monitors_.erase(it);
  if (connected()) call("monitor_cancel", nlohmann::json::array({db}));
}

const TableCache& Client::cache(const std::string& db) const {
  static const TableCache empty;
  auto it = monitors_.find(db);
  return it == monitors_.end() ? empty : it->second.cache;
}

void Client::on_notification(const std::string& method, const nlohmann::json& params) {
  if (method != "update" && method != "update2") return;  // "locked"/"stolen": nothing cached
  if (!params.is_array() || params.size() < 2 || !params[0].is_string())
    throw Error("monitor " + method, "protocol error", "malformed params: " + params.dump().substr(0, 200));
  auto it = monitors_.find(params[0].get<std::string>());
  if (it == monitors_.end()) return;  // a monitor we cancelled
  if (method == "update") {
    it->second.cache.apply_update(params[1]);
  } else {
    it->second.cache.apply_update2(params[1], schemas_.at(it->first));
  }
}

void Client::run_for(std::chrono::milliseconds d) {
  auto dl = Clock::now() + d;
  ensure_connected(dl);
  run_until([] { return false; }, dl);
}

bool Client::wait_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto dl = Clock::now() + timeout;
  while (!pred()) {
    if (Clock::now() >= dl) return false;
    ensure_connected(dl);  // also runs ready handlers, which may have satisfied pred
    if (pred()) return true;
    io_.restart();
    io_.run_one_until(dl);
  }
  return true;
}

}  // namespace ovsdb
