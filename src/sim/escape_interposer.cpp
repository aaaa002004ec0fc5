// Simulated code that reaches the real operating system is reported.
//
// OS entropy (std::random_device, getrandom, getentropy), a real socket
// and a new thread each make a seed unreplayable: the bytes, the peer and
// the schedule come from outside the seed. Like the clocks
// (clock_interposer.cpp), these are out-of-line functions of the C and C++
// runtimes, so definitions in the program take their place. Outside a
// simulation each passes straight through. Inside one (a world is current
// on this thread), each is reported to the world with a short stack:
// under escape_policy::fail the seed fails as soon as the handler that
// made the call returns, and the call itself is refused (sockets and
// threads) or answered with seeded bytes (entropy, so that the failing
// seed still replays); under escape_policy::warn a warning is printed once
// per kind and the call goes through (entropy is still replaced).

#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <pthread.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "process_hooks.hpp"
#include "moonpool/sim/detail/world_state.hpp"

namespace moonpool::sim::detail {
namespace {

// The calling frames, innermost first, without this file's own.
std::string short_stack() {
  void* frames[12];
  const int count = backtrace(frames, 12);
  char** symbols = backtrace_symbols(frames, count);
  std::string stack;
  for (int i = 2; symbols != nullptr && i < count && i < 9; ++i) {
    std::string line = symbols[i];
    // Drop the absolute address: it moves with ASLR, and the report of a
    // seed must read the same on replay.
    if (const auto address = line.rfind(" ["); address != std::string::npos) {
      line.erase(address);
    }
    // "binary(mangled+0x1f) [0x...]": demangle the name when there is one.
    const auto open = line.find('(');
    const auto plus = line.find('+', open == std::string::npos ? 0 : open);
    if (open != std::string::npos && plus != std::string::npos && plus > open + 1) {
      const std::string mangled = line.substr(open + 1, plus - open - 1);
      int status = 0;
      char* name = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
      if (status == 0 && name != nullptr) {
        line = name;
        if (line.size() > 160) {
          line = line.substr(0, 157) + "...";
        }
      }
      std::free(name);
    }
    stack += "    at " + line + "\n";
  }
  std::free(symbols);
  return stack;
}

// Fills `buffer` with seeded bytes from the current world.
void seeded_bytes(world_state& world, void* buffer, std::size_t length) {
  auto* out = static_cast<unsigned char*>(buffer);
  for (std::size_t i = 0; i < length; i += 8) {
    const std::uint64_t word = world.escape_entropy();
    std::memcpy(out + i, &word, std::min<std::size_t>(8, length - i));
  }
}

template <class Function>
Function next_definition(const char* name) {
  return reinterpret_cast<Function>(dlsym(RTLD_NEXT, name));
}

constexpr const char* entropy_fix =
    "; OS entropy makes a seed unreplayable: draw from ctx.random() (or seed the library from "
    "it) instead";

}  // namespace
}  // namespace moonpool::sim::detail

using moonpool::sim::detail::world_state;
namespace escape = moonpool::sim::detail;

extern "C" ssize_t getrandom(void* buffer, size_t length, unsigned int flags) {
  if (world_state* world = world_state::current()) {
    world->report_escape(world_state::escape_kind::entropy,
                         std::string("getrandom() read OS entropy") + escape::entropy_fix,
                         escape::short_stack());
    escape::seeded_bytes(*world, buffer, length);
    return static_cast<ssize_t>(length);
  }
  return syscall(SYS_getrandom, buffer, length, flags);
}

extern "C" int getentropy(void* buffer, size_t length) {
  if (world_state* world = world_state::current()) {
    world->report_escape(world_state::escape_kind::entropy,
                         std::string("getentropy() read OS entropy") + escape::entropy_fix,
                         escape::short_stack());
    escape::seeded_bytes(*world, buffer, length);
    return 0;
  }
  return static_cast<int>(syscall(SYS_getrandom, buffer, length, 0));
}

// std::random_device::operator() calls this out-of-line member.
unsigned int std::random_device::_M_getval() {
  if (world_state* world = world_state::current()) {
    world->report_escape(world_state::escape_kind::entropy,
                         std::string("std::random_device read OS entropy") + escape::entropy_fix,
                         escape::short_stack());
    return static_cast<unsigned int>(world->escape_entropy());
  }
  using getval = unsigned int (*)(std::random_device*);
  static const auto real = escape::next_definition<getval>("_ZNSt13random_device9_M_getvalEv");
  return real(this);
}

extern "C" int socket(int domain, int type, int protocol) noexcept {
  if (world_state* world = world_state::current()) {
    if (world->report_escape(world_state::escape_kind::socket,
                             "a real socket was opened (domain " + std::to_string(domain) +
                                 "); inside a simulation use moonpool::sim::tcp (socket, "
                                 "acceptor, resolver) and moonpool::sim::tcp_stream",
                             escape::short_stack())) {
      errno = EPERM;
      return -1;
    }
  }
  using socket_fn = int (*)(int, int, int);
  static const auto real = escape::next_definition<socket_fn>("socket");
  return real(domain, type, protocol);
}

extern "C" int pthread_create(pthread_t* thread, const pthread_attr_t* attributes,
                              void* (*start)(void*), void* argument) noexcept {
  if (world_state* world = world_state::current()) {
    if (world->report_escape(world_state::escape_kind::thread,
                             "a thread was started; a simulation runs on one thread, so its "
                             "schedule would escape the seed (look for std::thread, "
                             "boost::asio::thread_pool or a real resolver)",
                             escape::short_stack())) {
      return EPERM;
    }
  }
  using create_fn = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  static const auto real = escape::next_definition<create_fn>("pthread_create");
  return real(thread, attributes, start, argument);
}

namespace moonpool::sim::detail {
void link_escape_interposer() noexcept {}
}  // namespace moonpool::sim::detail
