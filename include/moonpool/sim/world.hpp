#pragma once
// One simulated world: one seed, one iteration of a simulation.
//
//   moonpool::sim::world world{42};
//   boost::asio::co_spawn(world.get_executor(), serve(), boost::asio::detached);
//   world.run();                     // until no work is left
//   world.trace_hash();              // the run's determinism fingerprint
//
// Everything that happens in a world is decided by its seed: which ready
// handler runs next (the scheduling stream), every latency and fault (the
// counted simulation stream), and configuration choices (the configuration
// stream). Simulated time starts at zero and jumps to the next event whenever
// nothing is runnable. A world is driven by one thread, the one that made it.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "moonpool/sim/executor.hpp"
#include "moonpool/sim/random.hpp"
#include "moonpool/sim/task.hpp"
#include "moonpool/sim/trace.hpp"
#include "moonpool/sim/world_options.hpp"

namespace moonpool::sim {

class host;
struct network_config;
struct storage_config;
struct storage_fault_counts;

class world {
 public:
  using executor_type = sim::executor;

  explicit world(std::uint64_t seed, world_options options = {});
  // Destroys every live task and pending operation without running them.
  ~world();
  world(const world&) = delete;
  world& operator=(const world&) = delete;

  // The executor of task 0 ("main"). Work submitted here runs in this world.
  [[nodiscard]] executor_type get_executor() noexcept;

  // Drives until no handler is runnable, no event is scheduled and no work
  // is outstanding. Throws deadlock_error when work is outstanding but can
  // never progress, livelock_error when handlers run forever without time
  // advancing; both name the seed and the task.
  void run();
  // Drives until simulated time reaches now() + duration (or nothing is left
  // to do), then sets the clock there.
  void run_for(std::chrono::nanoseconds duration);
  // Runs the handlers that are ready now, without advancing time.
  std::size_t poll();

  [[nodiscard]] std::uint64_t seed() const noexcept;
  [[nodiscard]] std::chrono::nanoseconds now() const noexcept;
  // World events processed (timer expiries, deliveries, faults, ...).
  [[nodiscard]] std::uint64_t events_processed() const noexcept;
  // Ready handlers run so far.
  [[nodiscard]] std::uint64_t handlers_run() const noexcept;
  // Scheduled events not yet processed (cancelled ones excluded).
  [[nodiscard]] std::size_t pending_events() const noexcept;
  // Hex digest of the ordered trace so far (trace.hpp documents the hash).
  [[nodiscard]] std::string trace_hash() const;
  // The trace records, when world_options::record_trace is set; else empty.
  [[nodiscard]] const std::vector<trace_record>& trace() const noexcept;

  // The counted simulation stream (latencies, faults, application draws).
  [[nodiscard]] random_stream& random() noexcept;
  [[nodiscard]] random_streams& streams() noexcept;

  // sim::spawn on this world's executor.
  template <class T>
  join_handle<T> spawn(std::string name, boost::asio::awaitable<T> body) {
    return sim::spawn(get_executor(), std::move(name), std::move(body));
  }

  // --- the simulated network (src/sim/net) --------------------------------------
  // Adds a host with its own address and executor. Throws
  // std::invalid_argument for a malformed or duplicate address.
  host add_host(std::string_view address);
  // The host with this address; throws std::invalid_argument if none.
  [[nodiscard]] host host_at(const boost::asio::ip::address& address);
  // Replaces the network configuration (validated: throws
  // std::invalid_argument naming a bad field). Applies to what happens next.
  void set_network_config(const network_config& config);
  [[nodiscard]] const network_config& current_network_config();
  // Blocks traffic from `from` to `to` (one direction) for `duration`, or
  // until healed when duration is nanoseconds::max().
  void partition(const host& from, const host& to,
                 std::chrono::nanoseconds duration = std::chrono::nanoseconds::max());
  // Blocks both directions between `a` and `b`.
  void partition_both_ways(const host& a, const host& b,
                           std::chrono::nanoseconds duration = std::chrono::nanoseconds::max());
  // Blocks everything to and from `h`.
  void isolate(const host& h, std::chrono::nanoseconds duration = std::chrono::nanoseconds::max());
  // Heals both directions between `a` and `b`, and any isolation of either.
  void heal(const host& a, const host& b);
  void heal_all();
  // Resets every connection of `h` and closes its listeners (a crash).
  void abort_connections(const host& h);

  // --- simulated storage (src/sim/storage) ----------------------------------------
  // Replaces the storage configuration of every host without an override of
  // its own (validated: throws std::invalid_argument naming a bad field).
  // Applies to what happens next.
  void set_storage_config(const storage_config& config);
  // Gives one host's disk a configuration of its own.
  void set_storage_config(const host& h, const storage_config& config);
  [[nodiscard]] const storage_config& current_storage_config();
  // What happens to a host's disk when its process dies (the runner calls
  // these; call them yourself after destroying the host's work when driving
  // a world by hand). In every case the disk's operations in flight are
  // dropped, never completed, and its open files are closed.
  // A clean shutdown: everything completed becomes durable.
  void shutdown_storage(const host& h);
  // Power loss: only what the durability model lets survive remains.
  void crash_storage(const host& h);
  // A new, empty disk.
  void wipe_storage(const host& h);
  // The storage faults injected so far, over every host.
  [[nodiscard]] storage_fault_counts storage_faults();

  // For I/O object implementers.
  [[nodiscard]] detail::world_state& state() noexcept { return *state_; }

 private:
  std::unique_ptr<detail::world_state> state_;
};

}  // namespace moonpool::sim
