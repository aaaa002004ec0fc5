#pragma once
// Named tasks: coroutines spawned into a simulated world with a join handle.
//
//   auto h = moonpool::sim::spawn(ex, "worker", work());   // join_handle<int>
//   int v = co_await h.async_join(boost::asio::use_awaitable);
//   int w = co_await h2.join();                             // the same, as a coroutine
//
// A task runs on its own executor (the world's, tagged with the task), so
// deadlock and livelock reports name it. Its outcome is a value, an
// exception, or "cancelled" after abort(); an exception stays inside its
// task. Dropping or detaching the handle leaves the task running. Destroying
// the world destroys every live task's frame without resuming it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "moonpool/sim/detail/pending_op.hpp"
#include "moonpool/sim/detail/state_of.hpp"
#include "moonpool/sim/executor.hpp"

namespace moonpool::sim {

enum class join_status : std::uint8_t {
  running = 0,
  finished = 1,   // returned a value
  failed = 2,     // ended with an exception
  cancelled = 3,  // ended by abort()
  destroyed = 4,  // destroyed with its world before it finished
};

[[nodiscard]] std::string_view to_string(join_status status) noexcept;

namespace detail {

template <class T>
struct join_signature {
  using type = void(std::exception_ptr, T);
};
template <>
struct join_signature<void> {
  using type = void(std::exception_ptr);
};

bool is_operation_aborted(const std::exception_ptr& error) noexcept;
void trace_task_finished(world_state& state, const task_record& task, join_status status);

template <class T>
struct join_state {
  using value_type = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

  join_state(world_state& s, task_record& t) : state(&s), task(&t), name(t.name) {}

  void finish(std::exception_ptr outcome_error, value_type outcome_value) {
    if (!outcome_error) {
      status = join_status::finished;
    } else if (abort_requested && is_operation_aborted(outcome_error)) {
      status = join_status::cancelled;
    } else {
      status = join_status::failed;
    }
    error = std::move(outcome_error);
    value.emplace(std::move(outcome_value));
    trace_task_finished(*state, *task, status);
    if (joiner) {
      deliver(*std::exchange(joiner, std::nullopt));
    }
  }

  void deliver(std::uint64_t op_id) {
    if constexpr (std::is_void_v<T>) {
      complete_parked<std::exception_ptr>(*state, op_id, error);
    } else {
      complete_parked<std::exception_ptr, T>(*state, op_id, error, std::move(*value));
    }
  }

  world_state* state;
  task_record* task;
  std::string name;
  join_status status = join_status::running;
  std::optional<value_type> value;
  std::exception_ptr error;
  bool abort_requested = false;
  bool joined = false;
  std::optional<std::uint64_t> joiner;
  boost::asio::cancellation_signal signal;
};

// co_spawn's completion handler. If it is destroyed without being invoked,
// the world was destroyed with the task still alive.
template <class T>
class spawn_completion {
 public:
  explicit spawn_completion(std::shared_ptr<join_state<T>> state) : state_(std::move(state)) {}
  spawn_completion(spawn_completion&&) noexcept = default;
  spawn_completion& operator=(spawn_completion&&) noexcept = default;
  ~spawn_completion() {
    if (state_ && state_->status == join_status::running) {
      state_->status = join_status::destroyed;
    }
  }

  void operator()(std::exception_ptr error) requires std::is_void_v<T> {
    std::exchange(state_, nullptr)->finish(std::move(error), std::monostate{});
  }

  template <class U>
  requires(!std::is_void_v<T> && std::is_convertible_v<U, T>) void operator()(
      std::exception_ptr error, U&& value) {
    std::exchange(state_, nullptr)->finish(std::move(error), T(std::forward<U>(value)));
  }

 private:
  std::shared_ptr<join_state<T>> state_;
};

}  // namespace detail

template <class T>
class join_handle {
 public:
  using result_signature = typename detail::join_signature<T>::type;

  join_handle() = default;
  explicit join_handle(std::shared_ptr<detail::join_state<T>> state) : state_(std::move(state)) {}

  [[nodiscard]] bool valid() const noexcept { return state_ != nullptr; }
  [[nodiscard]] const std::string& name() const { return checked().name; }
  [[nodiscard]] join_status status() const { return checked().status; }
  [[nodiscard]] bool done() const { return status() != join_status::running; }

  // Requests terminal cancellation of the task. A finished task keeps its
  // outcome; a running one ends with join_status::cancelled once its current
  // (or next) asynchronous operation is cancelled.
  void abort() {
    auto& state = checked();
    if (state.status == join_status::running && !state.abort_requested) {
      state.abort_requested = true;
      state.signal.emit(boost::asio::cancellation_type::terminal);
    }
  }

  // Gives up the handle; the task keeps running.
  void detach() noexcept { state_.reset(); }

  // Waits for the task: completes with (exception, value) — the task's own
  // exception, or system_error(operation_aborted) when it was cancelled.
  // A task can be joined once.
  template <class JoinToken = boost::asio::default_completion_token_t<boost::asio::any_io_executor>>
  auto async_join(JoinToken&& token = {}) {
    auto& state = checked();
    if (state.joined) {
      throw std::logic_error("task '" + state.name +
                             "' was already joined; a join_handle can be joined once");
    }
    state.joined = true;
    return boost::asio::async_initiate<JoinToken, result_signature>(
        [shared = state_](auto handler) { start_join(shared, std::move(handler)); }, token);
  }

  // async_join(use_awaitable): the task's value, or its exception rethrown.
  boost::asio::awaitable<T> join() { return async_join(boost::asio::use_awaitable); }

  // The outcome after the world has run: the value, or the task's exception
  // rethrown. Throws std::logic_error while the task is still running.
  T get() {
    auto& state = checked();
    if (state.status == join_status::running || state.status == join_status::destroyed) {
      throw std::logic_error("task '" + state.name + "' has no outcome (" +
                             std::string(to_string(state.status)) +
                             "); drive its world with world.run() before reading the result");
    }
    if (state.error) {
      std::rethrow_exception(state.error);
    }
    if constexpr (!std::is_void_v<T>) {
      return std::move(*state.value);
    }
  }

 private:
  struct join_cancellation {
    std::shared_ptr<detail::join_state<T>> state;
    std::uint64_t op_id;
    void operator()(boost::asio::cancellation_type_t) const {
      if (state->joiner != op_id) {
        return;  // already delivered
      }
      state->joiner.reset();
      state->joined = false;
      auto aborted = std::make_exception_ptr(
          boost::system::system_error(boost::asio::error::operation_aborted));
      if constexpr (std::is_void_v<T>) {
        detail::complete_parked<std::exception_ptr>(*state->state, op_id, aborted);
      } else {
        detail::complete_parked<std::exception_ptr, T>(*state->state, op_id, aborted, T{});
      }
    }
  };

  template <class Handler>
  static void start_join(const std::shared_ptr<detail::join_state<T>>& state, Handler handler) {
    auto slot = boost::asio::get_associated_cancellation_slot(handler);
    const executor fallback(*state->state, state->state->root_task());
    std::uint64_t op_id = 0;
    if constexpr (std::is_void_v<T>) {
      op_id = detail::park_handler<std::exception_ptr>(*state->state, std::move(handler), fallback);
    } else {
      op_id =
          detail::park_handler<std::exception_ptr, T>(*state->state, std::move(handler), fallback);
    }
    state->state->describe_parked(op_id, "the join of another task");
    if (state->status != join_status::running) {
      state->deliver(op_id);
      return;
    }
    state->joiner = op_id;
    if (slot.is_connected()) {
      slot.template emplace<join_cancellation>(join_cancellation{state, op_id});
    }
  }

  detail::join_state<T>& checked() const {
    if (!state_) {
      throw std::logic_error("join_handle is empty (default-constructed or detached)");
    }
    return *state_;
  }

  std::shared_ptr<detail::join_state<T>> state_;
};

namespace detail {

// The task an executor works for: its own for ours (also inside
// any_io_executor or a strand), else whichever task is running now.
template <class Executor>
const task_record* task_of(const Executor& ex, world_state& state) {
  if constexpr (std::is_same_v<Executor, executor>) {
    return &ex.task();
  } else if constexpr (requires { ex.template target<executor>(); }) {
    if (const auto* ours = ex.template target<executor>()) {
      return &ours->task();
    }
  } else if constexpr (requires { ex.get_inner_executor(); }) {
    return task_of(ex.get_inner_executor(), state);
  }
  return state.current_task();
}

template <class T, class Body>
join_handle<T> start_task(world_state& state, const task_record* parent, std::string name,
                          Body&& body) {
  static_assert(std::is_void_v<T> || std::is_default_constructible_v<T>,
                "a task's result type must be default-constructible (as with asio::co_spawn)");
  task_record& task = state.new_task(std::move(name), parent);
  auto shared = std::make_shared<join_state<T>>(state, task);
  boost::asio::co_spawn(
      executor(state, task), std::forward<Body>(body),
      boost::asio::bind_cancellation_slot(shared->signal.slot(), spawn_completion<T>(shared)));
  return join_handle<T>(std::move(shared));
}

}  // namespace detail

// Spawns `body` as a task named `name` in the world behind `ex`.
template <class Executor, class T>
join_handle<T> spawn(const Executor& ex, std::string name,
                     boost::asio::awaitable<T, boost::asio::any_io_executor> body) {
  auto& state = detail::state_of(ex, "moonpool::sim::spawn");
  return detail::start_task<T>(state, detail::task_of(ex, state), std::move(name), std::move(body));
}

// Spawns the coroutine returned by `make_body()`; the callable is kept alive
// while the task runs, so a lambda coroutine may use its captures.
template <class Executor, class F>
requires std::is_invocable_v<F>
auto spawn(const Executor& ex, std::string name, F&& make_body) {
  using T = typename std::invoke_result_t<F>::value_type;
  auto& state = detail::state_of(ex, "moonpool::sim::spawn");
  return detail::start_task<T>(state, detail::task_of(ex, state), std::move(name),
                               std::forward<F>(make_body));
}

}  // namespace moonpool::sim
