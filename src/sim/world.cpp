#include "moonpool/sim/world.hpp"

namespace moonpool::sim {

world::world(std::uint64_t seed, world_options options)
    : state_(std::make_unique<detail::world_state>(seed, options)) {}

world::~world() = default;

world::executor_type world::get_executor() noexcept {
  return executor_type(*state_, state_->root_task());
}

void world::run() {
  state_->run();
}

void world::run_for(std::chrono::nanoseconds duration) {
  state_->run_until(state_->now() + duration);
}

std::size_t world::poll() {
  return state_->drain();
}

std::uint64_t world::seed() const noexcept {
  return state_->seed();
}
std::chrono::nanoseconds world::now() const noexcept {
  return state_->now();
}
std::uint64_t world::events_processed() const noexcept {
  return state_->events_processed();
}
std::uint64_t world::handlers_run() const noexcept {
  return state_->handlers_run();
}
std::size_t world::pending_events() const noexcept {
  return state_->pending_events();
}
std::string world::trace_hash() const {
  return state_->trace_hash();
}
const std::vector<trace_record>& world::trace() const noexcept {
  return state_->trace_records();
}
random_stream& world::random() noexcept {
  return state_->streams().simulation;
}
random_streams& world::streams() noexcept {
  return state_->streams();
}

}  // namespace moonpool::sim
