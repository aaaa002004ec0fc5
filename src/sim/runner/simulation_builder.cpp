#include "moonpool/sim/runner/simulation_builder.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "../process_hooks.hpp"
#include "determinism_check.hpp"
#include "isolation.hpp"
#include "moonpool/assert.hpp"
#include "moonpool/explore/explorer.hpp"
#include "moonpool/sim/detail/wall_clock.hpp"
#include "moonpool/sim/detail/world_state.hpp"
#include "root_workers.hpp"

namespace moonpool::sim {

SimulationBuilder& SimulationBuilder::name(std::string value) {
  name_ = std::move(value);
  return *this;
}

SimulationBuilder& SimulationBuilder::processes(std::size_t count, process_factory factory) {
  if (count == 0 || !factory) {
    throw std::invalid_argument("SimulationBuilder::processes needs a count >= 1 and a factory");
  }
  groups_.push_back({"", std::move(factory), count, std::nullopt});
  return *this;
}

SimulationBuilder& SimulationBuilder::cluster(locality layout, process_factory factory) {
  const std::size_t count = layout.datacenters * layout.zones_per_datacenter *
                            layout.machines_per_zone * layout.processes_per_machine;
  if (count == 0 || !factory) {
    throw std::invalid_argument(
        "SimulationBuilder::cluster needs every locality level >= 1 and a factory");
  }
  groups_.push_back({"", std::move(factory), count, layout});
  return *this;
}

SimulationBuilder& SimulationBuilder::tags(std::string key, std::vector<std::string> values) {
  if (values.empty()) {
    throw std::invalid_argument("SimulationBuilder::tags('" + key + "') needs at least one value");
  }
  tags_.emplace_back(std::move(key), std::move(values));
  return *this;
}

SimulationBuilder& SimulationBuilder::workload(std::unique_ptr<Workload> instance) {
  if (!instance) {
    throw std::invalid_argument("SimulationBuilder::workload got a null workload");
  }
  workloads_.push_back({std::shared_ptr<Workload>(std::move(instance)), nullptr});
  return *this;
}

SimulationBuilder& SimulationBuilder::workload(workload_factory factory) {
  if (!factory) {
    throw std::invalid_argument("SimulationBuilder::workload got an empty factory");
  }
  workloads_.push_back({nullptr, std::move(factory)});
  return *this;
}

SimulationBuilder& SimulationBuilder::fault(fault_factory factory) {
  if (!factory) {
    throw std::invalid_argument("SimulationBuilder::fault got an empty factory");
  }
  faults_.push_back(std::move(factory));
  return *this;
}

SimulationBuilder& SimulationBuilder::on_wipe(wipe_hook hook) {
  if (!hook) {
    throw std::invalid_argument("SimulationBuilder::on_wipe got an empty hook");
  }
  wipe_hooks_.push_back(std::move(hook));
  return *this;
}

SimulationBuilder& SimulationBuilder::host_alias(std::string alias, std::string actor) {
  if (alias.empty() || actor.empty()) {
    throw std::invalid_argument(
        "SimulationBuilder::host_alias needs a non-empty alias and actor name, e.g. "
        "host_alias(\"db.internal\", \"db-0\")");
  }
  host_aliases_.emplace_back(std::move(alias), std::move(actor));
  return *this;
}

SimulationBuilder& SimulationBuilder::escapes(escape_policy policy) {
  escapes_ = policy;
  return *this;
}

SimulationBuilder& SimulationBuilder::swarm_operations(bool enabled) {
  swarm_operations_ = enabled;
  return *this;
}

SimulationBuilder& SimulationBuilder::chaos_duration(std::chrono::nanoseconds duration) {
  chaos_duration_ = duration;
  return *this;
}

SimulationBuilder& SimulationBuilder::enable_chaos(std::initializer_list<chaos_surface> surfaces) {
  for (const chaos_surface& s : surfaces) {
    if (s.surface == chaos_surface::kind::attrition) {
      s.attrition.validate();
    }
    chaos_.push_back(s);
  }
  return *this;
}

SimulationBuilder& SimulationBuilder::network(network_config config) {
  config.validate();
  network_ = config;
  return *this;
}

SimulationBuilder& SimulationBuilder::storage(storage_config config) {
  config.validate();
  storage_ = config;
  return *this;
}

SimulationBuilder& SimulationBuilder::storage_for(std::string actor,
                                                  std::function<void(storage_config&)> adjust) {
  if (actor.empty() || !adjust) {
    throw std::invalid_argument(
        "SimulationBuilder::storage_for needs an actor name and a function, e.g. "
        "storage_for(\"kv-0\", [](storage_config& c) { c.iops_max = 200; })");
  }
  storage_for_.emplace_back(std::move(actor), std::move(adjust));
  return *this;
}

SimulationBuilder& SimulationBuilder::invariant(std::string name, invariant_check check) {
  invariants_.push_back({std::move(name), std::move(check)});
  return *this;
}

SimulationBuilder& SimulationBuilder::phase_time_limit(std::chrono::nanoseconds limit) {
  phase_time_limit_ = limit;
  return *this;
}

SimulationBuilder& SimulationBuilder::settle_time_limit(std::chrono::nanoseconds limit) {
  settle_time_limit_ = limit;
  return *this;
}

SimulationBuilder& SimulationBuilder::iterations(std::uint64_t count) {
  iterations_ = count;
  return *this;
}

SimulationBuilder& SimulationBuilder::exploration(explore::exploration_config config) {
  config.validate();
  exploration_ = config;
  return *this;
}

namespace {

// The i-th seed of a run: a fixed mix of the base seed and the index, so a
// run, and each shard of it, is reproducible.
std::uint64_t derived_seed(std::uint64_t base, std::uint64_t index) {
  return mix64(base ^ mix64(index + 0x9E3779B97F4A7C15ULL));
}

// While a run is under way: if the process dies inside a seed, the seed is
// recorded as failed, its replay command printed, and the report of
// everything run so far handed to run_options::on_abort.
class abort_guard {
 public:
  abort_guard(const run_options& options, const SimulationReport& report,
              std::chrono::nanoseconds wall_start)
      : options_(options), report_(report), wall_start_(wall_start) {
    detail::set_abort_hook(&abort_guard::on_abort, this);
  }
  ~abort_guard() { detail::set_abort_hook(nullptr, nullptr); }
  abort_guard(const abort_guard&) = delete;
  abort_guard& operator=(const abort_guard&) = delete;

  void running(std::uint64_t seed, std::uint64_t index) {
    seed_ = seed;
    index_ = index;
  }

 private:
  static void on_abort(void* self, const char* cause) {
    static_cast<abort_guard*>(self)->abort(cause);
  }

  void abort(const char* cause) const {
    // A forked timeline or an isolated seed tells its parent, which owns
    // the report.
    if (explore::forked_child()) {
      explore::child_aborted(cause);
      return;
    }
    if (detail::isolated_child_abort(cause)) {
      return;
    }
    SimulationReport report = report_;
    seed_result dead;
    dead.seed = seed_;
    dead.index = index_;
    dead.ok = false;
    dead.error = cause;
    // The dying seed's trace so far: the replay command suggests --trace,
    // and the events before the crash are what a user wants to read.
    iteration_trace trace;
    if (const detail::world_state* world = detail::world_state::current()) {
      dead.sim_time = world->now();
      dead.events = world->events_processed();
      dead.trace_hash = world->trace_hash();
      for (const trace_record& r : world->trace_records()) {
        trace.json_lines.push_back(to_json_line(r));
      }
    }
    if (options_.on_seed) {
      options_.on_seed(dead, trace);
    }
    ++report.iterations;
    ++report.failed;
    report.failing_seeds.push_back(seed_);
    report.incomplete = true;
    report.stop_reason = "aborted";
    report.assertions = assertions::table();
    report.wall = detail::wall_now() - wall_start_;
    // A re-executed explored timeline dies in this process: its recipe, not
    // its root seed, replays it.
    const std::optional<explore::recipe> timeline = explore::reexecuted_timeline();
    if (timeline) {
      dead.error += " (in the explored timeline " + explore::format_recipe(*timeline) + ")";
    }
    report.seeds.push_back(dead);
    const std::string command = timeline          ? replay_command(report.program, *timeline)
                                : report.replayed ? replay_command(report.program, *report.replayed)
                                                  : replay_command(report.program, seed_);
    std::fprintf(stderr, "moonpool: %s; replay it with: %s\n", cause, command.c_str());
    if (options_.on_abort) {
      options_.on_abort(report);
    }
  }

  const run_options& options_;
  const SimulationReport& report_;
  std::chrono::nanoseconds wall_start_;
  std::uint64_t seed_ = 0;
  std::uint64_t index_ = 0;
};

// What `options` asks of a simulation whose default seed count is
// `default_iterations`, as the report records it.
run_plan plan_of(const run_options& options, std::uint64_t default_iterations) {
  run_plan plan;
  plan.seeds = options.seeds;
  // The same choice as SimulationBuilder::run: derived seeds when no seed
  // was named or a way to derive them was; a count unless a time limit
  // alone or until-stable decides when to stop.
  const bool derive =
      options.seeds.empty() || options.iterations || options.time_limit || options.until_stable;
  if (derive && !options.until_stable && (options.iterations || !options.time_limit)) {
    plan.iterations = options.iterations.value_or(default_iterations);
  }
  plan.base_seed = options.base_seed;
  plan.time_limit = options.time_limit;
  plan.until_stable = options.until_stable;
  plan.isolate = options.isolate;
  plan.check_determinism = options.check_determinism;
  plan.seed_timeout = options.seed_timeout;
  return plan;
}

}  // namespace

SimulationReport SimulationBuilder::run(const run_options& options) const {
  if (workloads_.empty()) {
    throw std::invalid_argument(
        "this simulation has no workload; add one with SimulationBuilder::workload(...)");
  }
  if (options.shard_count == 0 || options.shard_index >= options.shard_count) {
    throw std::invalid_argument("--shard I/N needs 0 <= I < N");
  }
  if (options.until_stable && options.shard_count > 1) {
    // Each shard would stop on its own coverage: together they would not
    // be any one run, and their reports would not merge into one.
    throw std::invalid_argument(
        "--until-stable does not combine with --shard: each shard would stop on its own "
        "coverage; give the shards --iterations N (or --time-limit S)");
  }
  if (options.replay && (options.explore || options.isolate || !options.seeds.empty() ||
                         options.iterations || options.time_limit || options.until_stable)) {
    throw std::invalid_argument(
        "a replay runs one recipe; drop --seed, --iterations, --time-limit, --until-stable, "
        "--isolate and --explore");
  }
  if (options.check_determinism && (options.explore || options.replay)) {
    throw std::invalid_argument(
        "--check-determinism runs plain seeds twice; it does not combine with --explore (which "
        "already fails a timeline that does not re-run the same) or --replay (check the recipe's "
        "root seed with --seed instead)");
  }
  if (options.explore && options.isolate) {
    throw std::invalid_argument(
        "--isolate does not combine with --explore: explored timelines already run in their own "
        "processes");
  }
  const auto wall_start = detail::wall_now();
  assertions::reset_table();
  SimulationReport report;
  report.name = name_;
  report.program = options.program;
  report.plan = plan_of(options, iterations_);
  if (options.explore) {
    report.plan.exploration = options.exploration.value_or(exploration_);
  }
  report.shard_index = options.shard_index;
  report.shard_count = options.shard_count;
  abort_guard guard(options, report, wall_start);

  // Counts one finished seed, the run's index-th, into the report.
  auto record = [&](seed_result result, std::uint64_t index, const iteration_trace& trace) {
    result.index = index;
    ++report.iterations;
    if (result.ok) {
      ++report.passed;
    } else {
      ++report.failed;
      report.failing_seeds.push_back(result.seed);
    }
    if (options.on_seed) {
      options.on_seed(result, trace);
    }
    report.seeds.push_back(result);
  };

  if (options.replay) {
    iteration_trace trace;
    report.replayed = options.replay;
    guard.running(options.replay->root_seed, 0);
    seed_result result =
        run_iteration(options.replay->root_seed, &*options.replay,
                      options.record_trace ? &trace : nullptr, options.seed_timeout);
    const std::size_t steps = options.replay->steps.size();
    if (result.recipe_steps_applied.value_or(steps) < steps) {
      // Not the timeline that was recorded: say so rather than pass.
      result.ok = false;
      result.error = "the replay reached only " + std::to_string(*result.recipe_steps_applied) +
                     " of the recipe's " + std::to_string(steps) +
                     " steps: the recipe comes from another simulation, or the code changed "
                     "since it was recorded" +
                     (result.error.empty() ? "" : " (the run also failed: " + result.error + ")");
    }
    record(std::move(result), 0, trace);
    report.stop_reason = "replay";
    report.assertions = assertions::table();
    report.wall = detail::wall_now() - wall_start;
    return report;
  }
  if (options.explore) {
    explore::start(options.exploration.value_or(exploration_));
  }
  // Ends the exploration however run() leaves (a throwing workload factory,
  // say), so that the next run can start one.
  struct stop_exploring {
    ~stop_exploring() {
      if (explore::running() && !explore::forked_child()) {
        static_cast<void>(explore::stop());
      }
    }
  } const stop_on_exit;

  // One root seed explored: the root timeline's last run is the seed's
  // result (and trace); every other run is a child or a replayed prefix.
  auto explore_one = [&](std::uint64_t seed, iteration_trace& trace) {
    seed_result root;
    auto run_timeline = [&](const explore::recipe& where, bool root_timeline) {
      iteration_trace* wanted = root_timeline && options.record_trace ? &trace : nullptr;
      if (wanted != nullptr) {
        wanted->json_lines.clear();
      }
      seed_result r = run_iteration(where.root_seed, where.steps.empty() ? nullptr : &where, wanted,
                                    options.seed_timeout);
      const std::size_t steps = where.steps.size();
      if (r.recipe_steps_applied.value_or(steps) < steps) {
        // The same run again did not reach the same split point.
        r.ok = false;
        r.error = "a timeline re-executed from its root seed reached only " +
                  std::to_string(*r.recipe_steps_applied) + " of its " + std::to_string(steps) +
                  " split points: the simulation is not deterministic (state kept across seeds, "
                  "or randomness, time or threads the simulation does not control)";
      }
      if (root_timeline) {
        root = r;
      }
      return explore::timeline_end{r.ok, r.error, r.trace_hash};
    };
    const explore::timeline_end end = explore::explore_root(seed, run_timeline);
    root.seed = seed;
    if (!end.ok && root.ok) {
      root.ok = false;
      root.error = end.error;
    }
    return root;
  };

  const auto jobs = [&] {
    const std::uint32_t asked = options.exploration.value_or(exploration_).jobs;
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return asked != 0 ? asked : static_cast<std::uint32_t>(cores > 0 ? cores : 1);
  };
  // Explored root seeds run in workers (root_workers.hpp); a commit adds
  // one to the report, in root-seed order, with its share of the summary
  // (so that shard reports merge exactly). root_indices holds the run's
  // index of each root of `roots`, handed to explore_roots.
  std::vector<std::uint64_t> roots;
  std::vector<std::uint64_t> root_indices;
  std::size_t roots_committed = 0;
  auto commit_root = [&](detail::explored_root&& root) {
    explore::add_root_summary(root.summary);
    const explore::exploration_summary& share = root.summary;
    root.result.exploration = root_exploration{
        share.timelines,         share.fork_points, share.bugs,          share.energy_left,
        share.max_depth_reached, share.branching,   share.recipes.size()};
    record(std::move(root.result), root_indices.at(roots_committed++), root.trace);
    return true;
  };
  auto explore_in_worker = [&](std::uint64_t seed, iteration_trace* trace) {
    // The root's index, for a process that dies inside it (a seed listed
    // twice runs the same both times).
    const auto position = std::find(roots.begin(), roots.end(), seed) - roots.begin();
    guard.running(seed, root_indices.at(static_cast<std::size_t>(position)));
    iteration_trace ignored;
    return explore_one(seed, trace != nullptr ? *trace : ignored);
  };

  auto run_one = [&](std::uint64_t seed, std::uint64_t index) {
    iteration_trace trace;
    seed_result result;
    guard.running(seed, index);
    if (options.explore) {
      roots = {seed};
      root_indices = {index};
      roots_committed = 0;
      detail::explore_roots({seed}, 1, options.record_trace, explore_in_worker, commit_root);
      return;
    } else {
      auto run_once = [&](iteration_trace* t) {
        return run_iteration(seed, nullptr, t, options.seed_timeout);
      };
      auto run_here = [&](iteration_trace* t) {
        return options.check_determinism ? detail::run_twice_and_compare(seed, t, run_once)
                                         : run_once(t);
      };
      iteration_trace* wanted = options.record_trace ? &trace : nullptr;
      result = options.isolate ? detail::run_isolated(seed, options.seed_timeout, wanted, run_here)
                               : run_here(wanted);
    }
    record(std::move(result), index, trace);
  };

  // Exploring a fixed set of root seeds: several at once, committed in
  // order, so --jobs changes nothing but the wall time.
  const bool fixed_roots = options.explore && !options.time_limit && !options.until_stable;
  if (fixed_roots) {
    for (std::size_t j = 0; j < options.seeds.size(); ++j) {
      if (j % options.shard_count == options.shard_index) {
        roots.push_back(options.seeds[j]);
        root_indices.push_back(j);
      }
    }
    if (options.seeds.empty() || options.iterations) {
      const std::uint64_t cap = options.iterations.value_or(iterations_);
      for (std::uint64_t index = 0; index < cap; ++index) {
        if (index % options.shard_count == options.shard_index) {
          roots.push_back(derived_seed(options.base_seed, index));
          root_indices.push_back(options.seeds.size() + index);
        }
      }
    }
    detail::explore_roots(roots, jobs(), options.record_trace, explore_in_worker, commit_root);
    report.stop_reason = options.seeds.empty() || options.iterations ? "iterations" : "seeds";
    report.exploration = explore::stop();
    report.assertions = assertions::table();
    report.wall = detail::wall_now() - wall_start;
    return report;
  }

  for (std::size_t j = 0; j < options.seeds.size(); ++j) {
    if (j % options.shard_count == options.shard_index) {
      run_one(options.seeds[j], j);
    }
  }

  const bool derive = !options.seeds.empty()
                          ? (options.iterations || options.time_limit || options.until_stable)
                          : true;
  if (derive) {
    std::uint64_t cap = options.iterations.value_or(iterations_);
    if (options.until_stable) {
      cap = options.until_stable->second;
    }
    if (options.time_limit && !options.iterations && !options.until_stable) {
      cap = UINT64_MAX;
    }
    std::size_t previous_signal = 0;
    std::uint64_t plateau = 0;
    std::uint64_t run_here = 0;
    report.stop_reason = "iterations";  // "time_limit" only if the limit ends the run
    for (std::uint64_t index = 0; index < cap; ++index) {
      if (index % options.shard_count != options.shard_index) {
        continue;
      }
      if (options.time_limit && detail::wall_now() - wall_start >= *options.time_limit) {
        report.stop_reason = "time_limit";
        break;
      }
      run_one(derived_seed(options.base_seed, index), options.seeds.size() + index);
      ++run_here;
      if (options.until_stable) {
        // Edge coverage, when the code is instrumented, else the number of
        // sometimes-assertions that have passed.
        std::size_t signal = assertions::sometimes_reached();
        if (explore::coverage_signal() == "edges" && !options.explore) {
          if (!options.explore) {
            explore::fold_edges();
          }
          signal = explore::edges_covered();
        }
        plateau = (run_here > 1 && signal == previous_signal) ? plateau + 1 : 0;
        previous_signal = signal;
        // Every sometimes-assertion must have fired; code without any
        // settles on edges alone, when it has them.
        const std::size_t total = assertions::sometimes_total();
        const bool all_seen = total > 0 ? assertions::sometimes_reached() == total
                                        : explore::coverage_signal() == "edges";
        if (all_seen && plateau >= options.until_stable->first) {
          report.stop_reason = "until_stable";
          break;
        }
      }
    }
    if (options.until_stable && report.stop_reason != "until_stable") {
      report.stop_reason = "until_stable_cap";
      report.convergence_timeout = true;
    }
    if (options.until_stable) {
      report.coverage_signal = std::string(explore::coverage_signal());
    }
  } else {
    report.stop_reason = "seeds";
  }
  if (options.explore) {
    report.exploration = explore::stop();
  }
  report.assertions = assertions::table();
  report.wall = detail::wall_now() - wall_start;
  return report;
}

}  // namespace moonpool::sim
