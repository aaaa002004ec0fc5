// An OpenSSL provider with one random generator, MOONPOOL-SIM, that keeps
// no state of its own: every byte it produces comes from a stream owned by
// the simulation running on this thread (a service of the world's
// io_context, seeded from the world's seed and destroyed with the world).
//
// Why stateless: OpenSSL's own DRBGs carry state from one request to the
// next, and their nonces mix in the process id, the time and addresses.
// Reseeding them per seed would still let one seed's state leak into the
// next; a generator with nothing to leak cannot. Why a provider: since
// OpenSSL 3.0, a library context's seed source and DRBGs are chosen by name
// (RAND_set_seed_source_type, RAND_set_DRBG_type) among the algorithms of
// its providers, and OSSL_PROVIDER_add_builtin registers an in-process one.

#include <openssl/core.h>
#include <openssl/core_dispatch.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include <boost/asio/execution_context.hpp>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>

#include "moonpool/sim/detail/trace_kinds.hpp"
#include "moonpool/sim/detail/world_state.hpp"
#include "moonpool/sim/random.hpp"
#include "randomness.hpp"

namespace moonpool::sim::tls::detail {
namespace {

using sim::detail::world_state;

// The TLS stream of one world. Its own stream, so that TLS draws never
// shift the simulation stream (and with it latencies and faults).
class world_tls_stream final : public boost::asio::execution_context::service {
 public:
  static inline boost::asio::execution_context::id id;

  explicit world_tls_stream(boost::asio::execution_context& owner) : service(owner) {}

  // Called once, by the first draw of the world that owns this service.
  void start(std::uint64_t seed) noexcept {
    stream_.reseed(seed);
    started_ = true;
  }
  [[nodiscard]] bool started() const noexcept { return started_; }

  // Returns a digest of the bytes, for the trace.
  std::uint64_t fill(unsigned char* out, std::size_t length) noexcept {
    std::uint64_t digest = length;
    for (std::size_t i = 0; i < length; i += 8) {
      const std::uint64_t word = stream_.next_u64();
      std::memcpy(out + i, &word, std::min<std::size_t>(8, length - i));
      digest = mix64(digest ^ word);
    }
    return digest;
  }

 private:
  void shutdown() override {}
  random_stream stream_;
  bool started_ = false;
};

constexpr std::uint64_t tls_salt = 0x6D6F6F6E746C7321ULL;  // "moontls!"

// Trace kinds from 400 up belong to TLS. Every draw is a record (fields:
// byte count, a digest of the bytes), so trace_hash covers what OpenSSL
// drew even when the bytes on the wire keep their sizes.
constexpr auto trace_tls_random = static_cast<sim::trace_kind>(400);
// For readers of a trace (detail/trace_kinds.hpp); the label only repeats
// the name.
constexpr moonpool::sim::detail::trace_kind_info tls_kinds[] = {
    {trace_tls_random, "tls.random", {"bytes", "digest"}, ""}};
const moonpool::sim::detail::trace_kinds_registrar tls_kinds_registered{tls_kinds};

world_tls_stream& stream_of(world_state& world) {
  auto& stream = boost::asio::use_service<world_tls_stream>(world.context());
  if (!stream.started()) {
    stream.start(mix64(world.seed() ^ tls_salt));
  }
  return stream;
}

// --- the EVP_RAND implementation ------------------------------------------------

struct generator {
  int state = EVP_RAND_STATE_UNINITIALISED;
};

constexpr unsigned int strength_bits = 256;
constexpr std::size_t max_request_bytes = 1 << 16;

void* rand_newctx(void*, void*, const OSSL_DISPATCH*) {
  return new (std::nothrow) generator;
}
void rand_freectx(void* vctx) {
  delete static_cast<generator*>(vctx);
}

int rand_instantiate(void* vctx, unsigned int, int, const unsigned char*, std::size_t,
                     const OSSL_PARAM[]) {
  static_cast<generator*>(vctx)->state = EVP_RAND_STATE_READY;
  return 1;
}
int rand_uninstantiate(void* vctx) {
  static_cast<generator*>(vctx)->state = EVP_RAND_STATE_UNINITIALISED;
  return 1;
}
int rand_generate(void*, unsigned char* out, std::size_t length, unsigned int, int,
                  const unsigned char*, std::size_t) {
  return draw(out, length) ? 1 : 0;
}
// Nothing to reseed: the bytes are the simulation's.
int rand_reseed(void*, int, const unsigned char*, std::size_t, const unsigned char*, std::size_t) {
  return 1;
}
// As the seed source of a DRBG (OpenSSL asks for one even when the DRBGs
// are ours).
std::size_t rand_get_seed(void*, unsigned char** out, int, std::size_t min_length, std::size_t, int,
                          const unsigned char*, std::size_t) {
  auto* buffer = static_cast<unsigned char*>(OPENSSL_malloc(min_length));
  if (buffer == nullptr || !draw(buffer, min_length)) {
    OPENSSL_free(buffer);
    return 0;
  }
  *out = buffer;
  return min_length;
}
void rand_clear_seed(void*, unsigned char* buffer, std::size_t length) {
  OPENSSL_clear_free(buffer, length);
}
// One thread runs a simulation; OpenSSL still asks primary DRBGs for locks.
int rand_enable_locking(void*) {
  return 1;
}
int rand_lock(void*) {
  return 1;
}
void rand_unlock(void*) {}

const OSSL_PARAM* rand_gettable_ctx_params(void*, void*) {
  static const OSSL_PARAM gettable[] = {OSSL_PARAM_int(OSSL_RAND_PARAM_STATE, nullptr),
                                        OSSL_PARAM_uint(OSSL_RAND_PARAM_STRENGTH, nullptr),
                                        OSSL_PARAM_size_t(OSSL_RAND_PARAM_MAX_REQUEST, nullptr),
                                        OSSL_PARAM_END};
  return gettable;
}
int rand_get_ctx_params(void* vctx, OSSL_PARAM params[]) {
  OSSL_PARAM* p = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_STATE);
  if (p != nullptr && !OSSL_PARAM_set_int(p, static_cast<generator*>(vctx)->state)) {
    return 0;
  }
  p = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_STRENGTH);
  if (p != nullptr && !OSSL_PARAM_set_uint(p, strength_bits)) {
    return 0;
  }
  p = OSSL_PARAM_locate(params, OSSL_RAND_PARAM_MAX_REQUEST);
  if (p != nullptr && !OSSL_PARAM_set_size_t(p, max_request_bytes)) {
    return 0;
  }
  return 1;
}
int rand_verify_zeroization(void*) {
  return 1;
}

#define MOONPOOL_FN(f) reinterpret_cast<void (*)(void)>(f)
const OSSL_DISPATCH rand_functions[] = {
    {OSSL_FUNC_RAND_NEWCTX, MOONPOOL_FN(static_cast<OSSL_FUNC_rand_newctx_fn*>(rand_newctx))},
    {OSSL_FUNC_RAND_FREECTX, MOONPOOL_FN(static_cast<OSSL_FUNC_rand_freectx_fn*>(rand_freectx))},
    {OSSL_FUNC_RAND_INSTANTIATE,
     MOONPOOL_FN(static_cast<OSSL_FUNC_rand_instantiate_fn*>(rand_instantiate))},
    {OSSL_FUNC_RAND_UNINSTANTIATE,
     MOONPOOL_FN(static_cast<OSSL_FUNC_rand_uninstantiate_fn*>(rand_uninstantiate))},
    {OSSL_FUNC_RAND_GENERATE, MOONPOOL_FN(static_cast<OSSL_FUNC_rand_generate_fn*>(rand_generate))},
    {OSSL_FUNC_RAND_RESEED, MOONPOOL_FN(static_cast<OSSL_FUNC_rand_reseed_fn*>(rand_reseed))},
    {OSSL_FUNC_RAND_GET_SEED, MOONPOOL_FN(static_cast<OSSL_FUNC_rand_get_seed_fn*>(rand_get_seed))},
    {OSSL_FUNC_RAND_CLEAR_SEED,
     MOONPOOL_FN(static_cast<OSSL_FUNC_rand_clear_seed_fn*>(rand_clear_seed))},
    {OSSL_FUNC_RAND_ENABLE_LOCKING,
     MOONPOOL_FN(static_cast<OSSL_FUNC_rand_enable_locking_fn*>(rand_enable_locking))},
    {OSSL_FUNC_RAND_LOCK, MOONPOOL_FN(static_cast<OSSL_FUNC_rand_lock_fn*>(rand_lock))},
    {OSSL_FUNC_RAND_UNLOCK, MOONPOOL_FN(static_cast<OSSL_FUNC_rand_unlock_fn*>(rand_unlock))},
    {OSSL_FUNC_RAND_GETTABLE_CTX_PARAMS,
     MOONPOOL_FN(static_cast<OSSL_FUNC_rand_gettable_ctx_params_fn*>(rand_gettable_ctx_params))},
    {OSSL_FUNC_RAND_GET_CTX_PARAMS,
     MOONPOOL_FN(static_cast<OSSL_FUNC_rand_get_ctx_params_fn*>(rand_get_ctx_params))},
    {OSSL_FUNC_RAND_VERIFY_ZEROIZATION,
     MOONPOOL_FN(static_cast<OSSL_FUNC_rand_verify_zeroization_fn*>(rand_verify_zeroization))},
    {0, nullptr}};

constexpr const char* provider_name = "moonpool-sim";
constexpr const char* rand_name = "MOONPOOL-SIM";
constexpr const char* rand_properties = "provider=moonpool-sim";

const OSSL_ALGORITHM rands[] = {{rand_name, rand_properties, rand_functions, "moonpool simulation"},
                                {nullptr, nullptr, nullptr, nullptr}};

const OSSL_ALGORITHM* provider_query(void*, int operation, int* no_cache) {
  *no_cache = 0;
  return operation == OSSL_OP_RAND ? rands : nullptr;
}
void provider_teardown(void*) {}

const OSSL_DISPATCH provider_functions[] = {
    {OSSL_FUNC_PROVIDER_QUERY_OPERATION,
     MOONPOOL_FN(static_cast<OSSL_FUNC_provider_query_operation_fn*>(provider_query))},
    {OSSL_FUNC_PROVIDER_TEARDOWN,
     MOONPOOL_FN(static_cast<OSSL_FUNC_provider_teardown_fn*>(provider_teardown))},
    {0, nullptr}};
#undef MOONPOOL_FN

int provider_init(const OSSL_CORE_HANDLE*, const OSSL_DISPATCH*, const OSSL_DISPATCH** out,
                  void** provider_context) {
  *out = provider_functions;
  *provider_context = nullptr;
  return 1;
}

[[noreturn]] void fail(OSSL_LIB_CTX* library, const char* step) {
  OSSL_LIB_CTX_free(library);
  throw std::runtime_error(std::string("moonpool::sim::tls: could not set up OpenSSL (") + step +
                           ")");
}

}  // namespace

bool draw(unsigned char* out, std::size_t length) {
  world_state* world = world_state::current();
  if (world == nullptr) {
    std::fputs(
        "moonpool::sim::tls: OpenSSL asked moonpool's library context for random bytes outside "
        "a simulation; make and use TLS contexts inside one (a process, a workload, or a task "
        "of a world)\n",
        stderr);
    return false;
  }
  const std::uint64_t digest = stream_of(*world).fill(out, length);
  world->trace(trace_tls_random, {length, digest, 0, 0}, "tls_random");
  return true;
}

OSSL_LIB_CTX* make_simulated_library() {
  OSSL_LIB_CTX* library = OSSL_LIB_CTX_new();
  if (library == nullptr) {
    throw std::bad_alloc();
  }
  if (OSSL_PROVIDER_add_builtin(library, provider_name, provider_init) != 1) {
    fail(library, "OSSL_PROVIDER_add_builtin");
  }
  if (OSSL_PROVIDER_load(library, provider_name) == nullptr) {
    fail(library, "loading the moonpool-sim provider");
  }
  if (OSSL_PROVIDER_load(library, "default") == nullptr) {
    fail(library, "loading the default provider");
  }
  // Before anything asks this context for randomness: the generators are
  // chosen when first made.
  if (RAND_set_seed_source_type(library, rand_name, rand_properties) != 1) {
    fail(library, "RAND_set_seed_source_type");
  }
  if (RAND_set_DRBG_type(library, rand_name, rand_properties, nullptr, nullptr) != 1) {
    fail(library, "RAND_set_DRBG_type");
  }
  return library;
}

}  // namespace moonpool::sim::tls::detail
