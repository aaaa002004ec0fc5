#pragma once
// Socket options as a kernel keeps them: set_option stores the option's
// bytes under its (level, name), get_option reads them back (zero when
// never set). Sockets and acceptors share it; what an option changes in
// the simulation is decided by its owner (the socket honours linger 0).

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <cstring>
#include <map>
#include <string>
#include <utility>

namespace moonpool::sim::detail::net {

class socket_options {
 public:
  template <class SettableSocketOption>
  void set(const SettableSocketOption& option) {
    const auto protocol = boost::asio::ip::tcp::v4();
    values_[{option.level(protocol), option.name(protocol)}].assign(
        static_cast<const char*>(static_cast<const void*>(option.data(protocol))),
        option.size(protocol));
  }

  template <class GettableSocketOption>
  void get(GettableSocketOption& option) const {
    const auto protocol = boost::asio::ip::tcp::v4();
    std::size_t size = option.size(protocol);
    auto it = values_.find({option.level(protocol), option.name(protocol)});
    if (it == values_.end()) {
      std::memset(option.data(protocol), 0, size);
    } else {
      size = std::min(size, it->second.size());
      std::memcpy(option.data(protocol), it->second.data(), size);
    }
    option.resize(protocol, size);
  }

  // Whether `option` was set, and then its value read back into it.
  template <class GettableSocketOption>
  bool find(GettableSocketOption& option) const {
    const auto protocol = boost::asio::ip::tcp::v4();
    if (!values_.contains({option.level(protocol), option.name(protocol)})) {
      return false;
    }
    get(option);
    return true;
  }

 private:
  std::map<std::pair<int, int>, std::string> values_;
};

}  // namespace moonpool::sim::detail::net
