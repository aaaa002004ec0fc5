// web-server: the items service (handlers.hpp, store.hpp, server.hpp) on
// real TCP and real files, through moonpool::real::providers. sim-web runs
// the very same templates through moonpool::sim::providers.
//
//   web-server --port 8080 --data /var/lib/items
//
// Listens on 127.0.0.1 (--port 0 picks a free port), recovers the log under
// --data first, then prints "listening on 127.0.0.1:PORT" on stdout. SIGINT
// and SIGTERM stop it: it stops accepting and exits 0 (every acknowledged
// write is already synced, so stopping at any point loses nothing). Usage
// errors: one line on stderr, exit status 2.

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>

#include "moonpool/real/providers.hpp"
#include "server.hpp"

namespace {

namespace asio = boost::asio;
using providers = moonpool::real::providers;
using tcp = providers::tcp;

struct command_line {
  unsigned port = 8080;
  std::string data;
  double idle_timeout_seconds = 30;
};

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') {
      c = ' ';
    }
  }
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
  return text;
}

// 0 to go on, or the exit status.
int parse(int argc, char** argv, command_line& line) {
  CLI::App app{"web-server: the items REST service on 127.0.0.1 (examples/web, docs/web.md)"};
  app.add_option("--port", line.port, "TCP port on 127.0.0.1; 0 picks a free one")
      ->check(CLI::Range(0U, 65535U))
      ->capture_default_str();
  app.add_option("--data", line.data, "directory of the write-ahead log (created if missing)")
      ->required()
      ->check(CLI::NonexistentPath | CLI::ExistingDirectory);
  app.add_option("--idle-timeout", line.idle_timeout_seconds,
                 "seconds a connection may wait for its next whole request")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return -1;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "web-server: %s\n", one_line(e.what()).c_str());
    return 2;
  }
  if (line.data.empty()) {
    std::fprintf(stderr, "web-server: --data: the directory must not be empty\n");
    return 2;
  }
  return 0;
}

asio::awaitable<void> serve(std::shared_ptr<web::service<providers>> svc, tcp::acceptor& acceptor,
                            unsigned port) {
  co_await svc->items.start();
  const tcp::endpoint where{asio::ip::make_address_v4("127.0.0.1"),
                            static_cast<unsigned short>(port)};
  boost::system::error_code ec;
  acceptor.open(where.protocol(), ec);
  if (!ec) {
    acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(where, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port) + ": " +
                             ec.message());
  }
  std::printf("listening on 127.0.0.1:%u\n",
              static_cast<unsigned>(acceptor.local_endpoint().port()));
  std::fflush(stdout);
  co_await web::accept_loop(svc, acceptor);
}

}  // namespace

int main(int argc, char** argv) {
  command_line line;
  if (const int status = parse(argc, argv, line); status != 0) {
    return status < 0 ? 0 : status;
  }
  try {
    asio::io_context io;
    providers p{io, line.data};
    web::server_options options;
    options.idle_limit = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(line.idle_timeout_seconds));
    auto svc = std::make_shared<web::service<providers>>(p, options);
    tcp::acceptor acceptor(io);
    int exit_status = 0;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
      if (!ec) {
        std::fprintf(stderr, "web-server: stopping on %s\n",
                     signal == SIGINT ? "SIGINT" : "SIGTERM");
        boost::system::error_code ignored;
        acceptor.close(ignored);
        io.stop();
      }
    });
    asio::co_spawn(io, serve(svc, acceptor, line.port), [&](const std::exception_ptr& error) {
      if (error) {
        std::fprintf(stderr, "web-server: %s\n",
                     one_line(moonpool::describe_exception(error)).c_str());
        exit_status = 1;
        io.stop();
      }
    });
    io.run();
    return exit_status;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "web-server: %s\n", one_line(e.what()).c_str());
    return 1;
  }
}
