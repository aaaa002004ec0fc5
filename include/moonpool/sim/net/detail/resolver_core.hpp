#pragma once
// The implementation of moonpool::sim::tcp::resolver for every executor
// type: name lookup in the simulated world, with the configured latency
// and failures.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/ip/basic_resolver_results.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "moonpool/sim/detail/pending_op.hpp"
#include "moonpool/sim/net/detail/network.hpp"

namespace moonpool::sim::detail::net {

class resolver_core {
 public:
  using executor_type = boost::asio::any_io_executor;
  using protocol_type = boost::asio::ip::tcp;
  using endpoint_type = boost::asio::ip::tcp::endpoint;
  using results_type = boost::asio::ip::basic_resolver_results<boost::asio::ip::tcp>;

  explicit resolver_core(const executor_type& ex);
  resolver_core(resolver_core&& other) noexcept;
  resolver_core& operator=(resolver_core&& other) noexcept;
  resolver_core(const resolver_core&) = delete;
  resolver_core& operator=(const resolver_core&) = delete;
  // Pending resolutions complete with operation_aborted.
  ~resolver_core();

  // Completes every pending resolution with operation_aborted.
  void cancel();

  // Resolves at once, without latency or faults (a synchronous call cannot
  // wait for simulated time).
  results_type resolve(std::string_view host, std::string_view service);
  results_type resolve(std::string_view host, std::string_view service,
                       boost::system::error_code& ec);

 protected:
  [[nodiscard]] const executor_type& core_executor() const noexcept { return executor_; }

  template <class Handler>
  void start(Handler handler, std::string host, std::string service) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    const std::uint64_t op_id = sim::detail::park_handler<boost::system::error_code, results_type>(
        *state_, std::move(handler), executor_);
    pending_->push_back(op_id);
    if (slot.is_connected()) {
      slot.template emplace<cancellation>(cancellation{state_, op_id});
    }
    schedule(op_id, std::move(host), std::move(service));
  }

 private:
  struct cancellation {
    world_state* state;
    std::uint64_t op_id;
    void operator()(boost::asio::cancellation_type_t) const;
  };

  void schedule(std::uint64_t op_id, std::string host, std::string service);
  // The lookup itself: an endpoint list or an error.
  static results_type lookup(const world_state& state, const host_record& self,
                             std::string_view host, std::string_view service,
                             boost::system::error_code& ec);

  executor_type executor_;
  world_state* state_;
  host_record* host_;
  network* network_;
  // Ids of resolutions this resolver started (some may be done already).
  std::shared_ptr<std::vector<std::uint64_t>> pending_;
};

}  // namespace moonpool::sim::detail::net
