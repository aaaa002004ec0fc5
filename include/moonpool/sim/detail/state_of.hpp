#pragma once
// Finds the simulated world behind any executor (ours, wrapped in
// any_io_executor, or under a strand), or reports the misuse in one line.

#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
#include <stdexcept>
#include <string>

#include "moonpool/sim/detail/world_state.hpp"

namespace moonpool::sim::detail {

[[noreturn]] void throw_not_simulated(const char* who);
[[noreturn]] void throw_no_host(const char* who);

template <class Executor>
world_state& state_of(const Executor& ex, const char* who) {
  boost::asio::execution_context& context = boost::asio::query(ex, boost::asio::execution::context);
  if (boost::asio::has_service<world_service>(context)) {
    return boost::asio::use_service<world_service>(context).state();
  }
  throw_not_simulated(who);
}

// The simulated host behind any executor: sim::executor itself, or any
// wrapper that forwards the context query (strand<>, any_io_executor,
// prefer/require results, a sim::io_context's executors). Null for the
// world's own executor. Throws like state_of() for a foreign executor.
template <class Executor>
host_record* host_of(const Executor& ex, const char* who) {
  boost::asio::execution_context& context = boost::asio::query(ex, boost::asio::execution::context);
  if (boost::asio::has_service<world_service>(context)) {
    return boost::asio::use_service<world_service>(context).host();
  }
  throw_not_simulated(who);
}

// host_of() for an I/O object that needs an address: throws
// std::logic_error naming `who` for the world's own executor.
template <class Executor>
host_record& require_host(const Executor& ex, const char* who) {
  host_record* host = host_of(ex, who);
  if (host == nullptr) {
    throw_no_host(who);
  }
  return *host;
}

}  // namespace moonpool::sim::detail
