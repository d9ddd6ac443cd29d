// When to (re)connect: a pure state machine in the manner of OVS lib/reconnect.c. Time and
// events go in (connecting, connected, connect_failed, disconnected), actions come out of
// run(now) (Connect / Disconnect / None), and deadline() says when to call run() next. No
// I/O, no clocks read inside, so backoff and timeouts are tested by feeding it events.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace ovsdb {

class Reconnect {
 public:
  using Clock = std::chrono::steady_clock;
  using TimePoint = Clock::time_point;
  using Duration = std::chrono::milliseconds;

  struct Options {
    Duration min_backoff{100};       // first retry after a failure
    Duration max_backoff{8000};      // backoff doubles up to this
    Duration connect_timeout{5000};  // a connection attempt taking longer is abandoned
    int max_tries = -1;              // connection attempts allowed; -1 = unlimited
  };

  enum class State { Void, Backoff, Connecting, Active };
  enum class Action { None, Connect, Disconnect };

  explicit Reconnect(Options options) : options_(options) {}
  Reconnect() : Reconnect(Options{}) {}

  // Starts trying to connect (immediately, no backoff).
  void enable(TimePoint now);
  // Stops; run() returns None until enable() again.
  void disable(TimePoint now);

  void connecting(TimePoint now);                 // an attempt has started
  void connected(TimePoint now);                  // the attempt succeeded
  void connect_failed(TimePoint now);             // the attempt failed
  void disconnected(TimePoint now);               // an established connection was lost
  void activity(TimePoint now);                   // traffic seen on the connection
  // A caller wants the connection now: end the current backoff wait (the backoff itself keeps
  // growing on further failures).
  void force(TimePoint now);

  Action run(TimePoint now) const;
  // When run() may next return something other than None; nullopt when nothing is pending.
  std::optional<TimePoint> deadline() const;

  State state() const { return state_; }
  bool is_connected() const { return state_ == State::Active; }
  Duration backoff() const { return backoff_; }
  std::uint64_t attempts() const { return attempts_; }
  std::uint64_t successes() const { return successes_; }
  // Attempts left before giving up; -1 = unlimited.
  int tries_left() const { return tries_left_; }

 private:
  void enter(State s, TimePoint now);
  void grow_backoff();

  Options options_;
  State state_ = State::Void;
  TimePoint state_entered_{};
  TimePoint last_connected_{};
  TimePoint last_activity_{};
  Duration backoff_{0};
  int tries_left_ = -1;
  std::uint64_t attempts_ = 0;
  std::uint64_t successes_ = 0;
};

const char* to_string(Reconnect::State state);

}  // namespace ovsdb
