// The reconnect state machine, driven by events and a fake clock (no I/O), like OVS's
// tests/test-reconnect.c.
#include "ovsdb/reconnect.h"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using R = ovsdb::Reconnect;

namespace {

class ReconnectTest : public ::testing::Test {
 protected:
  R::TimePoint t{};  // a fake clock
  R fsm{R::Options{100ms, 1000ms, 500ms, -1}};
};

TEST_F(ReconnectTest, StartsIdleAndConnectsAtOnceWhenEnabled) {
  EXPECT_EQ(fsm.state(), R::State::Void);
  EXPECT_EQ(fsm.run(t), R::Action::None);
  fsm.enable(t);
  EXPECT_EQ(fsm.run(t), R::Action::Connect);
  fsm.connecting(t);
  EXPECT_EQ(fsm.run(t), R::Action::None);
  fsm.connected(t + 10ms);
  EXPECT_TRUE(fsm.is_connected());
  EXPECT_EQ(fsm.deadline(), std::nullopt);
}

TEST_F(ReconnectTest, BackoffDoublesUpToTheMaximumOnRepeatedFailures) {
  fsm.enable(t);
  std::vector<long> backoffs;
  for (int i = 0; i < 6; ++i) {
    ASSERT_EQ(fsm.run(t), R::Action::Connect) << i;
    fsm.connecting(t);
    fsm.connect_failed(t);
    backoffs.push_back(fsm.backoff().count());
    EXPECT_EQ(fsm.run(t + fsm.backoff() - 1ms), R::Action::None);
    t += fsm.backoff();
  }
  EXPECT_EQ(backoffs, (std::vector<long>{100, 200, 400, 800, 1000, 1000}));
  EXPECT_EQ(fsm.attempts(), 6u);
}

TEST_F(ReconnectTest, AHealthyConnectionThatDropsRetriesAfterTheMinimumBackoff) {
  fsm.enable(t);
  fsm.connecting(t);
  fsm.connect_failed(t);  // backoff 100
  t += 100ms;
  fsm.connecting(t);
  fsm.connect_failed(t);  // backoff 200
  t += 200ms;
  fsm.connecting(t);
  fsm.connected(t);
  t += 5s;
  fsm.activity(t);
  fsm.disconnected(t);
  EXPECT_EQ(fsm.state(), R::State::Backoff);
  EXPECT_EQ(fsm.backoff(), 100ms);
  EXPECT_EQ(fsm.run(t + 99ms), R::Action::None);
  EXPECT_EQ(fsm.run(t + 100ms), R::Action::Connect);
}

TEST_F(ReconnectTest, AFlappingConnectionKeepsBackingOff) {
  fsm.enable(t);
  fsm.connecting(t);
  fsm.connect_failed(t);
  t += 100ms;
  fsm.connecting(t);
  fsm.connected(t);
  fsm.disconnected(t + 1ms);  // dropped before any activity
  EXPECT_EQ(fsm.backoff(), 200ms);
}

TEST_F(ReconnectTest, SlowConnectAttemptTimesOut) {
  fsm.enable(t);
  fsm.connecting(t);
  EXPECT_EQ(fsm.deadline(), t + 500ms);
  EXPECT_EQ(fsm.run(t + 499ms), R::Action::None);
  EXPECT_EQ(fsm.run(t + 500ms), R::Action::Disconnect);
}

TEST_F(ReconnectTest, MaxTriesGivesUp) {
  R limited{R::Options{100ms, 1000ms, 500ms, 2}};
  limited.enable(t);
  limited.connecting(t);
  limited.connect_failed(t);
  EXPECT_EQ(limited.state(), R::State::Backoff);
  t += limited.backoff();
  limited.connecting(t);
  limited.connect_failed(t);
  EXPECT_EQ(limited.state(), R::State::Void);
  EXPECT_EQ(limited.run(t + 10s), R::Action::None);
}

TEST_F(ReconnectTest, ForceEndsTheBackoffWaitButKeepsTheBackoff) {
  fsm.enable(t);
  for (int i = 0; i < 4; ++i) {
    fsm.connecting(t);
    fsm.connect_failed(t);
  }
  EXPECT_EQ(fsm.backoff(), 800ms);
  EXPECT_EQ(fsm.run(t + 1ms), R::Action::None);
  fsm.force(t + 1ms);
  EXPECT_EQ(fsm.run(t + 1ms), R::Action::Connect);
  fsm.connecting(t + 1ms);
  fsm.connect_failed(t + 1ms);
  EXPECT_EQ(fsm.backoff(), 1000ms);
  fsm.force(t);  // no effect outside Backoff... and in Backoff only ends the current wait
  EXPECT_EQ(fsm.state(), R::State::Backoff);
}

TEST_F(ReconnectTest, DisableStopsEverything) {
  fsm.enable(t);
  fsm.disable(t);
  EXPECT_EQ(fsm.run(t + 1s), R::Action::None);
  fsm.connected(t);  // events while disabled are ignored
  EXPECT_FALSE(fsm.is_connected());
}

}  // namespace
