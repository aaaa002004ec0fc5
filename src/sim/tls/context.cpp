// moonpool::sim::tls::context_for and its helpers: SSL contexts in
// moonpool's library context, without resumption, checking certificates at
// simulated time.

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <chrono>
#include <memory>
#include <stdexcept>

#include "moonpool/sim/detail/world_state.hpp"
#include "moonpool/sim/tls.hpp"
#include "randomness.hpp"

namespace moonpool::sim::tls {
namespace {

using sim::detail::world_state;

// Replaces X509_verify_cert's own clock (time(), or whatever the C library
// reads) with the simulated system time, explicitly, so that certificate
// validity never depends on the wall clock or on how OpenSSL reads time.
int verify_at_simulated_time(X509_STORE_CTX* store, void*) {
  if (world_state::current() == nullptr) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  const auto now = std::chrono::system_clock::now();  // simulated inside a world
  X509_STORE_CTX_set_time(store, 0, std::chrono::system_clock::to_time_t(now));
  return X509_verify_cert(store);
}

std::string openssl_errors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(code, line, sizeof line);
    text += text.empty() ? "" : "; ";
    text += line;
  }
  return text.empty() ? "no OpenSSL error recorded" : text;
}

void require(int ok, const char* what) {
  if (ok != 1) {
    throw std::runtime_error(std::string("moonpool::sim::tls: ") + what + ": " + openssl_errors());
  }
}

}  // namespace

OSSL_LIB_CTX* library_context() {
  // One per process, never freed, like OpenSSL's default context: it keeps
  // no randomness of its own (provider.cpp), only providers and caches of
  // fetched algorithms, the same in every seed.
  static OSSL_LIB_CTX* const library = detail::make_simulated_library();
  return library;
}

boost::asio::ssl::context context_for(role which) {
  if (world_state::current() == nullptr) {
    throw std::logic_error(
        "moonpool::sim::tls::context_for called outside a simulation: make TLS contexts inside a "
        "process's or workload's run() (or a task of a world), where OpenSSL's randomness can "
        "come from the seed");
  }
  SSL_CTX* handle =
      SSL_CTX_new_ex(library_context(), nullptr,
                     which == role::client ? TLS_client_method() : TLS_server_method());
  if (handle == nullptr) {
    throw std::runtime_error("moonpool::sim::tls: SSL_CTX_new_ex failed: " + openssl_errors());
  }
  boost::asio::ssl::context context(handle);  // owns the handle from here
  require(SSL_CTX_set_min_proto_version(handle, TLS1_2_VERSION), "SSL_CTX_set_min_proto_version");
  SSL_CTX_set_options(handle, SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
  // Resumption would carry a session (and its ticket keys, drawn when the
  // context was made) from one connection to the next: off, on both sides.
  require(SSL_CTX_set_num_tickets(handle, 0), "SSL_CTX_set_num_tickets");
  SSL_CTX_set_session_cache_mode(handle, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_cert_verify_callback(handle, verify_at_simulated_time, nullptr);
  if (which == role::client) {
    context.set_verify_mode(boost::asio::ssl::verify_peer);
  }
  return context;
}

boost::asio::ssl::context context_for(const Context&, role which) {
  return context_for(which);
}

void expect_host(SSL* ssl, const std::string& host_name) {
  require(SSL_set_tlsext_host_name(ssl, host_name.c_str()) == 1 ? 1 : 0, "SNI");
  require(SSL_set1_host(ssl, host_name.c_str()), "SSL_set1_host");
}

void use_private_key(boost::asio::ssl::context& context, const std::string& pem) {
  const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  require(bio != nullptr ? 1 : 0, "BIO_new_mem_buf");
  const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey_ex(bio.get(), nullptr, nullptr, nullptr, library_context(), nullptr),
      &EVP_PKEY_free);
  require(key != nullptr ? 1 : 0, "PEM_read_bio_PrivateKey_ex");
  require(SSL_CTX_use_PrivateKey(context.native_handle(), key.get()), "SSL_CTX_use_PrivateKey");
}

}  // namespace moonpool::sim::tls
