#pragma once
// An item of the service, and the rules its JSON must follow.
//
//   {"name": "bolts", "quantity": 12}
//
// `name` is a string of 1 to name_bytes_max bytes; `quantity` an integer
// that fits in 64 signed bits (a number with a fraction or an exponent is
// refused, so that 1e3 and 1000.0 do not silently become 1000). Both are
// required and no other field is accepted: a typo ("quantiy") is an error,
// not an ignored field. The service adds `id` when it answers.

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace web {

inline constexpr std::size_t name_bytes_max = 200;

struct item {
  std::string name;
  std::int64_t quantity = 0;
  friend bool operator==(const item&, const item&) = default;
};

// What is wrong with a body, in words a client can act on.
struct invalid {
  std::string reason;
};

inline std::variant<item, invalid> parse_item(std::string_view body) {
  boost::system::error_code ec;
  const boost::json::value json = boost::json::parse(body, ec);
  if (ec) {
    return invalid{"the body is not valid JSON"};
  }
  const boost::json::object* object = json.if_object();
  if (object == nullptr) {
    return invalid{"the body must be a JSON object"};
  }
  for (const auto& field : *object) {
    if (field.key() != "name" && field.key() != "quantity") {
      return invalid{"unknown field '" + std::string(field.key()) + "'"};
    }
  }
  const boost::json::value* name = object->if_contains("name");
  const boost::json::value* quantity = object->if_contains("quantity");
  if (name == nullptr || quantity == nullptr) {
    return invalid{"'name' and 'quantity' are required"};
  }
  if (!name->is_string()) {
    return invalid{"'name' must be a string"};
  }
  const boost::json::string& text = name->get_string();
  if (text.empty() || text.size() > name_bytes_max) {
    return invalid{"'name' must have 1 to 200 bytes"};
  }
  if (quantity->is_int64()) {
    return item{std::string(text), quantity->get_int64()};
  }
  if (quantity->is_uint64()) {
    return invalid{"'quantity' must fit in a signed 64-bit integer"};
  }
  return invalid{"'quantity' must be an integer"};
}

inline boost::json::object item_fields(const item& i) {
  return {{"name", i.name}, {"quantity", i.quantity}};
}

// The stored form (no id: the log record carries it).
inline std::string serialize_item(const item& i) {
  return boost::json::serialize(item_fields(i));
}

// The answered form.
inline std::string serialize_item(std::uint64_t id, const item& i) {
  boost::json::object object = item_fields(i);
  object["id"] = id;
  return boost::json::serialize(object);
}

inline std::string error_body(std::string_view message) {
  return boost::json::serialize(boost::json::object{{"error", message}});
}

}  // namespace web
