// One iteration of a simulation: one seed, one world.
//
// Phases: boot the processes; run every workload's setup; run every
// workload's run() while chaos (network faults, attrition) is live for
// chaos_duration; end chaos (heal, quiet network); run every check() with
// the processes alive; ask the processes to shut down; and require the world
// to fall quiet within a bounded simulated time. Invariants run after every
// step. The first failure ends the iteration and is its error.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <deque>
#include <sstream>

#include "moonpool/assert.hpp"
#include "moonpool/sim/chaos/buggify.hpp"
#include "moonpool/sim/detail/trace_kinds.hpp"
#include "moonpool/sim/detail/wall_clock.hpp"
#include "moonpool/sim/errors.hpp"
#include "moonpool/sim/net.hpp"
#include "moonpool/sim/runner/context.hpp"
#include "moonpool/sim/runner/simulation_builder.hpp"
#include "moonpool/sim/sleep.hpp"
#include "moonpool/sim/storage/storage_config.hpp"
#include "moonpool/sim/world.hpp"

namespace moonpool::sim {
namespace {

namespace asio = boost::asio;
using std::chrono::nanoseconds;

constexpr auto trace_boot = static_cast<trace_kind>(300);    // process index, boot count
constexpr auto trace_reboot = static_cast<trace_kind>(301);  // process index, kind
constexpr auto trace_phase = static_cast<trace_kind>(302);   // phase (its name's first letter)
constexpr auto trace_chaos_end = static_cast<trace_kind>(303);

// Names for readers of a trace (detail/trace_kinds.hpp). The events the
// runner schedules (trace_kind::event) are told apart by their last field.
// A process is numbered by its index among the simulation's actors; boot
// and reboot records name its host.
constexpr detail::value_name reboot_kinds[] = {
    {0, "graceful"}, {1, "crash"}, {2, "crash_and_wipe"}};
constexpr detail::value_name phases[] = {{'s', "setup"}, {'r', "run"}, {'c', "check"}};
constexpr detail::trace_kind_info runner_kinds[] = {
    {trace_boot, "runner.boot", {"process", "boot"}},
    {trace_reboot, "runner.reboot", {"process", detail::named_field("reboot", reboot_kinds)}},
    {trace_phase, "runner.phase", {detail::named_field("phase", phases)}},
    {trace_chaos_end, "runner.chaos_end", {}},
    {trace_kind::event,
     "runner.restart_due",
     {"seq", "process"},
     "label",
     detail::when_field(3, 3)},
    {trace_kind::event, "runner.grace_over", {"seq", "process"}, "label", detail::when_field(3, 4)},
    {trace_kind::event, "runner.chaos_end_due", {"seq"}, "label", detail::when_field(3, 5)},
};
const detail::trace_kinds_registrar runner_kinds_registered{runner_kinds};

// Thrown to unwind the iteration once the first failure is recorded.
struct iteration_failed {};

std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

network_config quiet(network_config config) {
  network_config calm;
  calm.delivery_latency = config.delivery_latency;
  calm.connect_latency = config.connect_latency;
  calm.resolve_latency = config.resolve_latency;
  calm.pair_latency_max = config.pair_latency_max;
  calm.send_buffer_bytes_max = config.send_buffer_bytes_max;
  calm.receive_buffer_bytes_max = config.receive_buffer_bytes_max;
  calm.listen_backlog_max = config.listen_backlog_max;
  calm.connect_timeout = config.connect_timeout;
  calm.clock_drift_enabled = config.clock_drift_enabled;
  calm.clock_drift_max = config.clock_drift_max;
  return calm;
}

// Swarm: switch whole fault families off, each with probability 1/2, from
// the configuration stream.
void apply_network_swarm(network_config& config, random_stream& random) {
  if (!random.chance(0.5)) {
    config.partial_read_probability = config.partial_write_probability = 0.0;
  }
  if (!random.chance(0.5)) {
    config.read_clog_probability = config.write_clog_probability = 0.0;
  }
  if (!random.chance(0.5)) {
    config.partition_probability = 0.0;
  }
  if (!random.chance(0.5)) {
    config.bit_flip_probability = 0.0;
  }
  if (!random.chance(0.5)) {
    config.random_close_probability = 0.0;
  }
  if (!random.chance(0.5)) {
    config.connect_failure = connect_failure_mode::none;
    config.connect_failure_probability = 0.0;
  }
  if (!random.chance(0.5)) {
    config.handshake_delay_probability = 0.0;
  }
  config.clock_drift_enabled = random.chance(0.5);
  if (!random.chance(0.5)) {
    config.pair_latency_max = nanoseconds(0);
  }
  if (!random.chance(0.5)) {
    config.resolve_failure_probability = 0.0;
  }
}

// Every storage fault kind the surface does not allow is off; in swarm mode
// each allowed kind is then off for about half of the seeds, each with a
// draw from the configuration stream (one per kind, allowed or not, so that
// the draws do not depend on what is allowed).
void apply_storage_chaos(storage_config& config, const chaos_surface& surface,
                         random_stream& random) {
  const storage_chaos_config& allowed = surface.storage;
  const bool swarm = surface.mode == chaos_mode::swarm;
  auto keep = [&](bool kind_allowed) {
    const bool swarm_on = !swarm || random.chance(0.5);
    return kind_allowed && swarm_on;
  };
  if (!keep(allowed.read_corruption)) {
    config.read_corruption_probability = 0.0;
  }
  if (!keep(allowed.write_corruption)) {
    config.write_corruption_probability = 0.0;
  }
  if (!keep(allowed.torn_writes)) {
    config.torn_write_probability = 0.0;
  }
  if (!keep(allowed.misdirected_writes)) {
    config.misdirected_write_probability = 0.0;
  }
  if (!keep(allowed.misdirected_reads)) {
    config.misdirected_read_probability = 0.0;
  }
  if (!keep(allowed.phantom_writes)) {
    config.phantom_write_probability = 0.0;
  }
  if (!keep(allowed.sync_failures)) {
    config.sync_failure_probability = 0.0;
  }
  if (!keep(allowed.no_space)) {
    config.no_space_probability = 0.0;
  }
  if (!keep(allowed.hangs)) {
    config.hang_probability = 0.0;
  }
  if (!keep(allowed.stalls)) {
    config.stall_gap = {};
  }
  if (!keep(allowed.throttles)) {
    config.throttle_gap = {};
  }
}

std::string process_name(std::string_view base, std::size_t index, std::size_t count) {
  return count == 1 ? std::string(base) : std::string(base) + "-" + std::to_string(index);
}

}  // namespace

class iteration_runner {
 public:
  iteration_runner(const SimulationBuilder& builder, std::uint64_t seed, bool record_trace,
                   nanoseconds seed_timeout)
      : builder_(builder),
        world_(seed, world_options{.record_trace = record_trace,
                                   .escapes = builder.escapes_,
                                   .seed_wall_limit = seed_timeout}) {}

  // Replays an explored timeline: the recipe's forks become breakpoints of
  // the simulation stream before the first draw.
  void follow(const explore::recipe& recipe) {
    for (const explore::recipe_step& step : recipe.steps) {
      world_.streams().simulation.add_breakpoint(step.count, step.seed);
    }
    following_recipe_ = true;
  }

  seed_result run(iteration_trace* trace);

 private:
  struct process_slot {
    std::size_t actor = 0;
    SimulationBuilder::process_factory factory;
    std::optional<host> where;
    std::unique_ptr<Process> instance;
    std::unique_ptr<notification> shutdown;
    std::unique_ptr<Context> context;
    join_handle<void> task;
    bool alive = false;
    std::uint64_t boots = 0;
    std::uint64_t generation = 0;  // bumped on every death, to drop stale restarts
  };
  struct workload_slot {
    std::size_t actor = 0;
    std::shared_ptr<Workload> instance;
    std::optional<host> where;
    std::unique_ptr<notification> shutdown;
    std::unique_ptr<Context> context;
  };

  void configure();
  void build_topology();
  void boot(process_slot& p);
  void kill(process_slot& p);
  void reboot(process_slot& p, reboot_kind kind);
  void schedule_restart(process_slot& p, nanoseconds delay);
  asio::awaitable<void> run_process(process_slot& p, std::uint64_t generation);
  asio::awaitable<void> attrition(attrition_config config, nanoseconds chaos_end);
  void run_phase(const char* phase, asio::awaitable<void> (Workload::*step)(Context&));
  void end_chaos();
  void shutdown_and_settle();
  bool check_invariants();
  void fail(std::string message);
  template <class Predicate>
  bool drive(Predicate&& done, nanoseconds deadline);

  class fault_context;
  void stop_chaos_tasks();

  const SimulationBuilder& builder_;
  world world_;
  std::vector<join_handle<void>> chaos_tasks_;
  std::vector<std::unique_ptr<FaultInjector>> injectors_;
  std::unique_ptr<fault_context> faults_;
  network_config chaos_config_;
  storage_config chaos_storage_config_;
  bool storage_chaos_ = false;
  // Hosts whose disk storage_for adjusted, with their configuration.
  std::vector<std::pair<host, storage_config>> host_storage_;
  std::optional<attrition_config> attrition_;
  std::vector<actor_info> actors_;
  shared_state state_;
  timeline timeline_;
  std::deque<process_slot> processes_;
  std::deque<workload_slot> workloads_;
  // Instances of dead processes, kept until the iteration ends: a frame the
  // kill could not reach (inside an Asio service) must not touch freed memory.
  std::vector<std::unique_ptr<Process>> dead_instances_;
  std::vector<std::unique_ptr<Context>> dead_contexts_;
  std::vector<std::unique_ptr<notification>> dead_notifications_;
  std::optional<std::string> failure_;
  bool chaos_live_ = false;
  bool settling_ = false;
  bool following_recipe_ = false;
};

class iteration_runner::fault_context final : public FaultContext {
 public:
  explicit fault_context(iteration_runner& runner) : r_(runner) {}

  std::vector<address> process_ips() const override {
    std::vector<address> ips;
    for (const process_slot& p : r_.processes_) {
      ips.push_back(r_.actors_[p.actor].ip);
    }
    return ips;
  }
  std::size_t dead_count() const override {
    std::size_t dead = 0;
    for (const process_slot& p : r_.processes_) {
      dead += p.alive ? 0 : 1;
    }
    return dead;
  }
  bool reboot(const address& ip, reboot_kind kind) override {
    for (process_slot& p : r_.processes_) {
      if (r_.actors_[p.actor].ip == ip && p.alive) {
        r_.reboot(p, kind);
        return true;
      }
    }
    return false;
  }
  std::size_t reboot_tagged(std::string_view key, std::string_view value,
                            reboot_kind kind) override {
    return reboot_where(kind, [&](const actor_info& a) {
      auto it = a.tags.find(key);
      return it != a.tags.end() && it->second == value;
    });
  }
  std::size_t reboot_domain(std::string_view domain, reboot_kind kind) override {
    return reboot_where(kind, [&](const actor_info& a) {
      return a.datacenter == domain || a.zone == domain || a.machine == domain;
    });
  }
  void partition(const address& from, const address& to, nanoseconds d) override {
    r_.world_.partition(r_.world_.host_at(from), r_.world_.host_at(to), d);
  }
  void partition_both_ways(const address& a, const address& b, nanoseconds d) override {
    r_.world_.partition_both_ways(r_.world_.host_at(a), r_.world_.host_at(b), d);
  }
  void isolate(const address& ip, nanoseconds d) override {
    r_.world_.isolate(r_.world_.host_at(ip), d);
  }
  void heal(const address& a, const address& b) override {
    r_.world_.heal(r_.world_.host_at(a), r_.world_.host_at(b));
  }
  void heal_all() override { r_.world_.heal_all(); }
  random_stream& random() override { return r_.world_.random(); }
  nanoseconds now() const override { return r_.world_.now(); }
  asio::any_io_executor get_executor() const override { return r_.world_.get_executor(); }

 private:
  template <class Match>
  std::size_t reboot_where(reboot_kind kind, Match&& match) {
    std::size_t count = 0;
    for (process_slot& p : r_.processes_) {
      if (p.alive && match(r_.actors_[p.actor])) {
        r_.reboot(p, kind);
        ++count;
      }
    }
    return count;
  }

  iteration_runner& r_;
};

void iteration_runner::stop_chaos_tasks() {
  for (auto& task : chaos_tasks_) {
    task.abort();
  }
}

void iteration_runner::fail(std::string message) {
  if (!failure_) {
    failure_ = std::move(message);
  }
}

bool iteration_runner::check_invariants() {
  if (failure_) {
    return true;
  }
  const invariant_view view{world_.now(), state_, timeline_};
  for (const auto& inv : builder_.invariants_) {
    try {
      inv.check(view);
    } catch (...) {
      fail("invariant '" + inv.name + "' failed at " + std::to_string(world_.now().count()) +
           " ns: " + describe(std::current_exception()));
      return true;
    }
  }
  if (assertions::iteration_violations() > 0) {
    fail("always-assertion violated: " + assertions::first_violation());
    return true;
  }
  return false;
}

template <class Predicate>
bool iteration_runner::drive(Predicate&& done, nanoseconds deadline) {
  const bool finished =
      world_.state().run_until([&] { return check_invariants() || done(); }, deadline);
  if (failure_) {
    throw iteration_failed{};
  }
  return finished;
}

void iteration_runner::configure() {
  network_config config = builder_.network_;
  storage_config storage = builder_.storage_;
  bool spike_knobs = false;
  for (const chaos_surface& surface : builder_.chaos_) {
    switch (surface.surface) {
      case chaos_surface::kind::network:
        config = network_config::random_for_seed(world_.seed());
        if (surface.mode == chaos_mode::swarm) {
          apply_network_swarm(config, world_.streams().configuration);
        }
        break;
      case chaos_surface::kind::attrition: {
        attrition_config a = surface.attrition;
        a.validate();
        if (surface.mode == chaos_mode::swarm) {
          random_stream& random = world_.streams().configuration;
          if (!random.chance(0.5)) {
            a.max_dead = 0;
          }
          if (!random.chance(0.5)) {
            a.graceful_weight = 0.0;
          }
          if (!random.chance(0.5)) {
            a.crash_weight = 0.0;
          }
          if (!random.chance(0.5)) {
            a.crash_and_wipe_weight = 0.0;
          }
        }
        attrition_ = a;
        break;
      }
      case chaos_surface::kind::buggify_knobs:
        spike_knobs = true;
        break;
      case chaos_surface::kind::storage:
        storage = storage_config::random_for_seed(world_.seed());
        apply_storage_chaos(storage, surface, world_.streams().configuration);
        storage_chaos_ = true;
        break;
    }
  }
  if (spike_knobs) {
    // Each knob is spiked on about a quarter of the seeds to a value far
    // beyond its usual range, as FoundationDB's knob buggification does.
    random_stream& random = world_.streams().configuration;
    if (random.chance(0.25)) {
      config.write_clog_probability = config.read_clog_probability = 0.5 + 0.5 * random.unit();
    }
    if (random.chance(0.25)) {
      config.partition_probability = 0.3 + 0.5 * random.unit();
    }
    if (random.chance(0.25)) {
      config.random_close_probability = 0.01 + 0.09 * random.unit();
      config.random_close_cooldown = nanoseconds(0);
    }
  }
  chaos_config_ = config;
  world_.set_network_config(config);
  chaos_storage_config_ = storage;
  world_.set_storage_config(storage);
}

void iteration_runner::build_topology() {
  std::size_t process_index = 0;
  for (const auto& group : builder_.groups_) {
    const std::unique_ptr<Process> probe = group.factory();
    const std::string base(probe->name());
    for (std::size_t i = 0; i < group.count; ++i, ++process_index) {
      actor_info info;
      info.name = process_name(base, i, group.count);
      info.ip = boost::asio::ip::make_address_v4("10.0.1." + std::to_string(process_index + 1));
      info.is_process = true;
      info.client_id = i;
      if (group.layout) {
        const locality& l = *group.layout;
        const std::size_t machine = i / l.processes_per_machine;
        const std::size_t zone = machine / l.machines_per_zone;
        const std::size_t dc = zone / l.zones_per_datacenter;
        info.datacenter = "dc" + std::to_string(dc + 1);
        info.zone = info.datacenter + "-z" + std::to_string(zone % l.zones_per_datacenter + 1);
        info.machine = info.zone + "-m" + std::to_string(machine % l.machines_per_zone + 1);
      }
      for (const auto& [key, values] : builder_.tags_) {
        info.tags[key] = values[process_index % values.size()];
      }
      actors_.push_back(std::move(info));
      process_slot slot;
      slot.actor = actors_.size() - 1;
      slot.factory = group.factory;
      processes_.push_back(std::move(slot));
    }
  }
  for (std::size_t j = 0; j < builder_.workloads_.size(); ++j) {
    const auto& entry = builder_.workloads_[j];
    workload_slot slot;
    slot.instance =
        entry.factory ? std::shared_ptr<Workload>(entry.factory()) : entry.shared_instance;
    actor_info info;
    info.name = std::string(slot.instance->name());
    info.ip = boost::asio::ip::make_address_v4("10.0.0." + std::to_string(j + 1));
    info.client_id = j;
    actors_.push_back(std::move(info));
    slot.actor = actors_.size() - 1;
    workloads_.push_back(std::move(slot));
  }
  for (process_slot& p : processes_) {
    p.where = world_.add_host(actors_[p.actor].ip.to_string());
    p.where->record().names.push_back(actors_[p.actor].name);
  }
  for (workload_slot& w : workloads_) {
    w.where = world_.add_host(actors_[w.actor].ip.to_string());
    w.where->record().names.push_back(actors_[w.actor].name);
    w.shutdown = std::make_unique<notification>(w.where->get_executor());
    w.context = std::make_unique<Context>(world_, *w.where, actors_[w.actor], actors_, state_,
                                          timeline_, *w.shutdown, builder_.swarm_operations_);
  }
  auto host_named = [this](const std::string& name) -> std::optional<host> {
    for (process_slot& p : processes_) {
      if (actors_[p.actor].name == name) {
        return p.where;
      }
    }
    for (workload_slot& w : workloads_) {
      if (actors_[w.actor].name == name) {
        return w.where;
      }
    }
    return std::nullopt;
  };
  for (const auto& [alias, actor] : builder_.host_aliases_) {
    const std::optional<host> target = host_named(actor);
    if (!target) {
      throw std::invalid_argument("host_alias(\"" + alias + "\", \"" + actor +
                                  "\"): no process or workload is named '" + actor + "'");
    }
    target->record().names.push_back(alias);
  }
  for (const auto& [actor, adjust] : builder_.storage_for_) {
    const std::optional<host> target = host_named(actor);
    if (!target) {
      throw std::invalid_argument("storage_for(\"" + actor +
                                  "\"): no process or workload is named '" + actor +
                                  "' (processes of a group of several are numbered: name-0, ...)");
    }
    storage_config config = chaos_storage_config_;
    adjust(config);
    world_.set_storage_config(*target, config);  // validates, naming the field
    host_storage_.emplace_back(*target, config);
  }
}

asio::awaitable<void> iteration_runner::run_process(process_slot& p, std::uint64_t generation) {
  try {
    co_await p.instance->run(*p.context);
  } catch (const boost::system::system_error& e) {
    // Cancelled by a shutdown or reboot: a normal way for a process to end.
    if (!(e.code() == asio::error::operation_aborted && p.generation == generation &&
          p.shutdown->notified())) {
      fail("process '" + actors_[p.actor].name + "' failed: " + e.what());
    }
  } catch (...) {
    fail("process '" + actors_[p.actor].name + "' failed: " + describe(std::current_exception()));
  }
}

void iteration_runner::boot(process_slot& p) {
  p.instance = p.factory();
  p.shutdown = std::make_unique<notification>(p.where->get_executor());
  p.context = std::make_unique<Context>(world_, *p.where, actors_[p.actor], actors_, state_,
                                        timeline_, *p.shutdown, builder_.swarm_operations_);
  p.alive = true;
  ++p.boots;
  world_.state().trace(trace_boot, {p.actor, p.boots, 0, 0}, {}, &p.where->record());
  timeline_.emit(world_.now(), "sim", "process_up",
                 {{"process", actors_[p.actor].name}, {"boot", p.boots}});
  p.task = spawn(p.where->get_executor(), actors_[p.actor].name, run_process(p, p.generation));
}

void iteration_runner::kill(process_slot& p) {
  ++p.generation;
  p.alive = false;
  timeline_.emit(world_.now(), "sim", "process_down", {{"process", actors_[p.actor].name}});
  world_.abort_connections(*p.where);
  world_.state().destroy_host_work(p.where->record());
  // Asio's own operations of the dead process (its timers, Beast's
  // WebSocket timers) live in the host's io_context: they die with it.
  world_.state().replace_host_context(p.where->record());
  dead_instances_.push_back(std::move(p.instance));
  dead_contexts_.push_back(std::move(p.context));
  dead_notifications_.push_back(std::move(p.shutdown));
}

void iteration_runner::schedule_restart(process_slot& p, nanoseconds delay) {
  const std::uint64_t generation = p.generation;
  world_.state().schedule_at(
      world_.now() + delay, trace_kind::event, {p.actor, 0, 3}, [this, &p, generation] {
        if (p.generation == generation && !p.alive && !failure_ && !settling_) {
          boot(p);
        }
      });
}

void iteration_runner::reboot(process_slot& p, reboot_kind kind) {
  if (!p.alive) {
    return;
  }
  random_stream& random = world_.random();
  const attrition_config config = attrition_.value_or(attrition_config{});
  world_.state().trace(trace_reboot, {p.actor, static_cast<std::uint64_t>(kind), 0, 0}, {},
                       &p.where->record());
  timeline_.emit(world_.now(), "sim", "reboot",
                 {{"process", actors_[p.actor].name}, {"kind", std::string(to_string(kind))}});
  if (kind == reboot_kind::graceful) {
    const auto grace =
        nanoseconds(random.between(config.grace_min.count(), config.grace_max.count() + 1));
    const auto recovery =
        nanoseconds(random.between(config.recovery_min.count(), config.recovery_max.count() + 1));
    p.alive = false;  // counts as dead from the moment it is asked to stop
    p.shutdown->notify();
    p.task.abort();
    const std::uint64_t generation = p.generation;
    world_.state().schedule_at(world_.now() + grace, trace_kind::event, {p.actor, 0, 4},
                               [this, &p, generation, recovery] {
                                 if (p.generation == generation) {
                                   kill(p);
                                   // A clean shutdown flushes what completed.
                                   world_.shutdown_storage(*p.where);
                                   schedule_restart(p, recovery);
                                 }
                               });
    return;
  }
  kill(p);
  if (kind == reboot_kind::crash_and_wipe) {
    world_.wipe_storage(*p.where);
    // The hooks let a simulation wipe whatever else it keeps for this
    // process outside the process object.
    for (const auto& wipe : builder_.wipe_hooks_) {
      wipe(actors_[p.actor]);
    }
  } else {
    world_.crash_storage(*p.where);
  }
  schedule_restart(
      p, nanoseconds(random.between(config.recovery_min.count(), config.recovery_max.count() + 1)));
}

asio::awaitable<void> iteration_runner::attrition(attrition_config config, nanoseconds chaos_end) {
  random_stream& random = world_.random();
  while (world_.now() < chaos_end) {
    co_await sleep(
        nanoseconds(random.between(config.interval_min.count(), config.interval_max.count() + 1)));
    if (world_.now() >= chaos_end || !chaos_live_) {
      break;
    }
    const double total =
        config.graceful_weight + config.crash_weight + config.crash_and_wipe_weight;
    reboot_kind kind = reboot_kind::crash;
    if (total > 0.0) {
      const double pick = random.unit() * total;
      kind = pick < config.graceful_weight                         ? reboot_kind::graceful
             : pick < config.graceful_weight + config.crash_weight ? reboot_kind::crash
                                                                   : reboot_kind::crash_and_wipe;
    }
    // Victims: one process, or every process sharing a machine or zone.
    const process_slot& chosen = processes_[random.below(processes_.size())];
    const actor_info& victim = actors_[chosen.actor];
    std::vector<process_slot*> group;
    for (process_slot& p : processes_) {
      const actor_info& a = actors_[p.actor];
      const bool same = config.scope == attrition_scope::process   ? &p == &chosen
                        : config.scope == attrition_scope::machine ? a.machine == victim.machine
                                                                   : a.zone == victim.zone;
      if (same && p.alive) {
        group.push_back(&p);
      }
    }
    std::size_t dead = 0;
    for (const process_slot& p : processes_) {
      dead += p.alive ? 0 : 1;
    }
    if (group.empty() || dead + group.size() > config.max_dead) {
      continue;  // would exceed max_dead
    }
    for (process_slot* p : group) {
      reboot(*p, kind);
    }
  }
}

void iteration_runner::run_phase(const char* phase,
                                 asio::awaitable<void> (Workload::*step)(Context&)) {
  world_.state().trace(trace_phase, {static_cast<std::uint64_t>(phase[0]), 0, 0, 0});
  std::vector<join_handle<void>> handles;
  for (workload_slot& w : workloads_) {
    handles.push_back(spawn(w.where->get_executor(), actors_[w.actor].name + "." + phase,
                            [&w, step]() { return ((*w.instance).*step)(*w.context); }));
  }
  const nanoseconds deadline = world_.now() + builder_.phase_time_limit_;
  auto all_done = [&] {
    for (const auto& h : handles) {
      if (!h.done()) {
        return false;
      }
    }
    return true;
  };
  if (!drive(all_done, deadline)) {
    std::string running;
    for (const auto& h : handles) {
      if (!h.done()) {
        running += (running.empty() ? "" : ", ") + h.name();
      }
    }
    fail(std::string("phase '") + phase + "' did not finish within " +
         std::to_string(builder_.phase_time_limit_.count() / 1'000'000'000) +
         " s of simulated time; still running: " + running);
    throw iteration_failed{};
  }
  for (auto& h : handles) {
    if (h.status() == join_status::failed) {
      try {
        h.get();
      } catch (...) {
        fail("workload " + h.name() + " failed: " + describe(std::current_exception()));
      }
      throw iteration_failed{};
    }
  }
}

void iteration_runner::end_chaos() {
  chaos_live_ = false;
  stop_chaos_tasks();
  world_.heal_all();
  world_.set_network_config(quiet(chaos_config_));
  if (storage_chaos_) {
    world_.set_storage_config(chaos_storage_config_.without_faults());
    for (const auto& [where, config] : host_storage_) {
      world_.set_storage_config(where, config.without_faults());
    }
  }
  world_.state().trace(trace_chaos_end, {0, 0, 0, 0});
  if (!builder_.chaos_.empty()) {
    assertions::reachable_hit("phase: chaos ended");
  }
}

void iteration_runner::shutdown_and_settle() {
  settling_ = true;
  for (process_slot& p : processes_) {
    if (p.alive) {
      p.shutdown->notify();
      p.task.abort();
    }
  }
  for (workload_slot& w : workloads_) {
    w.shutdown->notify();
  }
  const nanoseconds deadline = world_.now() + builder_.settle_time_limit_;
  auto processes_done = [&] {
    for (const process_slot& p : processes_) {
      if (p.task.valid() && !p.task.done()) {
        return false;
      }
    }
    return true;
  };
  if (!drive(processes_done, deadline)) {
    std::string running;
    for (const process_slot& p : processes_) {
      if (p.task.valid() && !p.task.done()) {
        running += (running.empty() ? "" : ", ") + actors_[p.actor].name;
      }
    }
    fail("settle: processes still running " +
         std::to_string(builder_.settle_time_limit_.count() / 1'000'000'000) +
         " s of simulated time after being asked to shut down: " + running);
    throw iteration_failed{};
  }
  // A process that returned from run() has exited: whatever it left behind
  // (connection handlers, timers) dies with it.
  for (process_slot& p : processes_) {
    if (p.alive) {
      kill(p);
      world_.shutdown_storage(*p.where);
    }
  }
  // Everything else must now drain by itself: a workload task that keeps
  // re-arming a timer forever, or waits on something that never comes, fails
  // the seed.
  if (drive([] { return false; }, deadline) || world_.pending_events() > 0) {
    fail("settle: the world did not fall quiet within " +
         std::to_string(builder_.settle_time_limit_.count() / 1'000'000'000) +
         " s of simulated time; " + std::to_string(world_.pending_events()) +
         " events still pending; tasks still busy: " + world_.state().busy_tasks() +
         " (a task that re-arms a timer forever?)");
    throw iteration_failed{};
  }
}

seed_result iteration_runner::run(iteration_trace* trace) {
  const auto wall_start = detail::wall_now();
  // Simulated time for the whole iteration: a process's constructor or a
  // workload's setup that reads a standard clock reads simulated time.
  detail::world_state::scope simulated(&world_.state());
  seed_result result;
  result.seed = world_.seed();
  buggify::iteration_scope buggify_scope(world_.random());
  assertions::iteration_scope assertion_scope;
  try {
    configure();
    build_topology();
    for (process_slot& p : processes_) {
      boot(p);
    }
    run_phase("setup", &Workload::setup);
    chaos_live_ = true;
    const nanoseconds chaos_end =
        world_.now() + (builder_.chaos_duration_ > nanoseconds(0) ? builder_.chaos_duration_
                                                                  : nanoseconds::max() / 2);
    if (attrition_ && attrition_->max_dead > 0 && !processes_.empty()) {
      chaos_tasks_.push_back(
          spawn(world_.get_executor(), "attrition", attrition(*attrition_, chaos_end)));
    }
    faults_ = std::make_unique<fault_context>(*this);
    for (const auto& make_injector : builder_.faults_) {
      injectors_.push_back(make_injector());
      FaultInjector& injector = *injectors_.back();
      chaos_tasks_.push_back(spawn(world_.get_executor(), std::string(injector.name()),
                                   [this, &injector]() { return injector.run(*faults_); }));
    }
    std::optional<std::uint64_t> chaos_end_event;
    if (builder_.chaos_duration_ > nanoseconds(0)) {
      chaos_end_event = world_.state().schedule_at(chaos_end, trace_kind::event, {0, 0, 5}, [this] {
        if (chaos_live_) {
          end_chaos();
        }
      });
    }
    run_phase("run", &Workload::run);
    for (auto& task : chaos_tasks_) {
      if (task.status() == join_status::failed) {
        try {
          task.get();
        } catch (...) {
          fail("fault injector '" + task.name() +
               "' failed: " + describe(std::current_exception()));
        }
        throw iteration_failed{};
      }
    }
    if (chaos_end_event) {
      world_.state().cancel_event(*chaos_end_event);
    }
    if (chaos_live_) {
      end_chaos();
    }
    run_phase("check", &Workload::check);
    shutdown_and_settle();
    check_invariants();
  } catch (const iteration_failed&) {
  } catch (const simulation_error& e) {
    fail(e.what());
  } catch (...) {
    fail(describe(std::current_exception()));
  }
  result.ok = !failure_.has_value();
  result.error = failure_.value_or("");
  result.events = world_.events_processed();
  result.sim_time = world_.now();
  result.trace_hash = world_.trace_hash();
  result.storage_faults = world_.storage_faults();
  result.wall = detail::wall_now() - wall_start;
  if (following_recipe_) {
    result.recipe_steps_applied = world_.streams().simulation.breakpoints_reached();
  }
  if (trace != nullptr) {
    for (const trace_record& r : world_.trace()) {
      trace->json_lines.push_back(to_json_line(r));
    }
  }
  // Destroy every frame now, while the instances and contexts they point
  // into are still alive.
  world_.state().close();
  return result;
}

seed_result SimulationBuilder::run_iteration(std::uint64_t seed, const explore::recipe* recipe,
                                             iteration_trace* trace,
                                             nanoseconds seed_timeout) const {
  iteration_runner runner(*this, recipe != nullptr ? recipe->root_seed : seed, trace != nullptr,
                          seed_timeout);
  if (recipe != nullptr) {
    runner.follow(*recipe);
  }
  return runner.run(trace);
}

seed_result SimulationBuilder::run_seed(std::uint64_t seed, iteration_trace* trace) const {
  return run_iteration(seed, nullptr, trace, nanoseconds(0));
}

seed_result SimulationBuilder::replay(const explore::recipe& recipe, iteration_trace* trace) const {
  return run_iteration(recipe.root_seed, &recipe, trace, nanoseconds(0));
}

}  // namespace moonpool::sim
