#include "moonpool/sim/runner/context.hpp"

#include "moonpool/sim/net/network_config.hpp"
#include "moonpool/sim/world.hpp"

namespace moonpool::sim {

std::vector<boost::asio::ip::address> Context::process_ips() const {
  std::vector<boost::asio::ip::address> ips;
  for (const actor_info& a : *all_) {
    if (a.is_process) {
      ips.push_back(a.ip);
    }
  }
  return ips;
}

std::optional<boost::asio::ip::address> Context::peer(std::string_view name) const {
  for (const actor_info& a : *all_) {
    if (a.name == name) {
      return a.ip;
    }
  }
  return std::nullopt;
}

std::string_view Context::tag(std::string_view key) const {
  auto it = self_->tags.find(key);
  return it == self_->tags.end() ? std::string_view() : std::string_view(it->second);
}

std::vector<boost::asio::ip::address> Context::ips_with_tag(std::string_view key,
                                                            std::string_view value) const {
  std::vector<boost::asio::ip::address> ips;
  for (const actor_info& a : *all_) {
    auto it = a.tags.find(key);
    if (it != a.tags.end() && it->second == value) {
      ips.push_back(a.ip);
    }
  }
  return ips;
}

const network_config& Context::network_config() const {
  return world_->current_network_config();
}
random_stream& Context::random() const {
  return world_->random();
}
std::chrono::nanoseconds Context::now() const {
  return world_->now();
}

bool Context::operation_enabled(std::size_t index) const {
  if (!swarm_operations_) {
    return true;
  }
  const std::uint64_t k = index;
  const std::uint64_t rotated = (k << 32) | (k >> 32);
  return (mix64(world_->seed() ^ 0x6F706D61736B7372ULL ^ rotated) >> 63) != 0;  // "opmasksr"
}

std::vector<std::size_t> Context::enabled_operations(std::size_t count) const {
  std::vector<std::size_t> enabled;
  for (std::size_t i = 0; i < count; ++i) {
    if (operation_enabled(i)) {
      enabled.push_back(i);
    }
  }
  if (enabled.empty()) {
    for (std::size_t i = 0; i < count; ++i) {
      enabled.push_back(i);
    }
  }
  return enabled;
}

void Context::emit(std::string name, std::initializer_list<timeline::field> fields) const {
  events_->emit(world_->now(), self_->name, std::move(name), fields);
}

}  // namespace moonpool::sim
