// Reconnect backoff state machine (see reconnect.h; modelled on OVS lib/reconnect.c).
#include "ovsdb/reconnect.h"

#include <algorithm>

namespace ovsdb {

void Reconnect::enter(State s, TimePoint now) {
  state_ = s;
  state_entered_ = now;
}

void Reconnect::enable(TimePoint now) {
  if (state_ != State::Void) return;
  tries_left_ = options_.max_tries;
  backoff_ = Duration{0};
  enter(State::Backoff, now);
}

void Reconnect::disable(TimePoint now) { enter(State::Void, now); }

void Reconnect::grow_backoff() {
  if (backoff_ < options_.min_backoff) {
    backoff_ = options_.min_backoff;
  } else if (backoff_ < options_.max_backoff / 2) {
    backoff_ *= 2;
  } else {
    backoff_ = options_.max_backoff;
  }
}

void Reconnect::connecting(TimePoint now) {
  if (state_ == State::Void) return;
  ++attempts_;
  if (tries_left_ > 0) --tries_left_;
  enter(State::Connecting, now);
}

void Reconnect::connected(TimePoint now) {
  if (state_ == State::Void) return;
  ++successes_;
  last_connected_ = now;
  last_activity_ = now;
  enter(State::Active, now);
}

void Reconnect::connect_failed(TimePoint now) {
  if (state_ == State::Void) return;
  grow_backoff();
  enter(tries_left_ == 0 ? State::Void : State::Backoff, now);
}

void Reconnect::disconnected(TimePoint now) {
  if (state_ == State::Void) return;
  // A connection that stayed up at least as long as the current backoff was healthy: retry
  // soon. One that dropped quickly suggests a flapping peer: keep backing off.
  if (state_ == State::Active && last_activity_ - last_connected_ >= backoff_) {
    backoff_ = options_.min_backoff;
  } else {
    grow_backoff();
  }
  enter(tries_left_ == 0 ? State::Void : State::Backoff, now);
}

void Reconnect::activity(TimePoint now) {
  if (state_ == State::Active) last_activity_ = now;
}

void Reconnect::force(TimePoint now) {
  if (state_ == State::Backoff) state_entered_ = now - backoff_;
}

Reconnect::Action Reconnect::run(TimePoint now) const {
  switch (state_) {
    case State::Backoff:
      return now >= state_entered_ + backoff_ ? Action::Connect : Action::None;
    case State::Connecting:
      return now >= state_entered_ + options_.connect_timeout ? Action::Disconnect : Action::None;
    case State::Void:
    case State::Active:
      return Action::None;
  }
  return Action::None;
}

std::optional<Reconnect::TimePoint> Reconnect::deadline() const {
  switch (state_) {
    case State::Backoff:
      return state_entered_ + backoff_;
    case State::Connecting:
      return state_entered_ + options_.connect_timeout;
    case State::Void:
    case State::Active:
      return std::nullopt;
  }
  return std::nullopt;
}

const char* to_string(Reconnect::State state) {
  switch (state) {
    case Reconnect::State::Void: return "VOID";
    case Reconnect::State::Backoff: return "BACKOFF";
    case Reconnect::State::Connecting: return "CONNECTING";
    case Reconnect::State::Active: return "ACTIVE";
  }
  return "?";
}

}  // namespace ovsdb
