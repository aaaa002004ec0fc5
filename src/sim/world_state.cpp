#include "moonpool/sim/detail/world_state.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "asio_reactor.hpp"
#include "moonpool/sim/detail/state_of.hpp"
#include "moonpool/sim/detail/trace_kinds.hpp"
#include "moonpool/sim/detail/wall_clock.hpp"
#include "moonpool/sim/errors.hpp"
#include "moonpool/sim/io_context.hpp"
#include "process_hooks.hpp"
#include "watchdog.hpp"

namespace moonpool::sim::detail {
namespace {

thread_local world_state* current_world = nullptr;

}  // namespace

// Worlds may be driven from inside each other: each scope restores the
// previous world.
world_state::scope::scope(world_state* state) noexcept
    : previous_(std::exchange(current_world, state)) {}
world_state::scope::~scope() {
  current_world = previous_;
}

world_context::world_context(world_state& state)
    : boost::asio::io_context(1), timer_queues_(nullptr) {
  boost::asio::make_service<world_service>(*this).attach(state);
  timer_queues_ = &adopt_reactor(*this);
}

void throw_not_simulated(const char* who) {
  throw std::logic_error(std::string(who) +
                         " needs an executor of a moonpool::sim::world but got one from another "
                         "execution context; create it from world.get_executor() or from a "
                         "simulated task's executor");
}

void throw_no_host(const char* who) {
  throw std::logic_error(std::string(who) +
                         " needs the executor of a simulated host (world.add_host(address)"
                         ".get_executor(), ctx.get_executor() or ctx.io_context(), or anything "
                         "made from them) so that it has an address; this executor is the "
                         "world's own and belongs to no host");
}

world_state* world_state::current() noexcept {
  return current_world;
}

world_state::world_state(std::uint64_t seed, const world_options& options)
    : seed_(seed),
      options_(options),
      owner_thread_(std::this_thread::get_id()),
      streams_(seed),
      context_(std::make_unique<world_context>(*this)),
      escape_entropy_(seed ^ 0x657363617065ULL) {  // "escape"
  link_clock_interposer();
  link_escape_interposer();
  install_crash_report();
  tasks_.push_back(task_record{0, 0, "main", 0, 0, 0, nullptr});
  if (options.seed_wall_limit.count() > 0) {
    wall_deadline_ = wall_now() + options.seed_wall_limit;
  }
}

void world_state::extend_wall_deadline(std::chrono::nanoseconds by) noexcept {
  if (wall_deadline_ != wall_deadline_.max()) {
    wall_deadline_ =
        by < wall_deadline_.max() - wall_deadline_ ? wall_deadline_ + by : wall_deadline_.max();
  }
}

void world_state::check_wall_deadline_now() {
  if (wall_now() < wall_deadline_) {
    return;
  }
  std::ostringstream message;
  message << "seed " << seed_ << " ran for more than "
          << std::chrono::duration<double>(options_.seed_wall_limit).count()
          << " s of wall time (--seed-timeout) and was stopped at simulated time " << now_.count()
          << " ns; tasks still busy: " << busy_tasks();
  throw seed_timeout_error(seed_, message.str());
}

world_state::~world_state() {
  close();
  host_contexts_.clear();
  context_.reset();
}

void world_state::close() {
  if (closing_) {
    return;
  }
  closing_ = true;
  // Destroying a handler may destroy a frame, whose I/O objects then try to
  // cancel or post other operations; repeat until nothing is left.
  auto destroy_pending = [this] {
    for (;;) {
      auto ready = std::move(ready_);
      auto events = std::move(event_slots_);
      const std::size_t live_events = std::exchange(live_events_, 0);
      auto parked = std::move(parked_);
      ready_.clear();
      event_slots_.clear();
      free_event_slots_.clear();
      event_heap_.clear();
      parked_.clear();
      if (ready.empty() && live_events == 0 && parked.empty()) {
        return;
      }
    }
  };
  destroy_pending();
  // Asio services (channels, timers, Beast's WebSocket service) own handlers
  // too. The contexts themselves stay allocated until the state is
  // destroyed: I/O objects destroyed after close() still reach their
  // (shut down) services.
  context_->shutdown_services();
  for (auto& host_context : host_contexts_) {
    host_context->shut_down();
  }
  destroy_pending();
}

void world_state::check_thread() const {
  if (std::this_thread::get_id() != owner_thread_) {
    std::fputs(
        "moonpool: a handler was submitted to a simulated world from another thread; simulated "
        "code must stay on the world's thread (look for asio::ip::tcp::resolver, thread_pool, "
        "system_executor or std::thread in the code under test)\n",
        stderr);
    std::abort();
  }
}

void world_state::post(task_record* task, callback handler) {
  check_thread();
  if (closing_) {
    return;  // The world is being torn down: the handler is destroyed unrun.
  }
  ready_.push_back(ready_handler{task, std::move(handler)});
}

std::uint64_t world_state::schedule_at(std::chrono::nanoseconds at, trace_kind kind,
                                       std::array<std::uint64_t, 3> trace_fields, callback action) {
  check_thread();
  const std::uint64_t sequence = next_sequence_++;
  if (closing_) {
    return sequence;
  }
  const std::int64_t time_ns = std::max(at, now_).count();
  std::uint32_t slot = 0;
  if (free_event_slots_.empty()) {
    slot = static_cast<std::uint32_t>(event_slots_.size());
    event_slots_.emplace_back();
  } else {
    slot = free_event_slots_.back();
    free_event_slots_.pop_back();
  }
  event_slot& entry = event_slots_[slot];
  entry.live = true;
  entry.event = event_action{kind, trace_fields, std::move(action)};
  ++live_events_;
  event_heap_.push_back(event_key{time_ns, sequence, slot, entry.generation});
  std::push_heap(event_heap_.begin(), event_heap_.end());
  return (static_cast<std::uint64_t>(entry.generation) << 32U) | slot;
}

world_state::event_action world_state::release_event(std::uint32_t slot) noexcept {
  event_slot& entry = event_slots_[slot];
  event_action taken = std::move(entry.event);
  entry.live = false;
  // Generation 0 is never used, so that no id is 0.
  entry.generation = entry.generation == UINT32_MAX ? 1 : entry.generation + 1;
  free_event_slots_.push_back(slot);
  --live_events_;
  return taken;
}

bool world_state::cancel_event(std::uint64_t event_id) {
  const auto slot = static_cast<std::uint32_t>(event_id);
  const auto generation = static_cast<std::uint32_t>(event_id >> 32U);
  if (!event_is_live(slot, generation)) {
    return false;
  }
  // Move the action out first: destroying it may cancel further events.
  event_action doomed = release_event(slot);
  compact_event_heap();
  return true;
}

void world_state::compact_event_heap() {
  // Cancelled events leave their keys behind; rebuild before they dominate.
  if (event_heap_.size() <= 2 * live_events_ + 64) {
    return;
  }
  std::erase_if(event_heap_,
                [this](const event_key& key) { return !event_is_live(key.slot, key.generation); });
  std::make_heap(event_heap_.begin(), event_heap_.end());
}

std::optional<std::chrono::nanoseconds> world_state::next_world_event() {
  while (!event_heap_.empty()) {
    const event_key& top = event_heap_.front();
    if (event_is_live(top.slot, top.generation)) {
      return std::chrono::nanoseconds(top.time_ns);
    }
    std::pop_heap(event_heap_.begin(), event_heap_.end());
    event_heap_.pop_back();
  }
  return std::nullopt;
}

std::optional<std::chrono::nanoseconds> world_state::next_event_time() {
  scope current(this);
  const auto world_event = next_world_event();
  const auto asio_timer = next_asio_timer();
  if (asio_timer && (!world_event || *asio_timer < *world_event)) {
    return asio_timer;
  }
  return world_event;
}

std::uint64_t world_state::park(std::unique_ptr<parked_op> op) {
  const std::uint64_t id = next_op_id_++;
  op->owner = current_task_ != nullptr ? current_task_ : &root_task();
  op->since = now_;
  if (!closing_) {
    parked_.emplace(id, std::move(op));
  }
  return id;
}

std::unique_ptr<parked_op> world_state::unpark(std::uint64_t op_id) {
  auto it = parked_.find(op_id);
  if (it == parked_.end()) {
    return nullptr;
  }
  auto op = std::move(it->second);
  parked_.erase(it);
  return op;
}

parked_op* world_state::find_parked(std::uint64_t op_id) noexcept {
  auto it = parked_.find(op_id);
  return it == parked_.end() ? nullptr : it->second.get();
}

std::size_t world_state::destroy_host_work(const host_record& host) {
  if (current_task_ != nullptr && current_task_->host == &host) {
    throw std::logic_error("a host's tasks cannot be destroyed from one of its own tasks (host " +
                           host.address.to_string() + ")");
  }
  std::size_t destroyed = 0;
  // Destroying a frame can post or park more work for the same host (its
  // timers and sockets cancel their operations); repeat until none is left.
  for (;;) {
    std::vector<callback> doomed_handlers;
    std::vector<ready_handler> kept;
    for (ready_handler& r : ready_) {
      if (r.task->host == &host) {
        doomed_handlers.push_back(std::move(r.handler));
      } else {
        kept.push_back(std::move(r));
      }
    }
    ready_ = std::move(kept);
    std::vector<std::unique_ptr<parked_op>> doomed_ops;
    for (auto it = parked_.begin(); it != parked_.end();) {
      if (it->second->owner != nullptr && it->second->owner->host == &host) {
        doomed_ops.push_back(std::move(it->second));
        it = parked_.erase(it);
      } else {
        ++it;
      }
    }
    if (doomed_handlers.empty() && doomed_ops.empty()) {
      return destroyed;
    }
    destroyed += doomed_handlers.size() + doomed_ops.size();
  }
}

task_record& world_state::new_task(std::string name, const task_record* parent) {
  const std::uint64_t id = tasks_.size();
  tasks_.push_back(task_record{id, parent != nullptr ? parent->id : 0, std::move(name), 0, 0, 0,
                               parent != nullptr ? parent->host : nullptr});
  task_record& task = tasks_.back();
  trace(trace_kind::task_spawned, {task.id, task.parent_id, 0, 0}, task.name);
  return task;
}

host_record& world_state::add_host(const boost::asio::ip::address& address) {
  if (find_host(address) != nullptr) {
    throw std::invalid_argument("a host with address " + address.to_string() +
                                " already exists in this world; give every host its own address");
  }
  hosts_.push_back(host_record{hosts_.size(), address, nullptr, now_, 49152, nullptr, {}});
  host_record& host = hosts_.back();
  host.root = &new_task("host " + address.to_string(), nullptr);
  host.root->host = &host;
  host_contexts_.push_back(std::make_unique<sim::io_context>(*this, host));
  host.context = host_contexts_.back().get();
  return host;
}

sim::io_context& world_state::host_context(host_record& host) {
  return static_cast<sim::io_context&>(*host.context);
}

void world_state::replace_host_context(host_record& host) {
  if (closing_) {
    return;
  }
  scope current(this);
  // Shutting down destroys the dead process's pending Asio operations, and
  // with them frames whose I/O objects may post more work: clear that too.
  host_context(host).shut_down();
  destroy_host_work(host);
  host_contexts_.push_back(std::make_unique<sim::io_context>(*this, host));
  host.context = host_contexts_.back().get();
}

host_record* world_state::find_host(const boost::asio::ip::address& address) noexcept {
  for (host_record& host : hosts_) {
    if (host.address == address) {
      return &host;
    }
  }
  return nullptr;
}

void world_state::trace(trace_kind kind, std::array<std::uint64_t, 4> fields,
                        std::string_view label, const host_record* about) {
  const auto time_ns = static_cast<std::uint64_t>(now_.count());
  digest_.add(kind, time_ns, fields, label);
  if (options_.record_trace) {
    keep_record(kind, fields, label, about);
  }
}

void world_state::trace_unhashed(trace_kind kind, std::array<std::uint64_t, 4> fields,
                                 std::string_view label) {
  if (options_.record_trace) {
    keep_record(kind, fields, label, nullptr);
  }
}

void world_state::keep_record(trace_kind kind, const std::array<std::uint64_t, 4>& fields,
                              std::string_view label, const host_record* about) {
  trace_record& r = records_.emplace_back();
  r.kind = kind;
  r.time_ns = static_cast<std::uint64_t>(now_.count());
  r.fields = fields;
  r.label = label;
  // The task the record is about: the running one, or for records made
  // between handlers, the one they name (a scheduling decision's task, a
  // timer's waiter).
  const task_record* task = current_task_;
  if (task == nullptr) {
    std::optional<std::uint64_t> id;
    if (kind == trace_kind::schedule) {
      id = fields[2];
    } else if (kind == trace_kind::timer_fired) {
      if (const parked_op* waiter = find_parked(fields[1]); waiter != nullptr) {
        id = waiter->owner->id;
      }
    }
    if (id && *id < tasks_.size()) {
      task = &tasks_[*id];
    }
  }
  if (task != nullptr) {
    r.task = task->name;
  }
  // The host the record is about (a disk, a rebooted process) when the
  // layer says, else where the task runs; a task started from outside
  // every task (a process's root) is on the host it starts on.
  const host_record* where = about != nullptr ? about : task != nullptr ? task->host : nullptr;
  if (where == nullptr && task == nullptr && kind == trace_kind::task_spawned &&
      fields[0] < tasks_.size()) {
    where = tasks_[fields[0]].host;
  }
  const trace_kind_info* info = describe_trace_record(r);
  if (info != nullptr) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const trace_field& field = info->fields[i];
      if (field.format == field_format::host && fields[i] < hosts_.size()) {
        r.notes.push_back({std::string(field.name), hosts_[fields[i]].display_name()});
        // Else the record is on the first host it names (a disk's completion).
        where = where != nullptr ? where : &hosts_[fields[i]];
      }
    }
  }
  if (where != nullptr) {
    r.host = where->display_name();
  }
  for (const trace_annotator& annotate : trace_annotators_) {
    annotate(r, info);
  }
}

void world_state::poll_asio_context() {
  if (closing_) {
    return;
  }
  // Handlers that Asio services complete (Asio's timers, channel operations)
  // are delivered through the contexts; poll them, in a fixed order and
  // without ever blocking, so that no real time passes inside the
  // simulation. Their reactors check their timers against simulated time.
  context_->restart();
  context_->poll();
  for (host_record& host : hosts_) {
    host_context(host).drive();
  }
  throw_if_escaped();
}

std::optional<std::chrono::nanoseconds> world_state::next_asio_timer() {
  std::optional<std::chrono::nanoseconds> earliest = next_expiry(context_->timer_queues());
  for (host_record& host : hosts_) {
    const auto next = next_expiry(host_context(host).timer_queues());
    if (next && (!earliest || *next < *earliest)) {
      earliest = next;
    }
  }
  if (earliest) {
    // Asio reports microseconds rounded down; a timer due now still needs
    // time to move, so the wake-up is never earlier than one microsecond on.
    earliest = now_ + std::max(*earliest, std::chrono::nanoseconds(std::chrono::microseconds(1)));
  }
  return earliest;
}

std::size_t world_state::drain() {
  scope current(this);
  std::size_t ran = 0;
  poll_asio_context();
  while (!ready_.empty()) {
    const std::size_t count = ready_.size();
    // Which ready handler runs next is a seeded choice; a lone handler costs
    // no draw, so programs without concurrency do not consume the stream.
    const std::size_t index = count == 1 ? 0 : streams_.scheduling.below(count);
    ready_handler next = std::move(ready_[index]);
    if (index + 1 != count) {
      ready_[index] = std::move(ready_.back());
    }
    ready_.pop_back();

    task_record* task = next.task;
    trace(trace_kind::schedule, {count, index, task->id, 0});
    last_handler_run_ = now_;
    if (task->drain_epoch != drain_epoch_) {
      task->drain_epoch = drain_epoch_;
      task->drain_polls = 0;
    }
    ++task->drain_polls;
    ++ran;
    // Counted across drains and events: a loop that keeps going through
    // the event queue at one instant (a catch-all around a cancelled wait)
    // spins as surely as one that re-posts itself.
    if (++handlers_this_instant_ > options_.livelock_poll_bound) {
      throw_livelock();
    }

    current_task_ = task;
    struct reset_current {
      task_record*& current;
      ~reset_current() { current = nullptr; }
    } reset{current_task_};
    struct watched_handler {
      explicit watched_handler(world_state& w) noexcept { watchdog_handler_started(w); }
      ~watched_handler() { watchdog_handler_finished(); }
      watched_handler(const watched_handler&) = delete;
      watched_handler& operator=(const watched_handler&) = delete;
    };
    {
      const watched_handler watch(*this);
      next.handler();
    }
    ++handlers_run_;
    throw_if_escaped();
    check_wall_deadline();
    if (ready_.empty()) {
      poll_asio_context();
    }
  }
  return ran;
}

bool world_state::step_event() {
  scope current(this);
  throw_if_escaped();
  // An Asio timer due strictly before the next world event: move time to
  // it; the next drain polls the contexts, whose reactors then fire it.
  const auto asio_timer = next_asio_timer();
  if (asio_timer) {
    const auto world_event = next_world_event();
    if (!world_event || *asio_timer < *world_event) {
      set_now(*asio_timer);
      ++events_processed_;
      trace(trace_kind::asio_timer, {0, 0, 0, 0});
      return true;
    }
  }
  while (!event_heap_.empty()) {
    std::pop_heap(event_heap_.begin(), event_heap_.end());
    const event_key key = event_heap_.back();
    event_heap_.pop_back();
    if (!event_is_live(key.slot, key.generation)) {
      continue;  // cancelled
    }
    event_action action = release_event(key.slot);
    set_now(std::chrono::nanoseconds(key.time_ns));
    ++events_processed_;
    check_wall_deadline();
    trace(action.kind,
          {key.sequence, action.trace_fields[0], action.trace_fields[1], action.trace_fields[2]});
    action.action();
    return true;
  }
  return false;
}

void world_state::run() {
  for (;;) {
    drain();
    if (step_event()) {
      continue;
    }
    if (outstanding_work_ > 0) {
      throw_deadlock();
    }
    return;
  }
}

void world_state::run_until(std::chrono::nanoseconds until) {
  for (;;) {
    drain();
    const auto next = next_event_time();
    if (!next || *next > until) {
      break;
    }
    step_event();
  }
  set_now(until);
}

void world_state::set_now(std::chrono::nanoseconds at) noexcept {
  if (at > now_) {
    now_ = at;
    ++drain_epoch_;  // a new instant: the livelock counts start over
    handlers_this_instant_ = 0;
  }
}

void world_state::describe_parked(std::uint64_t op_id, const char* waits_for, bool idle) noexcept {
  if (parked_op* op = find_parked(op_id); op != nullptr) {
    op->waits_for = waits_for;
    op->idle = idle;
  }
}

std::string world_state::busy_tasks() const {
  std::string names;
  for (const task_record& task : tasks_) {
    if (task.outstanding_work > 0) {
      names += (names.empty() ? "'" : ", '") + task.name + "' (id " + std::to_string(task.id) + ")";
    }
  }
  return names.empty() ? "none" : names;
}

namespace {

// "2.000150000 s": simulated times in a report a person reads.
std::string seconds_text(std::chrono::nanoseconds at) {
  char text[40];
  std::snprintf(text, sizeof text, "%lld.%09lld s", static_cast<long long>(at.count() / 1000000000),
                static_cast<long long>(at.count() % 1000000000));
  return text;
}

}  // namespace

void world_state::throw_deadlock() const {
  std::ostringstream message;
  message << "deadlock (seed " << seed_ << ") at simulated time " << seconds_text(now_);
  if (last_handler_run_ < now_) {
    // Chaos and timers nobody waits on kept time moving after the last
    // handler ran: that is when the program really stopped.
    message << " (no handler has run since " << seconds_text(last_handler_run_) << ")";
  }
  message << ": nothing is runnable and no event is scheduled, but work is still outstanding in ";
  // What each task's parked operations wait for, in park order; a task
  // whose every wait is a normal rest (an accept, a shutdown wait) is
  // listed apart: it is waiting for work, not the cause.
  auto describe = [this](std::uint64_t id, const parked_op& op) {
    for (const wait_describer& describer : wait_describers_) {
      if (std::string said = describer(id); !said.empty()) {
        return said;
      }
    }
    return std::string(op.waits_for != nullptr ? op.waits_for : "an operation");
  };
  auto waits_of = [this, &describe](const task_record& task, bool& all_idle) {
    std::string waits;
    all_idle = true;
    for (const auto& [id, op] : parked_) {
      if (op->owner != &task) {
        continue;
      }
      all_idle = all_idle && op->idle;
      waits +=
          (waits.empty() ? "" : ", ") + describe(id, *op) + " since " + seconds_text(op->since);
    }
    if (waits.empty()) {
      all_idle = false;
    }
    return waits;
  };
  std::string stuck;
  std::string idle;
  for (const task_record& task : tasks_) {
    if (task.outstanding_work <= 0) {
      continue;
    }
    bool all_idle = false;
    const std::string waits = waits_of(task, all_idle);
    std::string entry = "task '" + task.name + "' (id " + std::to_string(task.id) + ")";
    if (task.host != nullptr) {
      entry += " on " + (task.host->names.empty() ? task.host->address.to_string()
                                                  : task.host->names.front() + " (" +
                                                        task.host->address.to_string() + ")");
    }
    if (task.id == 0) {
      entry += " [work started on world.get_executor(), e.g. co_spawn(..., detached)]";
    }
    if (!waits.empty()) {
      entry += " waiting on " + waits;
    }
    std::string& list = all_idle ? idle : stuck;
    list += (list.empty() ? "" : "; ") + entry;
  }
  message << (stuck.empty() ? idle : stuck);
  if (!stuck.empty() && !idle.empty()) {
    message << ". Idle, waiting for new work (not the cause): " << idle;
  }
  message << ". Each waits on something nothing will ever complete (a peer that never answers "
             "and no timeout, a channel with no sender, a promise never set, or a real Asio "
             "object where a simulated one is needed)";
  throw deadlock_error(seed_, message.str());
}

bool world_state::report_escape(escape_kind kind, const std::string& what,
                                const std::string& stack) {
  trace(trace_kind::escape, {static_cast<std::uint64_t>(kind), 0, 0, 0}, what);
  if (options_.escapes == escape_policy::warn) {
    const unsigned bit = 1U << static_cast<unsigned>(kind);
    if ((escape_warned_ & bit) == 0) {
      escape_warned_ |= bit;
      std::fprintf(stderr, "moonpool: warning (seed %llu): %s\n%s",
                   static_cast<unsigned long long>(seed_), what.c_str(), stack.c_str());
    }
    return false;
  }
  if (!escape_failure_) {
    escape_failure_ = "escape (seed " + std::to_string(seed_) + ") at simulated time " +
                      std::to_string(now_.count()) + " ns: " + what + "\n" + stack;
  }
  return true;
}

void world_state::throw_if_escaped() {
  if (escape_failure_) {
    throw escape_error(seed_, *std::exchange(escape_failure_, std::nullopt));
  }
  if (abandoned_) {
    throw run_abandoned(seed_, "the explorer abandoned this run at a split point");
  }
}

std::string world_state::trace_hash() const {
  trace_digest digest = digest_;
  digest.add(trace_kind::random_draws, static_cast<std::uint64_t>(now_.count()),
             {streams_.simulation.fingerprint(), streams_.scheduling.fingerprint(),
              streams_.configuration.fingerprint(), 0},
             {});
  return digest.hex();
}

void world_state::throw_livelock() const {
  const task_record* busiest = &tasks_.front();
  for (const task_record& task : tasks_) {
    if (task.drain_epoch == drain_epoch_ && task.drain_polls > busiest->drain_polls) {
      busiest = &task;
    }
  }
  std::ostringstream message;
  message << "livelock (seed " << seed_ << ") at simulated time " << now_.count()
          << " ns: more than " << options_.livelock_poll_bound
          << " handlers ran without simulated time advancing; the busiest was task '"
          << busiest->name << "' (id " << busiest->id << ", " << busiest->drain_polls
          << " handlers); a loop that re-posts itself must wait on a timer or I/O instead";
  throw livelock_error(seed_, message.str());
}

}  // namespace moonpool::sim::detail
