// FlightTracker (src/milter/flight_tracker.h): counting across threads, draining refuses
// new messages, waitDrained returns when the last message ends.
#include "milter/flight_tracker.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace vouch::milter {
namespace {

TEST(FlightTracker, CountsAcrossThreads) {
  FlightTracker t;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&t] {
      for (int j = 0; j < 1000; ++j) {
        ASSERT_TRUE(t.beginMessage());
        t.endMessage();
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(t.inFlight(), 0u);
}

TEST(FlightTracker, DrainingRefusesAndWaits) {
  FlightTracker t;
  ASSERT_TRUE(t.beginMessage());
  ASSERT_TRUE(t.beginMessage());
  t.startDraining();
  EXPECT_TRUE(t.draining());
  EXPECT_FALSE(t.beginMessage());
  EXPECT_EQ(t.inFlight(), 2u);
  EXPECT_EQ(t.waitDrained(std::chrono::milliseconds(0)), 2u);
  std::thread finisher([&t] {
    t.endMessage();
    t.endMessage();
  });
  // Generous bound: the finisher ends both messages; the wait returns on the notify.
  EXPECT_EQ(t.waitDrained(std::chrono::seconds(60)), 0u);
  finisher.join();
}

TEST(FlightTracker, UnpairedEndDoesNotWrap) {
  FlightTracker t;
  t.endMessage();
  EXPECT_EQ(t.inFlight(), 0u);
  EXPECT_TRUE(t.beginMessage());
  EXPECT_EQ(t.inFlight(), 1u);
}

}  // namespace
}  // namespace vouch::milter
