#pragma once
// Which resource a request target names. Pure: no I/O, no state.
//
//   /health        health
//   /items         items (the collection)
//   /items/{id}    item, id a decimal in [1, 2^64) without sign or leading 0
//
// A query string is ignored. Anything else, and /items/{id} with an id
// that cannot exist (/items/abc, /items/0, /items/007), is not_found.

#include <charconv>
#include <cstdint>
#include <string_view>

namespace web {

enum class resource : std::uint8_t { health, items, item, not_found };

struct route {
  resource what = resource::not_found;
  std::uint64_t id = 0;  // for resource::item
};

inline std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

inline route match(std::string_view target) {
  const std::string_view path = path_of(target);
  if (path == "/health") {
    return {resource::health};
  }
  if (path == "/items" || path == "/items/") {
    return {resource::items};
  }
  constexpr std::string_view prefix = "/items/";
  if (!path.starts_with(prefix)) {
    return {};
  }
  const std::string_view digits = path.substr(prefix.size());
  if (digits.empty() || digits.front() == '0') {
    return {};
  }
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc{} || end != digits.data() + digits.size()) {
    return {};
  }
  return {resource::item, id};
}

// The methods a resource answers (the Allow header of a 405).
inline std::string_view allowed_methods(resource r) {
  switch (r) {
    case resource::health:
      return "GET";
    case resource::items:
      return "POST";
    case resource::item:
      return "GET, PUT, DELETE";
    case resource::not_found:
      break;
  }
  return "";
}

}  // namespace web
