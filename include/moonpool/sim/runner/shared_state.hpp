#pragma once
// Per-iteration typed state shared by processes, workloads and invariants
// (e.g. what a workload believes it has written, for a check to compare).

#include <any>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace moonpool::sim {

class shared_state {
 public:
  template <class T>
  void publish(std::string key, T value) {
    values_[std::move(key)] = std::move(value);
  }

  // A copy of the value if present and of type T.
  template <class T>
  [[nodiscard]] std::optional<T> get(std::string_view key) const {
    auto it = values_.find(key);
    if (it == values_.end()) {
      return std::nullopt;
    }
    if (const T* value = std::any_cast<T>(&it->second)) {
      return *value;
    }
    return std::nullopt;
  }

  // The stored value for in-place updates; default-constructed on first use.
  template <class T>
  T& get_or_create(const std::string& key) {
    auto& slot = values_[key];
    if (!slot.has_value()) {
      slot = T{};
    }
    return std::any_cast<T&>(slot);
  }

 private:
  std::map<std::string, std::any, std::less<>> values_;
};

}  // namespace moonpool::sim
