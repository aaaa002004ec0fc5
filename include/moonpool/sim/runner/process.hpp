#pragma once
// What users write against: the system under test (Process) and the test
// driver (Workload).
//
// A Process is rebuilt by its factory at every boot: a reboot loses all of
// its in-memory state, as a real restart does. A Workload lives for the whole
// iteration and survives reboots of the processes it talks to.

#include <boost/asio/awaitable.hpp>
#include <string_view>

namespace moonpool::sim {

class Context;

struct Process {
  virtual ~Process() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  // Serves until the context's shutdown signal (or until killed).
  virtual boost::asio::awaitable<void> run(Context& ctx) = 0;
};

struct Workload {
  virtual ~Workload() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  // Runs before any workload's run(); all setups run concurrently.
  virtual boost::asio::awaitable<void> setup(Context&) { co_return; }
  // Drives the system; chaos runs at the same time for chaos_duration.
  virtual boost::asio::awaitable<void> run(Context& ctx) = 0;
  // Runs after run() with the processes alive and chaos over; an exception
  // fails the iteration.
  virtual boost::asio::awaitable<void> check(Context&) { co_return; }
};

}  // namespace moonpool::sim
