#pragma once
// sim-web's clients and builder (sim_web.hpp says what they check).

#include "sim_web.hpp"

namespace sim_web {

template <class Stream>
asio::awaitable<http::response<http::string_body>> exchange(
    Stream& stream, boost::beast::flat_buffer& buffer,
    const http::request<http::string_body>& req) {
  co_await http::async_write(stream, req, asio::use_awaitable);
  http::response<http::string_body> res;
  co_await http::async_read(stream, buffer, res, asio::use_awaitable);
  co_return res;
}

inline const std::string no_body;

inline boost::json::object parse_object(const std::string& body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) {
    throw std::runtime_error("an answer's body is not a JSON object: " + body);
  }
  return std::move(v.get_object());
}

inline std::string item_body(const std::string& name, std::int64_t quantity) {
  return boost::json::serialize(boost::json::object{{"name", name}, {"quantity", quantity}});
}

// Sends one request and returns its answer; nothing when the outcome is
// unknown (no connection, no answer in time, a damaged answer).
inline asio::awaitable<std::optional<reply>> Client::call(sim::Context& ctx, http::verb method,
                                                          const std::string& target,
                                                          const std::string& body) {
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "web");
  req.keep_alive(true);
  req.set(web::checksum_field, web::request_checksum(req.method_string(), target, body));
  req.body() = body;
  req.prepare_payload();
  http::response<http::string_body> res;
  const std::uint64_t wipes_at_start = wipes_;
  try {
    if (!link_) {
      tcp::socket s(ctx.get_executor());
      co_await sim::timeout(1s, s.async_connect({*ctx.peer("web"), port}, asio::use_awaitable));
      link_.emplace(std::move(s));
      buffer_.clear();
    }
    // A connection made after a wipe reaches the disk's new life, where
    // this request's id may name another client's item: hold it back. (A
    // connection made before the wipe died with it.)
    observe_reboots(ctx);
    if (wipes_ != wipes_at_start) {
      MP_REACHABLE("web: a request was held back across a wipe");
      co_return std::nullopt;
    }
    res = co_await sim::timeout(3s, exchange(*link_, buffer_, req));
  } catch (const boost::system::system_error&) {
    link_.reset();
    MP_REACHABLE("web: a request's outcome was unknown");
    co_return std::nullopt;
  }
  reply r{res.result_int(), std::string(res[http::field::location]), res.body()};
  if (res[web::checksum_field] != web::response_checksum(r.status, r.location, r.body)) {
    MP_REACHABLE("web: a damaged answer was dropped");
    link_.reset();
    co_return std::nullopt;
  }
  if (!res.keep_alive() || r.refused_as_damaged()) {
    link_.reset();  // the server closes it, or its framing may be off
  }
  co_return r;
}

inline void Client::observe_reboots(sim::Context& ctx) {
  const sim::timeline& events = ctx.timeline();
  for (const sim::timeline_event* e : events.since(timeline_cursor_)) {
    if (e->name != "reboot") {
      continue;
    }
    const std::string kind = e->get<std::string>("kind");
    if (kind == "crash_and_wipe") {
      // The disk is gone, and with it every item and the id counter.
      ++wipes_;
      items_.clear();
    } else if (kind == "crash") {
      ++crashes_;
    }
  }
  timeline_cursor_ = events.size();
}

inline std::optional<std::uint64_t> Client::pick_item(sim::Context& ctx) const {
  std::vector<std::uint64_t> live;
  for (const auto& [id, model] : items_) {
    if (!model.deleted) {
      live.push_back(id);
    }
  }
  if (live.empty()) {
    return std::nullopt;
  }
  return live[ctx.random().below(live.size())];
}

inline asio::awaitable<void> Client::create(sim::Context& ctx) {
  observe_reboots(ctx);
  const std::uint64_t wipes_before = wipes_;
  const std::string name = "item-" + std::to_string(index_) + "-" + std::to_string(writes_ + 1);
  const std::int64_t quantity = next_quantity();
  const std::string target = "/items";
  const std::string body = item_body(name, quantity);
  const std::optional<reply> r = co_await call(ctx, http::verb::post, target, body);
  observe_reboots(ctx);
  if (!r || r->refused_as_damaged()) {
    co_return;
  }
  expect_status(r->status == 201 || r->status == 503 || r->status == 507, "POST /items", *r);
  if (r->status != 201) {
    co_return;
  }
  const boost::json::object o = parse_object(r->body);
  const std::uint64_t id = o.at("id").to_number<std::uint64_t>();
  expect(o.at("name").as_string() == name &&
             o.at("quantity").to_number<std::int64_t>() == quantity &&
             r->location == "/items/" + std::to_string(id),
         "POST /items answered " + r->body + " with Location " + r->location);
  auto& issued = ctx.state().get_or_create<issued_ids>("web.issued_ids");
  if (wipes_ == wipes_before) {
    const auto it = issued.find(id);
    const bool fresh = it == issued.end() || it->second < wipes_;
    MP_ALWAYS(fresh, "web: an id is never issued twice");
    expect(fresh, "id " + std::to_string(id) + " was issued twice");
  }
  if (wipes_ != wipes_before) {
    // Issued by the disk's life before the wipe or after it: neither the
    // id nor the item can be placed, so neither is tracked.
    co_return;
  }
  issued[id] = wipes_;
  MP_REACHABLE("web: a client created an item");
  items_[id] = item_model{name, quantity, {}, false, false, crashes_};
  ++created_;
}

// True when the service answered and the answer was checked.
inline asio::awaitable<bool> Client::read(sim::Context& ctx, std::uint64_t id) {
  observe_reboots(ctx);
  const std::uint64_t wipes_before = wipes_;
  const std::string target = "/items/" + std::to_string(id);
  const std::optional<reply> r = co_await call(ctx, http::verb::get, target, no_body);
  observe_reboots(ctx);
  if (!r || r->refused_as_damaged() || wipes_ != wipes_before || !items_.contains(id)) {
    co_return !items_.contains(id);  // a forgotten item needs no answer
  }
  expect_status(r->status == 200 || r->status == 404 || r->status == 503, "GET /items/{id}", *r);
  if (r->status == 503) {
    co_return false;
  }
  const item_model& m = items_.at(id);
  const std::string story = "GET /items/" + std::to_string(id) + " answered " +
                            std::to_string(r->status) + " " + r->body + "; the model has " +
                            m.describe();
  if (r->status == 404) {
    MP_ALWAYS(m.allows_absent(), "web: a read returns what the model allows");
    expect(m.allows_absent(), story);
    co_return true;
  }
  const boost::json::object o = parse_object(r->body);
  const std::int64_t quantity = o.at("quantity").to_number<std::int64_t>();
  const bool allowed = o.at("id").to_number<std::uint64_t>() == id &&
                       o.at("name").as_string() == m.name && m.allows(quantity);
  MP_ALWAYS(allowed, "web: a read returns what the model allows");
  expect(allowed, story);
  MP_SOMETIMES(crashes_ > m.crashes_at_ack && m.acknowledged == quantity,
               "web: an acknowledged write read back after a crash reboot");
  co_return true;
}

inline asio::awaitable<void> Client::replace(sim::Context& ctx, std::uint64_t id) {
  observe_reboots(ctx);
  if (!items_.contains(id)) {
    co_return;
  }
  const std::int64_t quantity = next_quantity();
  items_.at(id).unknown.insert(quantity);
  const std::string body = item_body(items_.at(id).name, quantity);
  const std::uint64_t wipes_before = wipes_;
  const std::string target = "/items/" + std::to_string(id);
  const std::optional<reply> r = co_await call(ctx, http::verb::put, target, body);
  observe_reboots(ctx);
  if (!r || r->refused_as_damaged() || wipes_ != wipes_before || !items_.contains(id)) {
    co_return;
  }
  expect_status(r->status == 200 || r->status == 404 || r->status == 503 || r->status == 507,
                "PUT /items/{id}", *r);
  item_model& m = items_.at(id);
  const std::string story = "PUT /items/" + std::to_string(id) + " answered " +
                            std::to_string(r->status) + "; the model has " + m.describe();
  if (r->status == 200) {
    MP_ALWAYS(!m.deleted, "web: a write acts only on an item that exists");
    expect(!m.deleted, story);
    m.acknowledged = quantity;
    m.crashes_at_ack = crashes_;
  } else if (r->status == 404) {
    MP_ALWAYS(m.allows_absent(), "web: a read returns what the model allows");
    expect(m.allows_absent(), story);
    m.deleted = true;  // absent now, and nothing brings it back
  } else if (r->status == 507) {
    m.unknown.erase(quantity);  // refused before anything was written
  }
}

inline asio::awaitable<void> Client::remove(sim::Context& ctx, std::uint64_t id) {
  observe_reboots(ctx);
  if (!items_.contains(id)) {
    co_return;
  }
  const bool absent_before = items_.at(id).allows_absent();
  items_.at(id).absent_allowed = true;  // from now on, the delete may have happened
  const std::uint64_t wipes_before = wipes_;
  const std::string target = "/items/" + std::to_string(id);
  const std::optional<reply> r = co_await call(ctx, http::verb::delete_, target, no_body);
  observe_reboots(ctx);
  if (!r || r->refused_as_damaged() || wipes_ != wipes_before || !items_.contains(id)) {
    co_return;
  }
  expect_status(r->status == 204 || r->status == 404 || r->status == 503 || r->status == 507,
                "DELETE /items/{id}", *r);
  item_model& m = items_.at(id);
  const std::string story = "DELETE /items/" + std::to_string(id) + " answered " +
                            std::to_string(r->status) + "; the model has " + m.describe();
  if (r->status == 204) {
    MP_ALWAYS(!m.deleted, "web: a write acts only on an item that exists");
    expect(!m.deleted, story);
    m.deleted = true;
  } else if (r->status == 404) {
    MP_ALWAYS(absent_before, "web: a read returns what the model allows");
    expect(absent_before, story);
    m.deleted = true;
  } else if (r->status == 507) {
    m.absent_allowed = absent_before;
  }
}

inline asio::awaitable<void> Client::read_missing(sim::Context& ctx) {
  const std::uint64_t id = never_issued_id_min + ctx.random().below(1'000'000);
  const std::string target = "/items/" + std::to_string(id);
  const std::optional<reply> r = co_await call(ctx, http::verb::get, target, no_body);
  if (!r || r->refused_as_damaged()) {
    co_return;
  }
  expect_status(r->status == 404 || r->status == 503, "GET of an id never issued", *r);
  if (r->status == 404) {
    MP_REACHABLE("web: a read of a missing item got 404");
  }
}

inline asio::awaitable<void> Client::health(sim::Context& ctx) {
  const std::string target = "/health";
  const std::optional<reply> r = co_await call(ctx, http::verb::get, target, no_body);
  if (!r || r->refused_as_damaged()) {
    co_return;
  }
  expect_status(r->status == 200 || r->status == 503, "GET /health", *r);
}

inline asio::awaitable<void> Client::bad_request(sim::Context& ctx) {
  struct bad {
    http::verb method;
    const char* target;
    const char* body;
    unsigned status;
  };
  static constexpr std::array<bad, 6> cases{{
      {http::verb::post, "/items", "{\"name\": \"x\", \"quantity\": ", 400},
      {http::verb::post, "/items", "{\"name\": 5, \"quantity\": \"many\"}", 400},
      {http::verb::post, "/items", "{\"name\": \"x\", \"quantity\": 1, \"colour\": \"red\"}", 400},
      {http::verb::get, "/nothing-here", "", 404},
      {http::verb::patch, "/items", "", 405},
      {http::verb::delete_, "/health", "", 405},
  }};
  const bad& b = cases[ctx.random().below(cases.size())];
  const std::string target = b.target;
  const std::string body = b.body;
  const std::optional<reply> r = co_await call(ctx, b.method, target, body);
  if (!r || r->refused_as_damaged()) {
    co_return;
  }
  const bool right = r->status == b.status && !r->error().empty();
  MP_ALWAYS(right, "web: a bad request gets its 400, 404 or 405 with an error");
  expect(right, std::string(http::to_string(b.method)) + " " + b.target + " answered " +
                    std::to_string(r->status) + " " + r->body);
  MP_REACHABLE("web: a bad request was refused");
}

inline asio::awaitable<void> Client::run(sim::Context& ctx) {
  const auto end = ctx.now() + run_duration;
  while (ctx.now() < end) {
    const std::uint64_t roll = ctx.random().below(100);
    const std::optional<std::uint64_t> id = pick_item(ctx);
    if (roll < 30 || !id) {
      co_await create(ctx);
    } else if (roll < 55) {
      co_await read(ctx, *id);
    } else if (roll < 70) {
      co_await replace(ctx, *id);
    } else if (roll < 78) {
      co_await remove(ctx, *id);
    } else if (roll < 83) {
      co_await read_missing(ctx);
    } else if (roll < 87) {
      co_await health(ctx);
    } else {
      co_await bad_request(ctx);
    }
    // Now and then a pause past the server's idle limit (2 s).
    const bool long_pause = ctx.random().chance(0.02);
    co_await sim::sleep(long_pause ? 2500ms
                                   : std::chrono::milliseconds(ctx.random().between(5, 50)));
  }
}

// Every item reads back as the model allows, once the service answers.
inline asio::awaitable<void> Client::check(sim::Context& ctx) {
  observe_reboots(ctx);
  std::vector<std::uint64_t> ids;
  for (const auto& [id, model] : items_) {
    ids.push_back(id);
  }
  for (const std::uint64_t id : ids) {
    constexpr int attempts_max = 600;
    bool answered = false;
    for (int attempt = 0; attempt < attempts_max && !answered; ++attempt) {
      answered = co_await read(ctx, id);
      if (!answered) {
        co_await sim::sleep(100ms);
      }
    }
    expect(answered, "the service did not answer a read of item " + std::to_string(id) + " in " +
                         std::to_string(attempts_max) + " attempts");
  }
  MP_SOMETIMES(created_ > 0, "web: items were created and tracked");
  link_.reset();  // lets the server's session end
}

int run(int argc, char** argv, const char* name, bool ack_before_sync) {
  // A single-copy log cannot survive misdirected writes (store.hpp).
  sim::storage_chaos_config faults;
  faults.misdirected_writes = false;
  sim::attrition_config attrition;
  attrition.graceful_weight = 1.0;
  attrition.crash_weight = 2.0;
  attrition.crash_and_wipe_weight = 0.25;
  attrition.interval_min = 1s;
  attrition.interval_max = 4s;
  attrition.recovery_min = 100ms;
  attrition.recovery_max = 2s;
  attrition.grace_min = 10ms;
  attrition.grace_max = 500ms;
  web::server_options options;
  options.idle_limit = 2s;
  options.handler.require_request_checksum = true;
  options.storage.storage_operation_limit = 500ms;
  options.storage.ack_before_sync = ack_before_sync;
  sim::SimulationBuilder builder;
  builder.name(name)
      .iterations(100)
      .processes(1, [options] { return std::make_unique<WebProcess>(options); })
      .chaos_duration(run_duration)
      .enable_chaos({sim::chaos::network(sim::chaos_mode::swarm),
                     sim::chaos::storage(sim::chaos_mode::swarm, faults),
                     sim::chaos::attrition(attrition)});
  for (std::size_t i = 0; i < client_count; ++i) {
    builder.workload([i] { return std::make_unique<Client>(i); });
  }
  return sim::run_main(argc, argv, builder);
}

}  // namespace sim_web
