#include <boost/asio/execution_context.hpp>

#include "moonpool/sim/storage/detail/disk.hpp"

namespace moonpool::sim::detail::fs {
namespace {

class storage_service : public boost::asio::execution_context::service {
 public:
  using key_type = storage_service;
  static inline boost::asio::execution_context::id id;
  explicit storage_service(boost::asio::execution_context& context)
      : boost::asio::execution_context::service(context),
        system_(boost::asio::use_service<world_service>(context).state()) {}
  storage_system& get() noexcept { return system_; }

 private:
  void shutdown() override {}
  storage_system system_;
};

}  // namespace

storage_system& storage_of(world_state& state) {
  return boost::asio::use_service<storage_service>(state.context()).get();
}

storage_system::storage_system(world_state& state) : state_(state) {
  // A hung disk operation is what a deadlock waits on: name it.
  state_.add_wait_describer([this](std::uint64_t op_id) {
    for (const auto& [id, d] : disks_) {
      if (std::string hung = d->describe_hung(op_id); !hung.empty()) {
        return hung;
      }
    }
    return std::string();
  });
}

const storage_config& storage_system::config_for(const host_record& host) const {
  auto it = overrides_.find(host.id);
  return it == overrides_.end() ? config_ : it->second;
}

disk& storage_system::disk_of(host_record& host) {
  auto [it, inserted] = disks_.try_emplace(host.id);
  if (inserted) {
    it->second = std::make_unique<disk>(state_, host, &config_for(host));
  }
  return *it->second;
}

disk* storage_system::find_disk(const host_record& host) {
  auto it = disks_.find(host.id);
  return it == disks_.end() ? nullptr : it->second.get();
}

void storage_system::set_config(const storage_config& config) {
  config.validate();
  config_ = config;  // disks keep pointing at config_
}

void storage_system::set_config(host_record& host, const storage_config& config) {
  config.validate();
  storage_config& slot = overrides_[host.id];
  slot = config;
  disk_of(host).set_config(&slot);
}

storage_fault_counts storage_system::fault_counts() const {
  storage_fault_counts total;
  for (const auto& [id, d] : disks_) {
    total += d->faults();
  }
  return total;
}

}  // namespace moonpool::sim::detail::fs
