// Production code shown beside its simulated twin goes into a namespace of
// its own: its names do not meet the simulation's, and its main() is an
// ordinary function here ([basic.start.main]: main is a reserved name only
// at global scope). Its headers come first, at global scope, so the
// snippet's own #include lines inside the namespace find them already
// included (tests/compat/compat_prelude.hpp does the same). So every
// header a production snippet includes must be in this list.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/write.hpp>
#include <csignal>
#include <moonpool/real/providers.hpp>

namespace production_SNIPPET_NAME {
