// A certificate authority and a server certificate made inside a
// simulation, with its randomness and at its time: nothing to check in,
// nothing that expires in the wall-clock world.

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <memory>
#include <stdexcept>

#include "moonpool/sim/detail/world_state.hpp"
#include "moonpool/sim/tls.hpp"

namespace moonpool::sim::tls {
namespace {

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using certificate_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

void require(bool ok, const char* what) {
  if (!ok) {
    char line[256] = "no OpenSSL error recorded";
    if (const unsigned long code = ERR_get_error()) {
      ERR_error_string_n(code, line, sizeof line);
    }
    ERR_clear_error();
    throw std::runtime_error(std::string("moonpool::sim::tls::make_test_pki: ") + what + ": " +
                             line);
  }
}

key_ptr make_key() {
  key_ptr key(EVP_PKEY_Q_keygen(library_context(), nullptr, "EC", "P-256"), &EVP_PKEY_free);
  require(key != nullptr, "EC P-256 key generation");
  return key;
}

void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX v3;
  X509V3_set_ctx(&v3, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
  require(extension != nullptr, "X509V3_EXT_conf_nid");
  const int added = X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
  require(added == 1, "X509_add_ext");
}

// A certificate for `subject_key`, signed by `issuer_key` (self-signed when
// `issuer` is null), valid from a day before the simulated now.
certificate_ptr make_certificate(EVP_PKEY* subject_key, const std::string& common_name,
                                 const std::string& alt_names, X509* issuer, EVP_PKEY* issuer_key,
                                 int valid_days) {
  certificate_ptr certificate(X509_new_ex(library_context(), nullptr), &X509_free);
  require(certificate != nullptr, "X509_new_ex");
  X509* c = certificate.get();
  require(X509_set_version(c, X509_VERSION_3) == 1, "X509_set_version");
  unsigned char serial[16];
  require(RAND_bytes_ex(library_context(), serial, sizeof serial, 0) == 1, "serial number");
  serial[0] &= 0x7F;  // positive
  BIGNUM* serial_number = BN_bin2bn(serial, sizeof serial, nullptr);
  require(serial_number != nullptr && BN_to_ASN1_INTEGER(serial_number, X509_get_serialNumber(c)),
          "serial number");
  BN_free(serial_number);

  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::time_t at = now;
  require(X509_time_adj_ex(X509_getm_notBefore(c), -1, 0, &at) != nullptr, "notBefore");
  at = now;
  require(X509_time_adj_ex(X509_getm_notAfter(c), valid_days, 0, &at) != nullptr, "notAfter");

  X509_NAME* name = X509_get_subject_name(c);
  require(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("moonpool test"), -1,
                                     -1, 0) == 1,
          "subject");
  require(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(common_name.c_str()),
                                     -1, -1, 0) == 1,
          "subject");
  require(X509_set_issuer_name(c, issuer != nullptr ? X509_get_subject_name(issuer) : name) == 1,
          "issuer");
  require(X509_set_pubkey(c, subject_key) == 1, "X509_set_pubkey");
  add_extension(c, issuer != nullptr ? issuer : c, NID_subject_key_identifier, "hash");
  if (issuer == nullptr) {
    add_extension(c, c, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(c, c, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(c, issuer, NID_authority_key_identifier, "keyid:always");
    add_extension(c, issuer, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(c, issuer, NID_key_usage, "critical,digitalSignature");
    add_extension(c, issuer, NID_ext_key_usage, "serverAuth");
    // subjectAltName is what hostname checks read.
    add_extension(c, issuer, NID_subject_alt_name, alt_names.c_str());
  }
  require(X509_sign(c, issuer_key, EVP_sha256()) > 0, "X509_sign");
  return certificate;
}

std::string to_pem(X509* certificate) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  require(bio != nullptr && PEM_write_bio_X509(bio.get(), certificate) == 1, "PEM_write_bio_X509");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string to_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  require(bio != nullptr &&
              PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "PEM_write_bio_PrivateKey");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

test_pki make_test_pki(const std::vector<std::string>& dns_names, int valid_days) {
  if (sim::detail::world_state::current() == nullptr) {
    throw std::logic_error(
        "moonpool::sim::tls::make_test_pki called outside a simulation: its keys and dates come "
        "from the simulation");
  }
  if (dns_names.empty() || valid_days <= 0) {
    throw std::invalid_argument(
        "moonpool::sim::tls::make_test_pki: needs at least one DNS name and valid_days > 0");
  }
  std::string alt_names;
  for (const auto& dns_name : dns_names) {
    alt_names += (alt_names.empty() ? "DNS:" : ",DNS:") + dns_name;
  }
  const key_ptr ca_key = make_key();
  const certificate_ptr ca =
      make_certificate(ca_key.get(), "moonpool test CA", {}, nullptr, ca_key.get(), valid_days);
  const key_ptr server_key = make_key();
  const certificate_ptr server = make_certificate(server_key.get(), dns_names.front(), alt_names,
                                                  ca.get(), ca_key.get(), valid_days);
  return test_pki{to_pem(ca.get()), to_pem(server.get()), to_pem(server_key.get())};
}

std::shared_ptr<const test_pki> shared_test_pki(const Context& ctx,
                                                const std::vector<std::string>& dns_names) {
  std::string key = "moonpool.tls.test_pki";
  for (const auto& dns_name : dns_names) {
    key += ":" + dns_name;
  }
  auto& slot = ctx.state().get_or_create<std::shared_ptr<const test_pki>>(key);
  if (!slot) {
    slot = std::make_shared<const test_pki>(make_test_pki(dns_names));
  }
  return slot;
}

}  // namespace moonpool::sim::tls
