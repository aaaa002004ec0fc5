// moonpool/sim/tls.hpp: OpenSSL inside a simulation draws only from the
// seed, checks certificates at simulated time, and is refused outside a
// simulation. The negative twins show the mechanism is what makes it so:
// an ordinary ssl::context reads OS entropy (an escape), and gives other
// handshake bytes for the same seed.

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <string>

#include "moonpool/sim/detail/trace_kinds.hpp"
#include "moonpool/sim/tls.hpp"
#include "net/support/two_hosts.hpp"

namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace sim = moonpool::sim;
namespace tls = moonpool::sim::tls;
using moonpool::test::two_hosts;
using namespace std::chrono_literals;

enum class contexts { simulated, plain };

struct handshake_options {
  contexts kind = contexts::simulated;
  std::string expected_host = "server";
  int valid_days = 365;
  std::chrono::nanoseconds client_delay{0};
  sim::world_options world;
};

struct handshake_result {
  bool client_ok = false;
  std::string client_error;
  std::string echoed;
  std::string randoms;  // client and server hello randoms, hex
  std::string certificate_pem;
  std::string trace_hash;
};

std::string hex(const unsigned char* bytes, std::size_t length) {
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < length; ++i) {
    text += digits[bytes[i] >> 4];
    text += digits[bytes[i] & 15];
  }
  return text;
}

std::string hello_randoms(SSL* ssl) {
  unsigned char client[SSL3_RANDOM_SIZE];
  unsigned char server[SSL3_RANDOM_SIZE];
  SSL_get_client_random(ssl, client, sizeof client);
  SSL_get_server_random(ssl, server, sizeof server);
  return hex(client, sizeof client) + "/" + hex(server, sizeof server);
}

ssl::context make_context(contexts kind, tls::role role) {
  if (kind == contexts::simulated) {
    return tls::context_for(role);
  }
  ssl::context context(role == tls::role::client ? ssl::context::tls_client
                                                 : ssl::context::tls_server);
  if (role == tls::role::client) {
    context.set_verify_mode(ssl::verify_peer);
  }
  return context;
}

// A TLS server and client on two hosts: handshake, one echo, TLS shutdown.
handshake_result run_handshake(std::uint64_t seed, const handshake_options& options) {
  two_hosts net{seed, sim::network_config::fast_local(), options.world};
  handshake_result result;
  auto pki = std::make_shared<tls::test_pki>();
  net.spawn_on(net.server, "server", [&, pki]() -> asio::awaitable<void> {
    *pki = tls::make_test_pki({"server", "server.internal"}, options.valid_days);
    result.certificate_pem = pki->certificate_pem;
    auto context = make_context(options.kind, tls::role::server);
    context.use_certificate_chain(asio::buffer(pki->certificate_pem));
    tls::use_private_key(context, pki->private_key_pem);
    sim::tcp::acceptor acceptor(co_await asio::this_coro::executor, net.server_endpoint());
    ssl::stream<sim::tcp::socket> stream(co_await acceptor.async_accept(asio::use_awaitable),
                                         context);
    try {
      co_await stream.async_handshake(ssl::stream_base::server, asio::use_awaitable);
      std::string line(5, '\0');
      co_await asio::async_read(stream, asio::buffer(line), asio::use_awaitable);
      co_await asio::async_write(stream, asio::buffer(line), asio::use_awaitable);
      co_await stream.async_shutdown(asio::use_awaitable);
    } catch (const boost::system::system_error&) {
      // the client refused the certificate: nothing more to serve
    }
  });
  net.spawn_on(net.client, "client", [&, pki]() -> asio::awaitable<void> {
    co_await sim::sleep(1ms + options.client_delay);  // the server has made its PKI
    auto context = make_context(options.kind, tls::role::client);
    context.add_certificate_authority(asio::buffer(pki->ca_certificate_pem));
    ssl::stream<sim::tcp::socket> stream(co_await asio::this_coro::executor, context);
    tls::expect_host(stream, options.expected_host);
    co_await stream.next_layer().async_connect(net.server_endpoint(), asio::use_awaitable);
    try {
      co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
      result.randoms = hello_randoms(stream.native_handle());
      co_await asio::async_write(stream, asio::buffer(std::string("hello")), asio::use_awaitable);
      std::string line(5, '\0');
      co_await asio::async_read(stream, asio::buffer(line), asio::use_awaitable);
      result.echoed = line;
      co_await stream.async_shutdown(asio::use_awaitable);
      result.client_ok = true;
    } catch (const boost::system::system_error& e) {
      result.client_error = e.code().message();
      stream.next_layer().close();
    }
  });
  net.run_and_check();
  result.trace_hash = net.world.trace_hash();
  return result;
}

TEST(Tls, HandshakeEchoAndShutdownOverSimulatedTcp) {
  const auto result = run_handshake(7, {});
  EXPECT_TRUE(result.client_ok) << result.client_error;
  EXPECT_EQ(result.echoed, "hello");
  EXPECT_NE(result.certificate_pem.find("BEGIN CERTIFICATE"), std::string::npos);
}

// Readers of a trace see OpenSSL's draws by name (detail/trace_kinds.hpp).
TEST(Tls, RandomDrawsAreNamedTraceRecords) {
  const moonpool::sim::detail::trace_kind_info* info = moonpool::sim::detail::describe_trace_record(
      static_cast<moonpool::sim::trace_kind>(400), {32, 5, 0, 0}, "tls_random");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->name, "tls.random");
  EXPECT_EQ(info->fields[0].name, "bytes");
  EXPECT_TRUE(moonpool::sim::detail::trace_kind_problems().empty());
}

TEST(Tls, SameSeedSameBytesEvenAfterOtherSeedsInOneProcess) {
  const auto first = run_handshake(11, {});
  const auto other = run_handshake(12, {});
  const auto again = run_handshake(11, {});
  ASSERT_TRUE(first.client_ok) << first.client_error;
  EXPECT_EQ(first.randoms, again.randoms);
  EXPECT_EQ(first.certificate_pem, again.certificate_pem);
  EXPECT_EQ(first.trace_hash, again.trace_hash);
  EXPECT_NE(first.randoms, other.randoms);
  EXPECT_NE(first.certificate_pem, other.certificate_pem);
}

TEST(Tls, TheClientChecksTheServersName) {
  handshake_options options;
  options.expected_host = "server.internal";
  EXPECT_TRUE(run_handshake(3, options).client_ok);
  options.expected_host = "impostor";
  const auto result = run_handshake(3, options);
  EXPECT_FALSE(result.client_ok);
  EXPECT_NE(result.client_error.find("certificate verify failed"), std::string::npos)
      << result.client_error;
}

// The PKI is valid for one simulated day from 2026-01-01 (simulated): the
// wall clock is elsewhere, so only simulated time makes the first
// handshake pass and the second, two simulated days later, fail.
TEST(Tls, CertificatesAreCheckedAtSimulatedTime) {
  handshake_options options;
  options.valid_days = 1;
  const auto fresh = run_handshake(5, options);
  EXPECT_TRUE(fresh.client_ok) << fresh.client_error;
  options.client_delay = 48h;
  const auto late = run_handshake(5, options);
  EXPECT_FALSE(late.client_ok);
  EXPECT_NE(late.client_error.find("certificate verify failed"), std::string::npos)
      << late.client_error;
}

TEST(Tls, OutsideASimulationItIsRefused) {
  EXPECT_THROW((void)tls::context_for(tls::role::client), std::logic_error);
  EXPECT_THROW((void)tls::make_test_pki({"server"}), std::logic_error);
}

// Negative twin: OpenSSL's own generators seed themselves from the OS. In
// a fresh process (CTest runs each test in its own), the first handshake
// inside a simulation reads OS entropy, and the escape detector fails the
// seed naming the call.
TEST(Tls, PlainOpenSslInsideASimulationReadsOsEntropy) {
  handshake_options options;
  options.kind = contexts::plain;
  try {
    (void)run_handshake(9, options);
    FAIL() << "a plain OpenSSL handshake inside a simulation was not reported";
  } catch (const sim::escape_error& e) {
    EXPECT_NE(std::string(e.what()).find("getentropy() read OS entropy"), std::string::npos)
        << e.what();
  }
}

// Negative twin: with the escape only warned about, a plain context gives
// other handshake bytes when the same seed runs again: OpenSSL's generators
// carry their state from one seed to the next.
TEST(Tls, PlainOpenSslGivesOtherBytesForTheSameSeed) {
  handshake_options options;
  options.kind = contexts::plain;
  options.world.escapes = sim::escape_policy::warn;
  const auto first = run_handshake(9, options);
  const auto again = run_handshake(9, options);
  ASSERT_TRUE(first.client_ok) << first.client_error;
  EXPECT_NE(first.randoms, again.randoms);
}

}  // namespace
