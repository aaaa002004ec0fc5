#pragma once
// Deterministic TLS inside a simulation: OpenSSL 3.0 whose every random
// byte comes from the seed, with no wall time and no state carried from one
// seed to the next.
//
//   auto ssl = moonpool::sim::tls::context_for(moonpool::sim::tls::role::client);
//   ssl.add_certificate_authority(boost::asio::buffer(pki.ca_certificate_pem));
//   boost::beast::ssl_stream<moonpool::sim::tcp_stream> stream(executor, ssl);
//   moonpool::sim::tls::expect_host(stream, "https-0");   // SNI + hostname check
//   co_await stream.async_handshake(ssl::stream_base::client, use_awaitable);
//
// What is made deterministic, and how (docs/tls.md has the long form):
//
// * Randomness. context_for builds its SSL_CTX in an OpenSSL library
//   context of moonpool's own (one per process), whose random generators
//   (seed source, primary, public and private DRBG) are all one EVP_RAND of
//   an in-process provider. That generator keeps no state: it hands out
//   bytes from a stream owned by the current simulation (seeded from the
//   world's seed, made with the world and destroyed with it). Key shares,
//   hello randoms, signatures' nonces and session ids are therefore a
//   function of the seed, and nothing drawn in one seed is seen by another,
//   even when many seeds run in one process. Those bytes do not shift the
//   simulation's own random stream.
// * Resumption. No TLS 1.3 session tickets, no TLS 1.2 tickets, no session
//   cache: a handshake never depends on an earlier seed's (or an earlier
//   connection's) session.
// * Time. Certificates are checked at the simulated system time (the time
//   std::chrono::system_clock reads inside the simulation), never the wall
//   clock.
//
// Outside a simulation, context_for and make_test_pki throw
// std::logic_error, and a context made by them fails to draw random bytes
// (its handshake fails, with one line on stderr saying why). The default
// OpenSSL library context is left alone: an ssl::context made the ordinary
// way inside a simulation reads OS entropy, which the escape detector
// reports (the seed fails, naming getentropy()).
//
// This header and its library (moonpool::tls, linking OpenSSL) are separate
// from the core: moonpool/sim.hpp never includes OpenSSL.

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "moonpool/sim/runner/context.hpp"

using OSSL_LIB_CTX = struct ossl_lib_ctx_st;

namespace moonpool::sim::tls {

enum class role { client, server };

// A ready TLS context for use inside the current simulation: TLS 1.2 or
// 1.3, deterministic randomness, no session resumption, certificates checked
// at simulated time. A client context verifies its peer
// (ssl::verify_peer); add the authorities it trusts and call expect_host on
// each stream. A server context needs its certificate and key
// (use_certificate_chain, use_private_key). Every other
// boost::asio::ssl::context call works as usual.
//
// Call it from inside a simulation (a process, a workload, or a task of a
// world): outside one it throws std::logic_error. Make contexts per process
// boot or per workload, never in static storage shared by seeds.
[[nodiscard]] boost::asio::ssl::context context_for(role which);
// The same; the Context argument documents where it is made.
[[nodiscard]] boost::asio::ssl::context context_for(const Context& ctx, role which);

// moonpool's OpenSSL library context, for code that makes OpenSSL objects
// itself (keys, certificates, EVP operations): pass it to the *_ex functions
// so their randomness comes from the simulation too. Valid for the whole
// process; draws from it only inside a simulation.
[[nodiscard]] OSSL_LIB_CTX* library_context();

// Sets the name the client expects the server's certificate to carry (and
// sends it as SNI): the hostname check of a real client.
void expect_host(SSL* ssl, const std::string& host_name);
template <class Stream>
requires requires(Stream& s) {
  { s.native_handle() } -> std::convertible_to<SSL*>;
}
void expect_host(Stream& stream, const std::string& host_name) {
  expect_host(stream.native_handle(), host_name);
}

// A certificate authority and a server certificate signed by it (ECDSA
// P-256 keys, PEM), valid from one day before the simulated time of the call
// for `valid_days` days, for the DNS names given (the first is also the
// common name). Made with the simulation's randomness, so the same seed
// gives the same PEM bytes. For tests: no file, nothing checked in.
struct test_pki {
  std::string ca_certificate_pem;
  std::string certificate_pem;  // the server's certificate
  std::string private_key_pem;  // the server's key (PKCS#8)
};
[[nodiscard]] test_pki make_test_pki(const std::vector<std::string>& dns_names,
                                     int valid_days = 365);

// One test PKI per seed, shared by every process and workload of the
// iteration (kept in ctx.state(), keyed by the names): made by the first
// caller, returned to the others. A server process calls it at every boot,
// its clients in their run(); all get the same authority.
[[nodiscard]] std::shared_ptr<const test_pki> shared_test_pki(
    const Context& ctx, const std::vector<std::string>& dns_names);

// Loads a PEM private key into `context` through moonpool's library context,
// so that operations on it (RSA blinding, for one) draw simulated
// randomness. ssl::context::use_private_key decodes keys in OpenSSL's default
// context; that is fine for EC keys, whose use draws nothing at load time.
void use_private_key(boost::asio::ssl::context& context, const std::string& pem);

}  // namespace moonpool::sim::tls
