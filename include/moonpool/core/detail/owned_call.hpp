#pragma once
// A coroutine that owns the callable it awaits: spawn(name, lambda) keeps
// a lambda coroutine's captures alive for as long as the task runs (a
// lambda called in place, `spawn(name, [&] -> awaitable<void> {...}())`,
// leaves its captures behind when the temporary dies).

#include <boost/asio/awaitable.hpp>
#include <concepts>
#include <type_traits>

namespace moonpool::detail {

template <class F>
concept task_factory = std::is_invocable_r_v<boost::asio::awaitable<void>, F&>;

template <task_factory F>
boost::asio::awaitable<void> owned_call(F make_task) {
  co_await make_task();
}

}  // namespace moonpool::detail
