#pragma once
// A length-prefixed message service, in a correct and a naive version.
//
// Wire format: a 4-byte big-endian length, then that many payload bytes.
// The server answers each message with its payload reversed, framed the
// same way. The client sends messages of random sizes one at a time and
// checks every answer.
//
// The naive server assumes that one read returns exactly one whole message.
// That holds on loopback with small messages most of the time, which is
// why the bug ships; partial reads break it.

#include <array>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <string>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace framing {

namespace asio = boost::asio;
using tcp = moonpool::sim::tcp;

inline std::array<unsigned char, 4> encode_length(std::size_t length) {
  return {static_cast<unsigned char>(length >> 24), static_cast<unsigned char>(length >> 16),
          static_cast<unsigned char>(length >> 8), static_cast<unsigned char>(length)};
}

inline std::size_t decode_length(const unsigned char* bytes) {
  return (std::size_t{bytes[0]} << 24) | (std::size_t{bytes[1]} << 16) |
         (std::size_t{bytes[2]} << 8) | std::size_t{bytes[3]};
}

template <class Stream>
asio::awaitable<void> write_message(Stream& stream, const std::string& payload) {
  const auto header = encode_length(payload.size());
  const std::array<asio::const_buffer, 2> frame{asio::buffer(header), asio::buffer(payload)};
  co_await asio::async_write(stream, frame, asio::use_awaitable);
}

// Correct: read exactly the header, then exactly the payload.
template <class Stream>
asio::awaitable<std::string> read_message(Stream& stream) {
  std::array<unsigned char, 4> header{};
  co_await asio::async_read(stream, asio::buffer(header), asio::use_awaitable);
  std::string payload(decode_length(header.data()), '\0');
  co_await asio::async_read(stream, asio::buffer(payload), asio::use_awaitable);
  co_return payload;
}

// Naive: one read_some is taken to be one whole message.
template <class Stream>
asio::awaitable<std::string> read_message_naively(Stream& stream) {
  std::string chunk(64 * 1024, '\0');
  const std::size_t n = co_await stream.async_read_some(asio::buffer(chunk), asio::use_awaitable);
  if (n < 4) {
    co_return std::string();
  }
  co_return chunk.substr(4, n - 4);
}

template <bool Naive, class Stream>
asio::awaitable<void> serve_connection(Stream stream) {
  try {
    for (;;) {
      std::string request =
          Naive ? co_await read_message_naively(stream) : co_await read_message(stream);
      std::string reply(request.rbegin(), request.rend());
      co_await write_message(stream, reply);
    }
  } catch (const boost::system::system_error&) {
    // The client went away (eof, reset): this connection is done.
  }
}

template <bool Naive>
struct Server : moonpool::sim::Process {
  std::string_view name() const override { return "server"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    tcp::acceptor acceptor(ctx.get_executor(), {ctx.my_ip(), 7000});
    for (;;) {
      tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
      moonpool::sim::spawn(ctx.get_executor(), "session", serve_connection<Naive>(std::move(peer)))
          .detach();
    }
  }
};

struct Client : moonpool::sim::Workload {
  std::string_view name() const override { return "client"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    tcp::socket socket(ctx.get_executor());
    co_await socket.async_connect({*ctx.peer("server"), 7000}, asio::use_awaitable);
    for (int i = 0; i < 40; ++i) {
      std::string message(1 + ctx.random().below(3000), '\0');
      for (char& c : message) {
        c = static_cast<char>('a' + ctx.random().below(26));
      }
      co_await write_message(socket, message);
      const std::string reply =
          co_await moonpool::sim::timeout(std::chrono::seconds(10), read_message(socket));
      const bool correct = reply == std::string(message.rbegin(), message.rend());
      MP_ALWAYS(correct, "every reply is its request reversed");
      if (!correct) {
        throw std::runtime_error("message " + std::to_string(i) + " of " +
                                 std::to_string(message.size()) + " bytes got a wrong reply of " +
                                 std::to_string(reply.size()) + " bytes");
      }
    }
  }
};

// Latency plus partial reads and writes, nothing else: the two versions
// differ only in how they frame.
inline moonpool::sim::network_config partial_io_network() {
  moonpool::sim::network_config config;
  config.partial_read_probability = 0.3;
  config.partial_write_probability = 0.3;
  return config;
}

template <bool Naive>
int run(int argc, char** argv, const char* name) {
  moonpool::sim::SimulationBuilder sim;
  sim.name(name)
      .iterations(100)
      .network(partial_io_network())
      .processes(1, [] { return std::make_unique<Server<Naive>>(); })
      .workload([] { return std::make_unique<Client>(); });
  return moonpool::sim::run_main(argc, argv, sim);
}

}  // namespace framing
