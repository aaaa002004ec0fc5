#pragma once
// The simulations around the official examples: a Process that does what a
// server example's main() did, Workloads that run the official clients (or,
// for the Asio examples, which have no C++20 client, a plain client written
// against the same simulated types), and the checks.
//
// The official clients report by printing: the response (or echo) on
// std::cout when they succeed, "<step>: <error>" on std::cerr when they do
// not. A workload captures both streams for the iteration and judges every
// client session by what it printed once the session is over.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "entry_points.hpp"
#include "moonpool/assert.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace compat {

namespace asio = boost::asio;
namespace sim = moonpool::sim;
using namespace std::chrono_literals;

// What index.html holds in the servers' document root (CMake writes it).
inline constexpr const char* served_document =
    "moonpool: the official Boost examples over simulated TCP\n";

inline doc_root document_root() {
  return std::make_shared<const std::string>(MOONPOOL_COMPAT_DOC_ROOT);
}

// Redirects std::cout and std::cerr for its lifetime.
class captured_output {
 public:
  captured_output()
      : old_out_(std::cout.rdbuf(out_.rdbuf())), old_err_(std::cerr.rdbuf(err_.rdbuf())) {}
  ~captured_output() {
    std::cout.rdbuf(old_out_);
    std::cerr.rdbuf(old_err_);
  }
  captured_output(const captured_output&) = delete;
  captured_output& operator=(const captured_output&) = delete;

  [[nodiscard]] std::string printed() const { return out_.str(); }
  void clear() {
    out_.str({});
    err_.str({});
  }

 private:
  std::ostringstream out_;
  std::ostringstream err_;
  std::streambuf* old_out_;
  std::streambuf* old_err_;
};

// A server example, started as its main() would start it, on the host's
// io_context; it serves until the process is asked to stop or killed.
class official_server final : public sim::Process {
 public:
  using starter = std::function<void(sim::io_context&)>;
  official_server(std::string name, starter start)
      : name_(std::move(name)), start_(std::move(start)) {}
  std::string_view name() const override { return name_; }
  asio::awaitable<void> run(sim::Context& ctx) override {
    start_(ctx.io_context());
    co_await ctx.async_wait_shutdown(asio::use_awaitable);
  }

 private:
  std::string name_;
  starter start_;
};

// The factory of a process named "server" that starts an official server.
inline sim::SimulationBuilder::process_factory serve(official_server::starter start) {
  return [start = std::move(start)] { return std::make_unique<official_server>("server", start); };
}

// 0.0.0.0:port, as the examples' command lines give it: the host's address.
inline endpoint any_address(unsigned short port) {
  return {asio::ip::make_address("0.0.0.0"), port};
}

// Waits until a client session is over; false after `limit`.
inline asio::awaitable<bool> finished(const sim::Context& ctx, const std::weak_ptr<void>& session,
                                      std::chrono::nanoseconds limit) {
  const auto deadline = ctx.now() + limit;
  while (!session.expired()) {
    if (ctx.now() >= deadline) {
      co_return false;
    }
    co_await sim::sleep(20ms);
  }
  co_return true;
}

// Runs one session of an official client: `start()` starts it (returning
// its weak pointer), then waits until it is over and returns what it
// printed on std::cout (empty when it reported an error instead). A
// session still running after ten simulated minutes fails the seed.
template <class Start>
asio::awaitable<std::string> client_session(const sim::Context& ctx, captured_output& output,
                                            Start start) {
  output.clear();
  const std::weak_ptr<void> session = start();
  if (!co_await finished(ctx, session, 10min)) {
    throw std::runtime_error("an official client did not finish within 10 minutes");
  }
  co_return output.printed();
}

// Pauses between client sessions: a random think time.
inline asio::awaitable<void> think(sim::Context& ctx) {
  co_await sim::sleep(std::chrono::milliseconds(ctx.random().below(1000)));
}

}  // namespace compat
