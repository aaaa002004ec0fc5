#include "moonpool/sim/runner/timeline.hpp"

namespace moonpool::sim {

void timeline::emit(std::chrono::nanoseconds time, std::string source, std::string name,
                    std::initializer_list<field> fields) {
  timeline_event event;
  event.sequence = events_.size();
  event.time = time;
  event.source = std::move(source);
  event.name = std::move(name);
  for (const field& f : fields) {
    event.fields.insert_or_assign(f.key, f.value);
  }
  events_.push_back(std::move(event));
}

std::vector<const timeline_event*> timeline::named(std::string_view name) const {
  std::vector<const timeline_event*> out;
  for (const timeline_event& e : events_) {
    if (e.name == name) {
      out.push_back(&e);
    }
  }
  return out;
}

std::vector<const timeline_event*> timeline::since(std::size_t cursor) const {
  std::vector<const timeline_event*> out;
  for (std::size_t i = cursor; i < events_.size(); ++i) {
    out.push_back(&events_[i]);
  }
  return out;
}

std::size_t timeline::count(std::string_view name) const {
  std::size_t n = 0;
  for (const timeline_event& e : events_) {
    n += e.name == name ? 1 : 0;
  }
  return n;
}

}  // namespace moonpool::sim
