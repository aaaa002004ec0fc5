#pragma once
// Describes a simulation: processes, workloads, chaos, invariants and how
// many seeds to run. run_main (run_main.hpp) gives it the standard command
// line; run() runs it directly.
//
//   auto sim = moonpool::sim::SimulationBuilder{}
//       .processes(3, [] { return std::make_unique<KvServer>(); })
//       .workload(std::make_unique<KvClient>())
//       .chaos_duration(std::chrono::seconds(30))
//       .enable_chaos({moonpool::sim::chaos::network(moonpool::sim::chaos_mode::swarm)});

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "moonpool/explore/config.hpp"
#include "moonpool/explore/recipe.hpp"
#include "moonpool/sim/net/network_config.hpp"
#include "moonpool/sim/runner/chaos.hpp"
#include "moonpool/sim/runner/context.hpp"
#include "moonpool/sim/runner/fault_injector.hpp"
#include "moonpool/sim/runner/process.hpp"
#include "moonpool/sim/runner/report.hpp"
#include "moonpool/sim/runner/shared_state.hpp"
#include "moonpool/sim/runner/timeline.hpp"
#include "moonpool/sim/storage/storage_config.hpp"
#include "moonpool/sim/world_options.hpp"

namespace moonpool::sim {

// A datacenter -> zone -> machine -> process topology.
struct locality {
  std::size_t datacenters = 1;
  std::size_t zones_per_datacenter = 1;
  std::size_t machines_per_zone = 1;
  std::size_t processes_per_machine = 1;
};

// What an invariant sees after every simulation step.
struct invariant_view {
  std::chrono::nanoseconds now{0};
  const shared_state& state;
  const sim::timeline& timeline;
};

// How a run chooses its seeds and when it stops.
struct run_options {
  std::vector<std::uint64_t> seeds;                    // explicit seeds, run first, in order
  std::optional<std::uint64_t> iterations;             // seeds derived from base_seed
  std::optional<std::chrono::nanoseconds> time_limit;  // wall clock
  std::optional<std::pair<std::uint64_t, std::uint64_t>> until_stable;  // plateau, cap
  std::uint64_t base_seed = 0x6D6F6F6E706F6F6CULL;
  std::uint64_t shard_index = 0;
  std::uint64_t shard_count = 1;
  bool record_trace = false;
  // Fork-explore every root seed (exploration_config from the builder,
  // or this override).
  bool explore = false;
  std::optional<explore::exploration_config> exploration;
  // Replay one explored timeline instead of running seeds.
  std::optional<explore::recipe> replay;
  // Run every seed in a forked child: a crash, exit() or hang in user code
  // becomes a failing seed (signal or status named) and the run goes on.
  bool isolate = false;
  // Run every seed twice, in worlds of their own, and fail it when the two
  // traces differ, naming the first record where they part.
  bool check_determinism = false;
  // Wall time one seed may take (time spent waiting for explored children
  // not counted); past it the seed fails, naming what was pending. Zero
  // turns the limit off.
  std::chrono::nanoseconds seed_timeout = std::chrono::seconds(120);
  // How to start this program again (argv[0]); replay commands use it.
  std::string program;
  // Called after each seed (progress display, trace files).
  std::function<void(const seed_result&, const struct iteration_trace&)> on_seed;
  // Called when the process is about to die inside a seed (a fatal signal,
  // exit() from simulated code, a handler that never returns): the report
  // holds every seed run so far and the one that died, and is marked
  // incomplete. Runs in a dying process: write the report and return.
  std::function<void(const SimulationReport&)> on_abort;
};

// The trace of one seed, when run_options::record_trace is set.
struct iteration_trace {
  std::vector<std::string> json_lines;
};

class SimulationBuilder {
 public:
  using process_factory = std::function<std::unique_ptr<Process>()>;
  using workload_factory = std::function<std::unique_ptr<Workload>()>;
  using invariant_check = std::function<void(const invariant_view&)>;
  using fault_factory = std::function<std::unique_ptr<FaultInjector>()>;
  using wipe_hook = std::function<void(const actor_info&)>;

  SimulationBuilder& name(std::string value);
  // `count` processes from one factory, at 10.0.1.1, 10.0.1.2, ...
  SimulationBuilder& processes(std::size_t count, process_factory factory);
  // processes laid out as datacenters, zones and machines.
  SimulationBuilder& cluster(locality layout, process_factory factory);
  // Tag values given to the processes round-robin (process i gets
  // values[i % size]).
  SimulationBuilder& tags(std::string key, std::vector<std::string> values);
  // A workload instance reused by every iteration: it must reset its own
  // state in setup(), or a seed replayed alone may behave differently.
  SimulationBuilder& workload(std::unique_ptr<Workload> instance);
  // A workload built afresh for every iteration (preferred).
  SimulationBuilder& workload(workload_factory factory);
  // A fault injector, built afresh for every iteration, run during the
  // chaos window.
  SimulationBuilder& fault(fault_factory factory);
  // Called for a process rebooted with reboot_kind::crash_and_wipe, after it
  // died and before it restarts: wipe what it keeps outside its object.
  SimulationBuilder& on_wipe(wipe_hook hook);
  // Another name that resolves (sim::tcp::resolver) to the address of the
  // process or workload named `actor` ("db" or "db-0"); every actor
  // already resolves by its own name. Unknown actors fail the seed.
  SimulationBuilder& host_alias(std::string alias, std::string actor);
  // What happens when simulated code reads OS entropy, opens a real socket
  // or starts a thread (default: the seed fails, naming the call).
  SimulationBuilder& escapes(escape_policy policy);
  // Operation swarm: each seed enables a subset of a workload's operations
  // (Context::operation_enabled / enabled_operations).
  SimulationBuilder& swarm_operations(bool enabled = true);
  SimulationBuilder& chaos_duration(std::chrono::nanoseconds duration);
  SimulationBuilder& enable_chaos(std::initializer_list<chaos_surface> surfaces);
  // The network configuration when network chaos is off (default:
  // network_config{}, realistic latencies and no faults).
  SimulationBuilder& network(network_config config);
  // The storage configuration of every host (default: storage_config{},
  // the reference timings and no faults; docs/storage.md).
  SimulationBuilder& storage(storage_config config);
  // One host's disk differs from the others: `adjust` edits the
  // configuration that host would have had (the one above, or what
  // chaos::storage drew for the seed) before each seed starts. When storage
  // chaos ends, its faults and episodes stop as on every disk. `actor` names a
  // process as numbered ("kv-1" of three "kv") or a workload; a name that
  // matches none fails the seed saying so.
  //   .storage_for("kv-0", [](storage_config& c) { c.iops_max = 200; })
  SimulationBuilder& storage_for(std::string actor, std::function<void(storage_config&)> adjust);
  // Runs after every simulation step; throwing fails the seed.
  SimulationBuilder& invariant(std::string name, invariant_check check);
  // Simulated time allowed for each of setup, run and check.
  SimulationBuilder& phase_time_limit(std::chrono::nanoseconds limit);
  // Simulated time allowed, after check, for the processes to stop and the
  // world to fall quiet.
  SimulationBuilder& settle_time_limit(std::chrono::nanoseconds limit);
  // Default number of seeds when the command line names none.
  SimulationBuilder& iterations(std::uint64_t count);
  // How --explore spends its budget (depth, energy, splitting, jobs).
  SimulationBuilder& exploration(explore::exploration_config config);

  // Runs the simulation.
  [[nodiscard]] SimulationReport run(const run_options& options) const;
  // Runs one seed.
  [[nodiscard]] seed_result run_seed(std::uint64_t seed, iteration_trace* trace = nullptr) const;
  // Runs the timeline an exploration recipe names, in this process.
  [[nodiscard]] seed_result replay(const explore::recipe& recipe,
                                   iteration_trace* trace = nullptr) const;

  [[nodiscard]] std::uint64_t default_iterations() const noexcept { return iterations_; }
  [[nodiscard]] const std::string& simulation_name() const noexcept { return name_; }
  [[nodiscard]] const explore::exploration_config& exploration_settings() const noexcept {
    return exploration_;
  }

 private:
  friend class iteration_runner;

  // One seed, or the timeline of `recipe` when it is not null, with a
  // wall-clock limit (zero: none).
  seed_result run_iteration(std::uint64_t seed, const explore::recipe* recipe,
                            iteration_trace* trace, std::chrono::nanoseconds seed_timeout) const;

  struct process_group {
    std::string name;
    process_factory factory;
    std::size_t count = 1;
    std::optional<locality> layout;
  };
  struct workload_entry {
    std::shared_ptr<Workload> shared_instance;
    workload_factory factory;
  };
  struct named_invariant {
    std::string name;
    invariant_check check;
  };

  std::string name_ = "simulation";
  std::vector<process_group> groups_;
  std::vector<std::pair<std::string, std::vector<std::string>>> tags_;
  std::vector<workload_entry> workloads_;
  std::chrono::nanoseconds chaos_duration_{0};
  std::vector<chaos_surface> chaos_;
  network_config network_{};
  storage_config storage_{};
  std::vector<std::pair<std::string, std::function<void(storage_config&)>>> storage_for_;
  std::vector<named_invariant> invariants_;
  std::vector<fault_factory> faults_;
  std::vector<wipe_hook> wipe_hooks_;
  std::vector<std::pair<std::string, std::string>> host_aliases_;  // alias, actor
  escape_policy escapes_ = escape_policy::fail;
  bool swarm_operations_ = false;
  std::chrono::nanoseconds phase_time_limit_ = std::chrono::hours(1);
  std::chrono::nanoseconds settle_time_limit_ = std::chrono::minutes(5);
  std::uint64_t iterations_ = 100;
  explore::exploration_config exploration_{};
};

}  // namespace moonpool::sim
