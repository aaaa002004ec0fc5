#pragma once
// moonpool::sim::tcp::resolver: name resolution in a simulated world.
//
// basic_tcp_resolver<Executor> mirrors boost::asio::ip::basic_resolver<tcp,
// Executor>: async_resolve(host, service[, flags], token) with any
// completion token and per-operation cancellation, completing with
// (error_code, results_type) where results_type is Asio's own
// ip::tcp::resolver::results_type, so asio::async_connect and Beast's
// tcp_stream::async_connect take the results unchanged.
//
// Names: every process and workload resolves by its name ("server",
// "server-0", ...) and by any alias the builder gave it
// (SimulationBuilder::host_alias); "localhost" is the resolving host's own
// address; an IP address resolves to itself. The service is a port number
// or one of http, https, ws, wss. Unknown names fail with
// host_not_found, unknown services with service_not_found. With chaos a
// resolution takes network_config::resolve_latency and fails with
// host_not_found_try_again with resolve_failure_probability; both are
// seeded draws and in the trace.

#include <boost/asio/async_result.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/ip/resolver_base.hpp>
#include <string>
#include <string_view>
#include <type_traits>

#include "moonpool/sim/net/detail/resolver_core.hpp"

namespace moonpool::sim {

template <class Executor = boost::asio::any_io_executor>
class basic_tcp_resolver : public detail::net::resolver_core,
                           public boost::asio::ip::resolver_base {
 public:
  using executor_type = Executor;
  template <class OtherExecutor>
  struct rebind_executor {
    using other = basic_tcp_resolver<OtherExecutor>;
  };

  explicit basic_tcp_resolver(const executor_type& ex)
      : resolver_core(boost::asio::any_io_executor(ex)), executor_(ex) {}
  template <class ExecutionContext>
  requires std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>
  explicit basic_tcp_resolver(ExecutionContext& context)
      : basic_tcp_resolver(executor_type(context.get_executor())) {}
  basic_tcp_resolver(basic_tcp_resolver&&) noexcept = default;
  basic_tcp_resolver& operator=(basic_tcp_resolver&&) noexcept = default;

  [[nodiscard]] executor_type get_executor() const noexcept { return executor_; }

  template <class ResolveToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_resolve(
      std::string_view host, std::string_view service,
      ResolveToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return boost::asio::async_initiate<ResolveToken, void(boost::system::error_code, results_type)>(
        [this](auto handler, std::string h, std::string s) {
          this->start(std::move(handler), std::move(h), std::move(s));
        },
        token, std::string(host), std::string(service));
  }

  // Flags (passive, numeric_host, ...) change nothing in the simulation.
  template <class ResolveToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_resolve(
      std::string_view host, std::string_view service, flags,
      ResolveToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_resolve(host, service, std::forward<ResolveToken>(token));
  }

  template <class ResolveToken = boost::asio::default_completion_token_t<executor_type>>
  auto async_resolve(
      const protocol_type&, std::string_view host, std::string_view service,
      ResolveToken&& token = boost::asio::default_completion_token_t<executor_type>()) {
    return async_resolve(host, service, std::forward<ResolveToken>(token));
  }

 private:
  Executor executor_;
};

}  // namespace moonpool::sim
