#pragma once
// The event timeline of one iteration: structured events that user code
// appends with one call, and that invariants query.
//
//   ctx.timeline().emit("leader_elected", {{"term", term}, {"node", "kv-1"}});
//   auto leaders = timeline.named("leader_elected");

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace moonpool::sim {

using timeline_value = std::variant<std::int64_t, double, bool, std::string>;

struct timeline_event {
  std::uint64_t sequence = 0;  // order within the iteration
  std::chrono::nanoseconds time{0};
  std::string source;  // the emitting process or workload
  std::string name;
  std::map<std::string, timeline_value, std::less<>> fields;

  // The field's value as T, or `fallback` when absent or of another type.
  template <class T>
  [[nodiscard]] T get(std::string_view key, T fallback = {}) const {
    auto it = fields.find(key);
    if (it == fields.end()) {
      return fallback;
    }
    if (const T* value = std::get_if<T>(&it->second)) {
      return *value;
    }
    return fallback;
  }
};

class timeline {
 public:
  struct field {
    std::string key;
    timeline_value value;
    field(std::string k, std::int64_t v) : key(std::move(k)), value(v) {}
    field(std::string k, int v) : key(std::move(k)), value(std::int64_t{v}) {}
    field(std::string k, std::uint64_t v)
        : key(std::move(k)), value(static_cast<std::int64_t>(v)) {}
    field(std::string k, double v) : key(std::move(k)), value(v) {}
    field(std::string k, bool v) : key(std::move(k)), value(v) {}
    field(std::string k, const char* v) : key(std::move(k)), value(std::string(v)) {}
    field(std::string k, std::string v) : key(std::move(k)), value(std::move(v)) {}
  };

  void emit(std::chrono::nanoseconds time, std::string source, std::string name,
            std::initializer_list<field> fields);

  [[nodiscard]] const std::vector<timeline_event>& events() const noexcept { return events_; }
  [[nodiscard]] std::size_t size() const noexcept { return events_.size(); }
  // Events with this name, in order.
  [[nodiscard]] std::vector<const timeline_event*> named(std::string_view name) const;
  // Events appended at or after `cursor` (an index: pass the previous size()).
  [[nodiscard]] std::vector<const timeline_event*> since(std::size_t cursor) const;
  [[nodiscard]] std::size_t count(std::string_view name) const;

 private:
  std::vector<timeline_event> events_;
};

}  // namespace moonpool::sim
