// The world's storage-facing methods, kept here so that the runtime layer
// (src/sim/world.cpp) does not depend on storage.

#include "moonpool/sim/host.hpp"
#include "moonpool/sim/storage/detail/disk.hpp"
#include "moonpool/sim/world.hpp"

namespace moonpool::sim {

void world::set_storage_config(const storage_config& config) {
  detail::fs::storage_of(*state_).set_config(config);
}

void world::set_storage_config(const host& h, const storage_config& config) {
  detail::fs::storage_of(*state_).set_config(h.record(), config);
}

const storage_config& world::current_storage_config() {
  return detail::fs::storage_of(*state_).config();
}

void world::shutdown_storage(const host& h) {
  if (auto* d = detail::fs::storage_of(*state_).find_disk(h.record())) {
    d->shutdown();
  }
}

void world::crash_storage(const host& h) {
  if (auto* d = detail::fs::storage_of(*state_).find_disk(h.record())) {
    d->crash();
  }
}

void world::wipe_storage(const host& h) {
  if (auto* d = detail::fs::storage_of(*state_).find_disk(h.record())) {
    d->wipe();
  }
}

storage_fault_counts world::storage_faults() {
  return detail::fs::storage_of(*state_).fault_counts();
}

}  // namespace moonpool::sim
