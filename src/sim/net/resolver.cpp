#include "moonpool/sim/net/detail/resolver_core.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <charconv>
#include <stdexcept>

#include "moonpool/sim/detail/state_of.hpp"
#include "moonpool/sim/net/network_config.hpp"

namespace moonpool::sim::detail::net {
namespace asio_error = boost::asio::error;
using boost::system::error_code;

namespace {

// A port number, or a well-known service name; nullopt when unknown.
std::optional<unsigned short> service_port(std::string_view service) {
  if (service.empty()) {
    return 0;
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(service.data(), service.data() + service.size(), value);
  if (ec == std::errc() && end == service.data() + service.size()) {
    if (value > 65535) {
      return std::nullopt;
    }
    return static_cast<unsigned short>(value);
  }
  if (service == "http" || service == "ws") {
    return 80;
  }
  if (service == "https" || service == "wss") {
    return 443;
  }
  return std::nullopt;
}

void complete(world_state& state, std::uint64_t op_id, error_code ec,
              resolver_core::results_type results) {
  sim::detail::complete_parked<error_code, resolver_core::results_type>(state, op_id, ec,
                                                                        std::move(results));
}

}  // namespace

resolver_core::resolver_core(const executor_type& ex)
    : executor_(ex),
      state_(&sim::detail::state_of(ex, "moonpool::sim::tcp::resolver")),
      host_(&sim::detail::require_host(ex, "moonpool::sim::tcp::resolver")),
      network_(&network_of(*state_)),
      pending_(std::make_shared<std::vector<std::uint64_t>>()) {}

resolver_core::resolver_core(resolver_core&& other) noexcept
    : executor_(std::move(other.executor_)),
      state_(other.state_),
      host_(other.host_),
      network_(other.network_),
      pending_(std::exchange(other.pending_, std::make_shared<std::vector<std::uint64_t>>())) {}

resolver_core& resolver_core::operator=(resolver_core&& other) noexcept {
  if (this != &other) {
    cancel();
    executor_ = std::move(other.executor_);
    state_ = other.state_;
    host_ = other.host_;
    network_ = other.network_;
    pending_ = std::exchange(other.pending_, std::make_shared<std::vector<std::uint64_t>>());
  }
  return *this;
}

resolver_core::~resolver_core() {
  if (!state_->closing()) {
    cancel();
  }
}

void resolver_core::cancel() {
  auto ids = std::move(*pending_);
  pending_->clear();
  for (std::uint64_t op_id : ids) {
    complete(*state_, op_id, asio_error::operation_aborted, {});
  }
}

void resolver_core::cancellation::operator()(boost::asio::cancellation_type_t) const {
  complete(*state, op_id, asio_error::operation_aborted, {});
}

resolver_core::results_type resolver_core::lookup(const world_state& state, const host_record& self,
                                                  std::string_view host, std::string_view service,
                                                  error_code& ec) {
  const std::optional<unsigned short> port = service_port(service);
  if (!port) {
    ec = asio_error::service_not_found;
    return {};
  }
  std::optional<boost::asio::ip::address> address;
  error_code parse_error;
  const auto numeric = boost::asio::ip::make_address(std::string(host), parse_error);
  if (!parse_error) {
    address = numeric;
  } else if (host == "localhost") {
    address = self.address;
  } else {
    for (const host_record& candidate : state.hosts()) {
      for (const std::string& name : candidate.names) {
        if (name == host) {
          address = candidate.address;
          break;
        }
      }
      if (address) {
        break;
      }
    }
  }
  if (!address) {
    ec = asio_error::host_not_found;
    return {};
  }
  ec = {};
  return results_type::create(endpoint_type(*address, *port), std::string(host),
                              std::string(service));
}

resolver_core::results_type resolver_core::resolve(std::string_view host,
                                                   std::string_view service) {
  error_code ec;
  results_type results = resolve(host, service, ec);
  if (ec) {
    throw boost::system::system_error(
        ec, "moonpool::sim::tcp::resolver::resolve '" + std::string(host) + "'");
  }
  return results;
}

resolver_core::results_type resolver_core::resolve(std::string_view host, std::string_view service,
                                                   error_code& ec) {
  return lookup(*state_, *host_, host, service, ec);
}

void resolver_core::schedule(std::uint64_t op_id, std::string host, std::string service) {
  const network_config& config = network_->config();
  random_stream& random = state_->streams().simulation;
  const nanoseconds delay = config.resolve_latency.sample(random);
  const bool flaky =
      config.resolve_failure_probability > 0.0 && random.chance(config.resolve_failure_probability);
  auto pending = pending_;
  world_state* state = state_;
  const host_record* self = host_;
  // The lookup happens when the answer arrives: a host added meanwhile
  // resolves, as with a real name server.
  state_->schedule_at(
      state_->now() + delay, trace_kind::event, {self->id, 0, 6},
      [state, self, pending, op_id, host = std::move(host), service = std::move(service), flaky] {
        std::erase(*pending, op_id);
        if (state->find_parked(op_id) == nullptr) {
          return;  // cancelled
        }
        error_code ec;
        results_type results;
        if (flaky) {
          ec = asio_error::host_not_found_try_again;
        } else {
          results = lookup(*state, *self, host, service, ec);
        }
        state->trace(kinds::resolved,
                     {self->id, static_cast<std::uint64_t>(results.size()),
                      static_cast<std::uint64_t>(ec.value()), 0},
                     host, self);
        complete(*state, op_id, ec, std::move(results));
      });
}

}  // namespace moonpool::sim::detail::net
