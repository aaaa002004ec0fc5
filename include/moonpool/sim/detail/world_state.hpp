#pragma once
// The world's internals: ready set, event queue, parked operations, task
// records and the drive loop. I/O objects (timers, sockets, files) talk to
// this class; applications talk to moonpool::sim::world.
//
// Ownership rule: every pending operation's handler is owned by the world
// (as a parked op or inside a ready handler), never by the I/O object that
// started it. A coroutine frame owns its timers and sockets, and a pending
// operation owns the frame, so if the I/O object owned the operation the two
// would keep each other alive forever. Because the world owns them, destroying
// the world destroys every frame.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "moonpool/sim/detail/callback.hpp"
#include "moonpool/sim/random.hpp"
#include "moonpool/sim/trace.hpp"
#include "moonpool/sim/world_options.hpp"

namespace moonpool::sim {
class io_context;
}
namespace boost::asio::detail {
class timer_queue_set;
}

namespace moonpool::sim::detail {

class world_state;
struct host_record;
struct trace_kind_info;

// One task: a named coroutine started by sim::spawn, or task 0 ("main") for
// everything posted to the world's own executor.
struct task_record {
  std::uint64_t id = 0;
  std::uint64_t parent_id = 0;
  std::string name;
  // Tracked executors alive for this task (Asio's outstanding work). A task
  // that is suspended forever still holds co_spawn's work guard, which is how
  // a deadlock can name it.
  std::int64_t outstanding_work = 0;
  std::uint64_t drain_epoch = 0;
  std::uint64_t drain_polls = 0;
  // The simulated host this task runs on; null for world-level tasks.
  host_record* host = nullptr;
};

// One simulated machine: an address, a root task, and a drifting clock.
struct host_record {
  std::uint64_t id = 0;
  boost::asio::ip::address address;
  task_record* root = nullptr;
  // The host's own reading of time: never behind the world's, never more
  // than the configured drift ahead, never decreasing.
  std::chrono::nanoseconds clock_reading{0};
  std::uint16_t next_ephemeral_port = 49152;
  // The host's Asio execution context (a sim::io_context): what its
  // executors report as their context, where Asio's own services (timers,
  // Beast's WebSocket service) keep this host's operations. Replaced when
  // the host's process dies, so those operations die with it.
  boost::asio::io_context* context = nullptr;
  // Names that resolve to this host's address (sim::tcp::resolver).
  std::vector<std::string> names;

  // How reports and traces name the host: its first name, else its address.
  [[nodiscard]] std::string display_name() const {
    return names.empty() ? address.to_string() : names.front();
  }
};

// An operation waiting for something other than time (data, a join, ...).
struct parked_op {
  virtual ~parked_op() = default;
  // The task that started the operation (set by park()); killing a host's
  // tasks destroys the operations they own.
  task_record* owner = nullptr;
  // For deadlock reports: when it was parked (set by park()), what it waits
  // for ("a read", ...; null: not said), and whether waiting is a task's
  // normal rest (an acceptor, a shutdown wait) rather than a sign it is stuck.
  std::chrono::nanoseconds since{0};
  const char* waits_for = nullptr;
  bool idle = false;
};

// Marks an execution context as a world's and leads back to the world. Asio's
// execution_context is not polymorphic, so a service is how an I/O object
// given only an executor finds out whether it belongs to a simulation.
class world_service : public boost::asio::execution_context::service {
 public:
  using key_type = world_service;
  static inline boost::asio::execution_context::id id;
  explicit world_service(boost::asio::execution_context& context)
      : boost::asio::execution_context::service(context) {}
  void attach(world_state& state, host_record* host = nullptr) noexcept {
    state_ = &state;
    host_ = host;
  }
  world_state& state() const noexcept { return *state_; }
  // The host whose context this is; null for the world's own context.
  host_record* host() const noexcept { return host_; }

 private:
  void shutdown() override {}
  world_state* state_ = nullptr;
  host_record* host_ = nullptr;
};

// The Asio execution context of a world. Deriving from io_context (rather than
// a bare execution_context) matters: Asio objects that Beast creates
// internally find an io_context scheduler without a private thread, and the
// world polls it from its own loop.
class world_context : public boost::asio::io_context {
 public:
  explicit world_context(world_state& state);
  void shutdown_services() { shutdown(); }
  // The reactor's timer queues (Asio's timers made on the world's executor).
  [[nodiscard]] const boost::asio::detail::timer_queue_set& timer_queues() const noexcept {
    return *timer_queues_;
  }

 private:
  const boost::asio::detail::timer_queue_set* timer_queues_;
};

class world_state {
 public:
  world_state(std::uint64_t seed, const world_options& options);
  ~world_state();
  world_state(const world_state&) = delete;
  world_state& operator=(const world_state&) = delete;

  // --- the ready set -----------------------------------------------------
  void post(task_record* task, callback handler);
  [[nodiscard]] std::size_t ready_count() const noexcept { return ready_.size(); }
  [[nodiscard]] std::int64_t outstanding_work() const noexcept { return outstanding_work_; }
  // "'name' (id N), ..." for every task with outstanding work, or "none".
  [[nodiscard]] std::string busy_tasks() const;

  // --- the event queue ---------------------------------------------------
  // Schedules `action` at absolute simulated time `at` (clamped to now: time
  // never runs backwards). Returns the event's id, for cancel_event: never 0,
  // and never the id of another event, even one that reuses its slot.
  std::uint64_t schedule_at(std::chrono::nanoseconds at, trace_kind kind,
                            std::array<std::uint64_t, 3> trace_fields, callback action);
  // Removes a scheduled event; false when it already ran or was cancelled.
  bool cancel_event(std::uint64_t event_id);
  [[nodiscard]] std::size_t pending_events() const noexcept { return live_events_; }

  // --- parked operations ---------------------------------------------------
  std::uint64_t park(std::unique_ptr<parked_op> op);
  // Takes a parked op back; null when it was already completed or cancelled.
  std::unique_ptr<parked_op> unpark(std::uint64_t op_id);
  // The parked op with this id, left in place; null when gone.
  parked_op* find_parked(std::uint64_t op_id) noexcept;
  // Says what a parked operation waits for (deadlock reports); a no-op
  // when it is no longer parked.
  void describe_parked(std::uint64_t op_id, const char* waits_for, bool idle = false) noexcept;
  [[nodiscard]] std::size_t parked_count() const noexcept { return parked_.size(); }
  // A layer above the core (the network) that knows more about a parked
  // operation than the op itself says (which connection, between which
  // hosts): given an op id, a description, or empty when the op is not its
  // own. Asked only when a deadlock is reported, never on the hot path.
  using wait_describer = std::function<std::string(std::uint64_t op_id)>;
  void add_wait_describer(wait_describer describer) {
    wait_describers_.push_back(std::move(describer));
  }

  // --- tasks ----------------------------------------------------------------
  task_record& root_task() noexcept { return tasks_.front(); }
  task_record& new_task(std::string name, const task_record* parent);

  // --- hosts -------------------------------------------------------------------
  // Adds a host; throws std::invalid_argument if the address is taken.
  host_record& add_host(const boost::asio::ip::address& address);
  // The host with this address, or null.
  host_record* find_host(const boost::asio::ip::address& address) noexcept;
  [[nodiscard]] const std::deque<host_record>& hosts() const noexcept { return hosts_; }
  [[nodiscard]] task_record* current_task() const noexcept { return current_task_; }
  void work_started(task_record* task) noexcept {
    ++task->outstanding_work;
    ++outstanding_work_;
  }
  void work_finished(task_record* task) noexcept {
    --task->outstanding_work;
    --outstanding_work_;
  }

  // --- tracing ----------------------------------------------------------------
  // Folds a record into the trace hash and, when recording, keeps it with
  // the running task and its host. `about`: the host the record concerns,
  // named instead of the task's (a disk's, a rebooted process's).
  void trace(trace_kind kind, std::array<std::uint64_t, 4> fields, std::string_view label = {},
             const host_record* about = nullptr);
  // Keeps a record without hashing it (user log lines): a no-op unless
  // recording.
  void trace_unhashed(trace_kind kind, std::array<std::uint64_t, 4> fields,
                      std::string_view label = {});
  [[nodiscard]] bool recording() const noexcept { return options_.record_trace; }
  // A layer that can say more about its records than their numbers (the
  // network: a connection's endpoints) adds notes to each kept record;
  // called only while recording, with the record's description (or null).
  using trace_annotator = std::function<void(trace_record&, const trace_kind_info*)>;
  void add_trace_annotator(trace_annotator annotator) {
    trace_annotators_.push_back(std::move(annotator));
  }
  // The digest of every trace record, then of every random stream's
  // fingerprint: seeds whose draws differ differ even when no event did.
  [[nodiscard]] std::string trace_hash() const;
  [[nodiscard]] const std::vector<trace_record>& trace_records() const noexcept { return records_; }

  // --- driving ------------------------------------------------------------------
  // Runs ready handlers until none is left. Returns how many ran.
  std::size_t drain();
  // Processes the next live event; false when the queue is empty.
  bool step_event();
  // Drives until nothing is left to do; throws deadlock_error/livelock_error.
  void run();
  // Drives until simulated time reaches `until` or nothing is left to do.
  void run_until(std::chrono::nanoseconds until);
  // Drives until `done()` holds (checked after every batch of handlers and
  // every event). Returns false when the next event lies beyond `deadline`
  // (time is then set to the deadline) or nothing is left to do; throws
  // deadlock_error when nothing is left but work is outstanding.
  template <class Predicate>
  bool run_until(Predicate&& done, std::chrono::nanoseconds deadline) {
    for (;;) {
      drain();
      if (done()) {
        return true;
      }
      const auto next = next_event_time();
      if (!next) {
        if (outstanding_work_ > 0) {
          throw_deadlock();
        }
        return false;
      }
      if (*next > deadline) {
        set_now(deadline);
        return false;
      }
      step_event();
    }
  }

  // Destroys, without running them, every ready handler and parked
  // operation owned by a task of `host`: the coroutine frames of a crashed
  // process. Returns how many were destroyed. Must not be called from one of
  // that host's own tasks.
  std::size_t destroy_host_work(const host_record& host);

  [[nodiscard]] std::chrono::nanoseconds now() const noexcept { return now_; }
  [[nodiscard]] std::uint64_t seed() const noexcept { return seed_; }
  [[nodiscard]] std::uint64_t events_processed() const noexcept { return events_processed_; }
  [[nodiscard]] std::uint64_t handlers_run() const noexcept { return handlers_run_; }
  // The wall time (detail::wall_now) past which driving this world fails
  // with seed_timeout_error; nanoseconds::max() without a limit.
  [[nodiscard]] std::chrono::nanoseconds wall_deadline() const noexcept { return wall_deadline_; }
  // Moves the deadline later: the explorer does not count the time a
  // timeline waits for the children it forked.
  void extend_wall_deadline(std::chrono::nanoseconds by) noexcept;
  [[nodiscard]] bool closing() const noexcept { return closing_; }
  // Ends the run after the handler or event now running: driving then
  // throws run_abandoned. The explorer abandons a timeline it will reach
  // again by re-execution.
  void abandon() noexcept { abandoned_ = true; }
  [[nodiscard]] bool abandoned() const noexcept { return abandoned_; }
  random_streams& streams() noexcept { return streams_; }
  world_context& context() noexcept { return *context_; }
  [[nodiscard]] const world_options& options() const noexcept { return options_; }

  // The world whose loop is running on this thread, or null. Inside it,
  // the standard clocks read simulated time (src/sim/clock_interposer.cpp).
  static world_state* current() noexcept;

  // Makes a world current on this thread for its lifetime (restoring the
  // previous one after); the drive calls use one, and so does the runner
  // for a whole iteration, so that code run between drives (a process's
  // constructor) reads simulated time too.
  class scope {
   public:
    explicit scope(world_state* state) noexcept;
    ~scope();
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;

   private:
    world_state* previous_;
  };

  // --- escapes to the real OS (src/sim/escape_interposer.cpp) ---------------------
  enum class escape_kind : std::uint8_t { entropy = 1, socket = 2, thread = 3 };
  // Records an escape: traced; under escape_policy::fail the drive loop
  // throws escape_error once the current handler returns; under warn, one
  // line on stderr per kind. Returns whether the call must be refused.
  bool report_escape(escape_kind kind, const std::string& what, const std::string& stack);
  // Seeded stand-in bytes for OS entropy (a stream of their own, so that
  // replacing entropy never shifts the simulation stream).
  std::uint64_t escape_entropy() noexcept { return escape_entropy_.next_u64(); }

  // --- host contexts --------------------------------------------------------------
  // The host's current sim::io_context.
  sim::io_context& host_context(host_record& host);
  // Shuts the host's context down (destroying the Asio operations of its
  // dead process without running them) and gives the host a fresh one. The
  // old context stays allocated until the world closes: I/O objects still
  // alive may point into it.
  void replace_host_context(host_record& host);

  // Destroys every pending handler, operation and coroutine frame without
  // running them, and the Asio services. The state itself stays valid (and
  // closing()), so I/O objects destroyed afterwards see a closed world.
  // Idempotent; the destructor calls it.
  void close();

 private:
  struct ready_handler {
    task_record* task;
    callback handler;
  };
  // A heap entry: when, in which order among events of one instant, and
  // where its action is. The entry is stale (its event cancelled) when the
  // slot's generation has moved on.
  struct event_key {
    std::int64_t time_ns;
    std::uint64_t sequence;
    std::uint32_t slot;
    std::uint32_t generation;
    // std::push_heap builds a max-heap; invert so the earliest event is on top.
    bool operator<(const event_key& other) const noexcept {
      return time_ns != other.time_ns ? time_ns > other.time_ns : sequence > other.sequence;
    }
  };
  struct event_action {
    trace_kind kind;
    std::array<std::uint64_t, 3> trace_fields;
    callback action;
  };
  // An event's action lives in a slot of a vector reused through a free
  // list: scheduling, cancelling and firing allocate nothing in the steady
  // state, and a heap entry finds its action without hashing. A slot's
  // generation moves on each time it is freed, so an old id or heap entry
  // never reaches the slot's next event.
  struct event_slot {
    std::uint32_t generation = 1;
    bool live = false;
    event_action event;
  };
  [[nodiscard]] bool event_is_live(std::uint32_t slot, std::uint32_t generation) const noexcept {
    return slot < event_slots_.size() && event_slots_[slot].live &&
           event_slots_[slot].generation == generation;
  }
  // Takes a live event's action out and frees its slot.
  event_action release_event(std::uint32_t slot) noexcept;

  void check_thread() const;
  std::optional<std::chrono::nanoseconds> next_event_time();
  std::optional<std::chrono::nanoseconds> next_world_event();
  // The earliest expiry among Asio's own timers in the live contexts.
  std::optional<std::chrono::nanoseconds> next_asio_timer();
  void compact_event_heap();
  void poll_asio_context();
  [[noreturn]] void throw_deadlock() const;
  [[noreturn]] void throw_livelock() const;
  // Every 256 handlers and events: the wall clock read is not free.
  void check_wall_deadline() {
    if (((handlers_run_ + events_processed_) & 255U) == 0 &&
        wall_deadline_ != wall_deadline_.max()) {
      check_wall_deadline_now();
    }
  }
  void check_wall_deadline_now();
  // Moves simulated time forward (never back) and starts a new instant.
  void set_now(std::chrono::nanoseconds at) noexcept;
  void throw_if_escaped();
  // Keeps a record (recording only): who made it, and readers' notes.
  void keep_record(trace_kind kind, const std::array<std::uint64_t, 4>& fields,
                   std::string_view label, const host_record* about);

  std::uint64_t seed_;
  world_options options_;
  std::thread::id owner_thread_;
  random_streams streams_;
  trace_digest digest_;
  std::vector<trace_record> records_;

  // Declared before anything holding handlers: executors inside handlers
  // update task records when they are destroyed.
  std::deque<task_record> tasks_;
  std::deque<host_record> hosts_;
  std::int64_t outstanding_work_ = 0;
  task_record* current_task_ = nullptr;

  std::vector<ready_handler> ready_;
  std::vector<event_key> event_heap_;
  std::vector<event_slot> event_slots_;
  std::vector<std::uint32_t> free_event_slots_;
  std::size_t live_events_ = 0;
  std::uint64_t next_sequence_ = 1;
  std::map<std::uint64_t, std::unique_ptr<parked_op>> parked_;
  std::uint64_t next_op_id_ = 1;

  std::chrono::nanoseconds now_{0};
  // When a handler last ran: a deadlock report says how long the world has
  // only been moving time (chaos, timers no task waits on) since then.
  std::chrono::nanoseconds last_handler_run_{0};
  std::vector<wait_describer> wait_describers_;
  std::vector<trace_annotator> trace_annotators_;
  std::uint64_t events_processed_ = 0;
  std::uint64_t handlers_run_ = 0;
  std::chrono::nanoseconds wall_deadline_ = std::chrono::nanoseconds::max();
  std::uint64_t drain_epoch_ = 0;  // bumped whenever simulated time moves
  std::uint64_t handlers_this_instant_ = 0;
  bool closing_ = false;
  bool abandoned_ = false;

  std::unique_ptr<world_context> context_;
  std::optional<std::string> escape_failure_;
  unsigned escape_warned_ = 0;  // bit per escape_kind already warned about
  random_stream escape_entropy_;
  // Every host context ever made, live or retired (see replace_host_context).
  std::vector<std::unique_ptr<sim::io_context>> host_contexts_;
};

}  // namespace moonpool::sim::detail
