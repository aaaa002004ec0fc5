#pragma once
// The executor of a simulated world.
//
// It satisfies Asio's standard executor requirements, so co_spawn, post,
// dispatch, defer, bind_executor, strand<>, any_io_executor, awaitable
// operators and parallel groups work on it unchanged. Submitted handlers go
// into the world's ready set; the world decides which runs next.
//
// Each executor also names the task it works for. A coroutine started by
// sim::spawn runs on an executor bound to its own task record, and every
// handler it posts carries that record, which lets deadlock and livelock
// reports say which task is stuck.

#include <boost/asio/execution.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <utility>

#include "moonpool/sim/detail/world_state.hpp"

namespace moonpool::sim {

class executor {
 public:
  executor(detail::world_state& state, detail::task_record& task, bool tracked = false) noexcept
      : state_(&state), task_(&task), tracked_(tracked) {
    if (tracked_) {
      state_->work_started(task_);
    }
  }

  executor(const executor& other) noexcept
      : state_(other.state_), task_(other.task_), tracked_(other.tracked_) {
    if (tracked_) {
      state_->work_started(task_);
    }
  }

  executor(executor&& other) noexcept
      : state_(other.state_), task_(other.task_), tracked_(std::exchange(other.tracked_, false)) {}

  executor& operator=(const executor& other) noexcept {
    executor copy(other);
    swap(copy);
    return *this;
  }

  executor& operator=(executor&& other) noexcept {
    executor moved(std::move(other));
    swap(moved);
    return *this;
  }

  ~executor() {
    if (tracked_) {
      state_->work_finished(task_);
    }
  }

  template <class Function>
  void execute(Function&& f) const {
    state_->post(task_, detail::callback(std::forward<Function>(f)));
  }

  // A host's executors report the host's sim::io_context, so that anything
  // built from any wrapper of them (strand, any_io_executor, bind_executor)
  // finds its host, and Asio's services keep the host's operations there.
  [[nodiscard]] boost::asio::io_context& query(boost::asio::execution::context_t) const noexcept {
    if (task_->host != nullptr) {
      return *task_->host->context;
    }
    return state_->context();
  }

  static constexpr boost::asio::execution::blocking_t query(
      boost::asio::execution::blocking_t) noexcept {
    return boost::asio::execution::blocking.never;
  }

  static constexpr boost::asio::execution::relationship_t query(
      boost::asio::execution::relationship_t) noexcept {
    return boost::asio::execution::relationship.fork;
  }

  [[nodiscard]] boost::asio::execution::outstanding_work_t query(
      boost::asio::execution::outstanding_work_t) const noexcept {
    return tracked_ ? boost::asio::execution::outstanding_work_t(
                          boost::asio::execution::outstanding_work.tracked)
                    : boost::asio::execution::outstanding_work_t(
                          boost::asio::execution::outstanding_work.untracked);
  }

  template <class Property>
  [[nodiscard]] std::allocator<void> query(
      boost::asio::execution::allocator_t<Property>) const noexcept {
    return {};
  }

  [[nodiscard]] executor require(boost::asio::execution::blocking_t::never_t) const noexcept {
    return *this;
  }
  [[nodiscard]] executor require(boost::asio::execution::relationship_t::fork_t) const noexcept {
    return *this;
  }
  [[nodiscard]] executor require(
      boost::asio::execution::relationship_t::continuation_t) const noexcept {
    return *this;
  }
  [[nodiscard]] executor require(
      boost::asio::execution::outstanding_work_t::tracked_t) const noexcept {
    return executor(*state_, *task_, true);
  }
  [[nodiscard]] executor require(
      boost::asio::execution::outstanding_work_t::untracked_t) const noexcept {
    return executor(*state_, *task_, false);
  }
  template <class Allocator>
  [[nodiscard]] executor require(boost::asio::execution::allocator_t<Allocator>) const noexcept {
    return *this;
  }

  friend bool operator==(const executor& a, const executor& b) noexcept {
    return a.state_ == b.state_ && a.task_ == b.task_;
  }
  friend bool operator!=(const executor& a, const executor& b) noexcept { return !(a == b); }

  // The world and task this executor works for (for I/O object implementers).
  [[nodiscard]] detail::world_state& state() const noexcept { return *state_; }
  [[nodiscard]] detail::task_record& task() const noexcept { return *task_; }

 private:
  void swap(executor& other) noexcept {
    std::swap(state_, other.state_);
    std::swap(task_, other.task_);
    std::swap(tracked_, other.tracked_);
  }

  detail::world_state* state_;
  detail::task_record* task_;
  bool tracked_;
};

static_assert(boost::asio::execution::is_executor<executor>::value,
              "moonpool::sim::executor must satisfy Asio's executor concept");

}  // namespace moonpool::sim
