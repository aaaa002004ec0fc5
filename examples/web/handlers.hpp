#pragma once
// What the service answers to one request: routing, validation, the
// store's operation, and the response. A template over the store only; it
// does no I/O of its own.
//
//   GET    /health       200 {"status":"ok","items":N}, 503 while the store recovers
//   POST   /items        201 item + Location: /items/{id}; 400 invalid body
//   GET    /items/{id}   200 item, 404
//   PUT    /items/{id}   200 item, 404 (a PUT never creates: ids are the
//                        server's to give, so that none is ever reused), 400
//   DELETE /items/{id}   204, 404
//   anything else        404 unknown path, 405 (with Allow) wrong method
//   storage failure      503 (the write's outcome is unknown), 507 log full
//
// Every error has the body {"error": "..."}. Every response carries
// X-Checksum (checksum.hpp).

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "checksum.hpp"
#include "item.hpp"
#include "moonpool/assert.hpp"
#include "router.hpp"
#include "store.hpp"

namespace web {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

struct handler_options {
  // Refuse requests without X-Checksum (the simulation's clients always
  // send one; curl does not).
  bool require_request_checksum = false;
};

inline response make_response(const request& req, http::status status, std::string body,
                              std::string_view location = {}) {
  response res{status, req.version()};
  res.keep_alive(req.keep_alive());
  if (!body.empty()) {
    res.set(http::field::content_type, "application/json");
  }
  if (!location.empty()) {
    res.set(http::field::location, location);
  }
  res.set(checksum_field, response_checksum(static_cast<unsigned>(status), location, body));
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

inline response error_response(const request& req, http::status status, std::string_view message) {
  return make_response(req, status, error_body(message));
}

// A refusal when the request's checksum is wrong (or missing and required).
inline std::optional<response> refuse_damaged(const request& req, const handler_options& o) {
  const auto field = req.find(checksum_field);
  if (field == req.end()) {
    if (o.require_request_checksum) {
      return error_response(req, http::status::bad_request, "X-Checksum is required");
    }
    return std::nullopt;
  }
  if (field->value() != request_checksum(req.method_string(), req.target(), req.body())) {
    MP_REACHABLE("web: a damaged request was refused");
    return error_response(req, http::status::bad_request, "X-Checksum does not match the request");
  }
  return std::nullopt;
}

inline response method_not_allowed(const request& req, resource r) {
  response res = error_response(req, http::status::method_not_allowed, "method not allowed");
  res.set(http::field::allow, allowed_methods(r));
  return res;
}

template <class Store>
asio::awaitable<response> handle_health(Store& store, const request& req) {
  if (req.method() != http::verb::get) {
    co_return method_not_allowed(req, resource::health);
  }
  if (!store.ready()) {
    co_return error_response(req, http::status::service_unavailable, "recovering");
  }
  boost::json::object body{{"status", "ok"}, {"items", store.size()}};
  co_return make_response(req, http::status::ok, boost::json::serialize(body));
}

template <class Store>
asio::awaitable<response> handle_create(Store& store, const request& req) {
  if (req.method() != http::verb::post) {
    co_return method_not_allowed(req, resource::items);
  }
  auto parsed = parse_item(req.body());
  if (const invalid* bad = std::get_if<invalid>(&parsed)) {
    co_return error_response(req, http::status::bad_request, bad->reason);
  }
  const item i = std::get<item>(std::move(parsed));
  const std::uint64_t id = co_await store.create(i);
  MP_REACHABLE("web: an item was created");
  co_return make_response(req, http::status::created, serialize_item(id, i),
                          "/items/" + std::to_string(id));
}

template <class Store>
asio::awaitable<response> handle_item(Store& store, const request& req, std::uint64_t id) {
  const auto missing = [&] { return error_response(req, http::status::not_found, "no such item"); };
  switch (req.method()) {
    case http::verb::get: {
      const std::optional<item> found = co_await store.get(id);
      if (!found) {
        co_return missing();
      }
      co_return make_response(req, http::status::ok, serialize_item(id, *found));
    }
    case http::verb::put: {
      auto parsed = parse_item(req.body());
      if (const invalid* bad = std::get_if<invalid>(&parsed)) {
        co_return error_response(req, http::status::bad_request, bad->reason);
      }
      const item i = std::get<item>(std::move(parsed));
      const bool replaced = co_await store.replace(id, i);
      if (!replaced) {
        co_return missing();
      }
      co_return make_response(req, http::status::ok, serialize_item(id, i));
    }
    case http::verb::delete_: {
      const bool removed = co_await store.remove(id);
      if (!removed) {
        co_return missing();
      }
      co_return make_response(req, http::status::no_content, std::string());
    }
    default:
      co_return method_not_allowed(req, resource::item);
  }
}

template <class Store>
asio::awaitable<response> route_request(Store& store, const request& req) {
  const route r = match(req.target());
  switch (r.what) {
    case resource::health:
      co_return co_await handle_health(store, req);
    case resource::items:
      co_return co_await handle_create(store, req);
    case resource::item:
      co_return co_await handle_item(store, req, r.id);
    case resource::not_found:
      break;
  }
  co_return error_response(
      req, http::status::not_found,
      r.what == resource::not_found && path_of(req.target()).starts_with("/items/")
          ? "no such item"
          : "no such path");
}

// The response to `req`. Storage failures become 503 and 507 here; only a
// shutdown (operation_aborted) escapes.
template <class Store>
asio::awaitable<response> handle(Store& store, const request& req, const handler_options& o) {
  if (std::optional<response> refused = refuse_damaged(req, o)) {
    co_return std::move(*refused);
  }
  std::optional<std::string> failure;
  http::status failure_status = http::status::service_unavailable;
  try {
    co_return co_await route_request(store, req);
  } catch (const storage_failure& e) {
    failure = std::string("storage failure: ") + e.what();
  } catch (const log_full& e) {
    failure = e.what();
    failure_status = http::status::insufficient_storage;
  }
  co_return error_response(req, failure_status, *failure);
}

}  // namespace web
