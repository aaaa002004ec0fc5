#pragma once
// The chaos surfaces a simulation can enable, each in `random` mode (every
// fault family on, values drawn per seed) or `swarm` mode (random, then whole
// fault families switched off per seed from the configuration stream, so
// that some seeds test the system under few kinds of fault at once).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace moonpool::sim {

enum class chaos_mode : std::uint8_t { random, swarm };

// Where attrition picks its victims: one process, every process of one
// machine, or every process of one zone.
enum class attrition_scope : std::uint8_t { process, machine, zone };

struct attrition_config {
  // At most this many processes down at once; 0 disables attrition.
  std::size_t max_dead = 1;
  // Relative weights of the reboot kinds.
  double graceful_weight = 1.0;
  double crash_weight = 1.0;
  double crash_and_wipe_weight = 0.0;
  attrition_scope scope = attrition_scope::process;
  // Pause between two attrition decisions.
  std::chrono::nanoseconds interval_min = std::chrono::seconds(1);
  std::chrono::nanoseconds interval_max = std::chrono::seconds(5);
  // How long a rebooted process stays down.
  std::chrono::nanoseconds recovery_min = std::chrono::seconds(1);
  std::chrono::nanoseconds recovery_max = std::chrono::seconds(10);
  // How long a graceful shutdown may take before the process is killed.
  std::chrono::nanoseconds grace_min = std::chrono::seconds(2);
  std::chrono::nanoseconds grace_max = std::chrono::seconds(5);

  // Throws std::invalid_argument naming the first bad field.
  void validate() const;
};

// The storage fault kinds chaos::storage may turn on. A store that cannot
// survive a kind by design leaves it out (a log kept in one copy cannot
// survive misdirected writes, which overwrite records it already synced),
// and says why.
struct storage_chaos_config {
  bool read_corruption = true;
  bool write_corruption = true;
  bool torn_writes = true;
  bool misdirected_writes = true;
  bool misdirected_reads = true;
  bool phantom_writes = true;
  bool sync_failures = true;
  bool no_space = true;
  bool hangs = true;
  bool stalls = true;
  bool throttles = true;
};

struct chaos_surface {
  enum class kind : std::uint8_t { network, attrition, buggify_knobs, storage };
  kind surface;
  chaos_mode mode = chaos_mode::random;
  attrition_config attrition{};
  storage_chaos_config storage{};
};

namespace chaos {
inline chaos_surface network(chaos_mode mode = chaos_mode::random) {
  return {chaos_surface::kind::network, mode, {}};
}
inline chaos_surface attrition(attrition_config config = {}, chaos_mode mode = chaos_mode::random) {
  return {chaos_surface::kind::attrition, mode, config};
}
inline chaos_surface buggify_knobs() {
  return {chaos_surface::kind::buggify_knobs, {}, {}};
}
// Every disk gets storage_config::random_for_seed(seed): latencies and
// throughput drawn per seed, and each allowed fault kind on with a drawn
// probability. Swarm mode then switches each kind off for about half of the
// seeds (configuration stream). Faults stop when chaos ends; latencies stay.
inline chaos_surface storage(chaos_mode mode = chaos_mode::random,
                             storage_chaos_config allowed = {}) {
  return {chaos_surface::kind::storage, mode, {}, allowed};
}
}  // namespace chaos

enum class reboot_kind : std::uint8_t { graceful, crash, crash_and_wipe };
[[nodiscard]] std::string_view to_string(reboot_kind kind) noexcept;

}  // namespace moonpool::sim
