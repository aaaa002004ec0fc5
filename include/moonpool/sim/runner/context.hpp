#pragma once
// What a process or workload knows about its world: who it is, who else
// exists, randomness, time, shared state, the event timeline, and the
// shutdown signal.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "moonpool/sim/host.hpp"
#include "moonpool/sim/notification.hpp"
#include "moonpool/sim/random.hpp"
#include "moonpool/sim/runner/shared_state.hpp"
#include "moonpool/sim/runner/timeline.hpp"
#include "moonpool/sim/storage/storage.hpp"

namespace moonpool::sim {

class world;
struct network_config;

// One process or workload instance of an iteration.
struct actor_info {
  std::string name;  // "kv" for a lone process, "kv-0", "kv-1", ... otherwise
  boost::asio::ip::address ip;
  bool is_process = false;
  std::uint64_t client_id = 0;
  std::map<std::string, std::string, std::less<>> tags;
  std::string datacenter;  // "dc1"; empty without a cluster topology
  std::string zone;        // "dc1-z1"
  std::string machine;     // "dc1-z1-m1"
};

class Context {
 public:
  Context(sim::world& w, sim::host h, const actor_info& self, const std::vector<actor_info>& all,
          shared_state& state, sim::timeline& events, notification& shutdown,
          bool swarm_operations = false)
      : world_(&w),
        host_(h),
        self_(&self),
        all_(&all),
        state_(&state),
        events_(&events),
        shutdown_(&shutdown),
        swarm_operations_(swarm_operations) {}

  [[nodiscard]] const boost::asio::ip::address& my_ip() const noexcept { return self_->ip; }
  [[nodiscard]] std::string_view name() const noexcept { return self_->name; }
  [[nodiscard]] std::uint64_t client_id() const noexcept { return self_->client_id; }
  [[nodiscard]] const actor_info& self() const noexcept { return *self_; }
  [[nodiscard]] boost::asio::any_io_executor get_executor() const { return host_.get_executor(); }
  // This actor's host as an io_context, for code written against
  // boost::asio::io_context& (see moonpool/sim/io_context.hpp). A process
  // gets a fresh one at every boot.
  [[nodiscard]] sim::io_context& io_context() const { return host_.context(); }
  [[nodiscard]] sim::host host() const noexcept { return host_; }

  // --- topology -----------------------------------------------------------------------
  [[nodiscard]] const std::vector<actor_info>& everyone() const noexcept { return *all_; }
  [[nodiscard]] std::vector<boost::asio::ip::address> process_ips() const;
  // The address of the first process or workload with this name.
  [[nodiscard]] std::optional<boost::asio::ip::address> peer(std::string_view name) const;
  // This actor's value for a tag, or "" when it has none.
  [[nodiscard]] std::string_view tag(std::string_view key) const;
  [[nodiscard]] std::vector<boost::asio::ip::address> ips_with_tag(std::string_view key,
                                                                   std::string_view value) const;

  // --- providers ----------------------------------------------------------------------
  // The network configuration in force (it changes when chaos ends).
  [[nodiscard]] const sim::network_config& network_config() const;
  [[nodiscard]] const sim::network_config& network() const { return network_config(); }
  // This host's disk. Its files survive reboots of the process (a crash
  // keeps what the durability model lets survive; docs/storage.md) and are
  // gone after crash_and_wipe.
  [[nodiscard]] sim::storage storage() const { return sim::storage(host_.get_executor()); }
  // The counted simulation stream: application randomness replays per seed.
  [[nodiscard]] random_stream& random() const;
  // Simulated time, and this host's own (possibly drifted) clock reading.
  [[nodiscard]] std::chrono::nanoseconds now() const;
  [[nodiscard]] clock::time_point timer() const { return host_.now(); }
  [[nodiscard]] sim::world& world() const noexcept { return *world_; }

  // --- operation swarm ---------------------------------------------------------------
  // Whether operation `index` of this workload's alphabet is enabled for this
  // seed. Always true unless the builder enabled swarm_operations; then each
  // operation is on for about half of the seeds (a pure hash of the seed and
  // the index: no draw).
  [[nodiscard]] bool operation_enabled(std::size_t index) const;
  // The enabled indices among [0, count); the full alphabet when the swarm
  // would leave none.
  [[nodiscard]] std::vector<std::size_t> enabled_operations(std::size_t count) const;

  // --- shared state and the timeline ------------------------------------------------------
  [[nodiscard]] shared_state& state() const noexcept { return *state_; }
  [[nodiscard]] sim::timeline& timeline() const noexcept { return *events_; }
  // Appends an event with this actor as its source.
  void emit(std::string name, std::initializer_list<timeline::field> fields) const;

  // --- shutdown -------------------------------------------------------------------------------
  [[nodiscard]] bool shutdown_requested() const noexcept { return shutdown_->notified(); }
  // Completes when this process is asked to shut down (or at once if it was).
  template <class WaitToken = boost::asio::default_completion_token_t<notification::executor_type>>
  auto async_wait_shutdown(WaitToken&& token = {}) const {
    return shutdown_->async_wait(std::forward<WaitToken>(token));
  }

 private:
  sim::world* world_;
  sim::host host_;
  const actor_info* self_;
  const std::vector<actor_info>* all_;
  shared_state* state_;
  sim::timeline* events_;
  notification* shutdown_;
  bool swarm_operations_;
};

}  // namespace moonpool::sim
