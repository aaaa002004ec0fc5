#pragma once
// Fault injectors: user-written nemeses that run during the chaos window
// and break things on purpose (reboot processes, cut the network, heal it).
//
//   struct Isolator : moonpool::sim::FaultInjector {
//     std::string_view name() const override { return "isolator"; }
//     boost::asio::awaitable<void> run(moonpool::sim::FaultContext& f) override {
//       co_await moonpool::sim::sleep(std::chrono::seconds(2));
//       f.isolate(f.process_ips()[0], std::chrono::seconds(1));
//     }
//   };
//   sim.fault([] { return std::make_unique<Isolator>(); });
//
// An injector is cancelled when the chaos window ends.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <string_view>
#include <vector>

#include "moonpool/sim/random.hpp"
#include "moonpool/sim/runner/chaos.hpp"

namespace moonpool::sim {

class FaultContext {
 public:
  using address = boost::asio::ip::address;
  virtual ~FaultContext() = default;

  [[nodiscard]] virtual std::vector<address> process_ips() const = 0;
  // Processes currently down (crashed, or shutting down, and not yet back).
  [[nodiscard]] virtual std::size_t dead_count() const = 0;

  // Reboots the process at `ip`; false when it is already down. Grace and
  // recovery delays come from the attrition configuration (or its
  // defaults). max_dead is attrition's budget, not an injector's: an
  // injector decides for itself how much to break.
  virtual bool reboot(const address& ip, reboot_kind kind) = 0;
  // Reboots every live process with this tag value; returns how many.
  virtual std::size_t reboot_tagged(std::string_view key, std::string_view value,
                                    reboot_kind kind) = 0;
  // Reboots every live process of a datacenter, zone or machine id
  // ("dc1", "dc1-z2", "dc1-z2-m1"); returns how many.
  virtual std::size_t reboot_domain(std::string_view domain, reboot_kind kind) = 0;

  virtual void partition(const address& from, const address& to,
                         std::chrono::nanoseconds duration) = 0;
  virtual void partition_both_ways(const address& a, const address& b,
                                   std::chrono::nanoseconds duration) = 0;
  virtual void isolate(const address& ip, std::chrono::nanoseconds duration) = 0;
  virtual void heal(const address& a, const address& b) = 0;
  virtual void heal_all() = 0;

  // The counted simulation stream, and simulated time.
  [[nodiscard]] virtual random_stream& random() = 0;
  [[nodiscard]] virtual std::chrono::nanoseconds now() const = 0;
  [[nodiscard]] virtual boost::asio::any_io_executor get_executor() const = 0;
};

struct FaultInjector {
  virtual ~FaultInjector() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  virtual boost::asio::awaitable<void> run(FaultContext& faults) = 0;
};

}  // namespace moonpool::sim
