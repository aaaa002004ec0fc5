#include "moonpool/sim/notification.hpp"

#include <gtest/gtest.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include "moonpool/sim/errors.hpp"
#include "moonpool/sim/world.hpp"

namespace asio = boost::asio;
using boost::system::error_code;

TEST(Notification, WakesEveryWaiterAndLaterOnesAtOnce) {
  moonpool::sim::world w{1};
  moonpool::sim::notification n(w.get_executor());
  int woken = 0;
  for (int i = 0; i < 3; ++i) {
    n.async_wait([&](error_code ec) { woken += ec ? 0 : 1; });
  }
  w.poll();
  EXPECT_EQ(woken, 0);
  n.notify();
  EXPECT_EQ(woken, 0) << "completions go through the executor";
  w.run();
  EXPECT_EQ(woken, 3);
  n.async_wait([&](error_code ec) { woken += ec ? 0 : 1; });
  w.run();
  EXPECT_EQ(woken, 4);
}

TEST(Notification, AWaiterNobodyNotifiesIsADeadlock) {
  moonpool::sim::world w{2};
  moonpool::sim::notification n(w.get_executor());
  n.async_wait([](error_code) {});
  EXPECT_THROW(w.run(), moonpool::sim::deadlock_error);
}

TEST(Notification, CancellationAndDestructionAbortWaiters) {
  moonpool::sim::world w{3};
  asio::cancellation_signal signal;
  error_code cancelled;
  error_code destroyed;
  {
    moonpool::sim::notification n(w.get_executor());
    n.async_wait(
        asio::bind_cancellation_slot(signal.slot(), [&](error_code ec) { cancelled = ec; }));
    n.async_wait([&](error_code ec) { destroyed = ec; });
    signal.emit(asio::cancellation_type::terminal);
  }
  w.run();
  EXPECT_EQ(cancelled, asio::error::operation_aborted);
  EXPECT_EQ(destroyed, asio::error::operation_aborted);
}
