#pragma once
// sim-web: the items service of web-server (the same handlers.hpp,
// router.hpp, store.hpp and server.hpp) run as a moonpool Process through
// moonpool::sim::providers, under swarm network chaos, storage chaos and
// attrition, driven by three clients that each keep a model of their items.
//
// The model, per item a client created (and was told the id of):
//   * the quantity last acknowledged (201 or 200), values of writes whose
//     outcome is unknown (no answer, a damaged answer, 503), whether
//     "absent" is allowed (a delete of unknown outcome) or the only answer
//     (an acknowledged delete: a PUT never creates, so nothing brings the
//     item back). Sessions run concurrently on the server, so a request
//     whose answer was lost may still be applied after a later one: unknown
//     values stay possible for good.
//   * a read must return one of those: read-your-writes, and no
//     acknowledged write lost across graceful and crash reboots.
//   * a crash_and_wipe (the runner's "reboot" event on the timeline) loses
//     the disk, and with it every item and the id counter: the client
//     forgets every item it had, and ids issued before a wipe may be issued
//     again after it. Ids are otherwise never issued twice (checked across
//     clients, in the iteration's shared state).
//   * every status is one its route may answer, deliberately bad requests
//     get exactly their 400, 404 or 405, and ids never issued are 404.
//
// Network chaos flips bits; the service's end-to-end checksums
// (checksum.hpp) turn every damaged request into a 400 that applied
// nothing, and the client drops every answer whose checksum fails. sim-web
// requires a checksum on every request; web-server leaves it optional.
//
// Storage chaos: every fault kind but misdirected writes (store.hpp: a
// single-copy log cannot survive them), swarm-masked per seed.

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

#include "moonpool/assert.hpp"
#include "moonpool/sim.hpp"
#include "moonpool/sim/providers.hpp"
#include "moonpool/sim/runner.hpp"
#include "server.hpp"
#include "sim_web_main.hpp"

namespace sim_web {

namespace asio = boost::asio;
namespace http = boost::beast::http;
namespace sim = moonpool::sim;
using namespace std::chrono_literals;
using tcp = sim::tcp;
using service = web::service<sim::providers>;

inline constexpr std::uint16_t port = 8080;
inline constexpr auto run_duration = 20s;
inline constexpr std::size_t client_count = 3;
// Ids at and past this were never issued in a 20-second run.
inline constexpr std::uint64_t never_issued_id_min = 1'000'000'000;

struct WebProcess : sim::Process {
  explicit WebProcess(web::server_options o) : options_(o) {}
  std::string_view name() const override { return "web"; }

  asio::awaitable<void> run(sim::Context& ctx) override {
    sim::providers p{ctx};
    auto svc = std::make_shared<service>(p, options_);
    co_await svc->items.start();
    tcp::acceptor acceptor(p.get_executor(), {ctx.my_ip(), port});
    co_await web::accept_loop(svc, acceptor);
  }

 private:
  web::server_options options_;
};

// An answer whose checksum held.
struct reply {
  unsigned status = 0;
  std::string location;
  std::string body;

  [[nodiscard]] std::string error() const {
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(body, ec);
    const boost::json::object* o = ec ? nullptr : v.if_object();
    const boost::json::value* e = o != nullptr ? o->if_contains("error") : nullptr;
    return e != nullptr && e->is_string() ? std::string(e->get_string()) : std::string();
  }
  // The service refused the request as damaged in transit: nothing applied.
  [[nodiscard]] bool refused_as_damaged() const {
    const std::string e = error();
    return status == 400 && (e.find("X-Checksum") != std::string::npos ||
                             e.find("not valid HTTP") != std::string::npos);
  }
};

struct item_model {
  std::string name;
  std::optional<std::int64_t> acknowledged;
  std::set<std::int64_t> unknown;
  bool absent_allowed = false;
  bool deleted = false;
  std::uint64_t crashes_at_ack = 0;

  [[nodiscard]] bool allows_absent() const { return deleted || absent_allowed; }
  [[nodiscard]] bool allows(std::int64_t quantity) const {
    return !deleted && (acknowledged == quantity || unknown.contains(quantity));
  }
  [[nodiscard]] std::string describe() const {
    std::string text = "acknowledged ";
    text += acknowledged ? std::to_string(*acknowledged) : std::string("none");
    text += deleted ? ", deleted" : absent_allowed ? ", absent allowed" : "";
    text += ", unknown {";
    for (const std::int64_t v : unknown) {
      text += " " + std::to_string(v);
    }
    return text + " }";
  }
};

// Every id issued, with the number of wipes seen when it was issued.
using issued_ids = std::map<std::uint64_t, std::uint64_t>;

class Client : public sim::Workload {
 public:
  explicit Client(std::size_t index) : index_(index), name_("client-" + std::to_string(index)) {}
  std::string_view name() const override { return name_; }

  asio::awaitable<void> run(sim::Context& ctx) override;
  asio::awaitable<void> check(sim::Context& ctx) override;

 private:
  // Arguments by reference to the caller's named locals: g++ 12 may
  // destroy a temporary of a co_await expression twice.
  asio::awaitable<std::optional<reply>> call(sim::Context& ctx, http::verb method,
                                             const std::string& target, const std::string& body);
  void observe_reboots(sim::Context& ctx);
  asio::awaitable<void> create(sim::Context& ctx);
  asio::awaitable<bool> read(sim::Context& ctx, std::uint64_t id);
  asio::awaitable<void> replace(sim::Context& ctx, std::uint64_t id);
  asio::awaitable<void> remove(sim::Context& ctx, std::uint64_t id);
  asio::awaitable<void> read_missing(sim::Context& ctx);
  asio::awaitable<void> health(sim::Context& ctx);
  asio::awaitable<void> bad_request(sim::Context& ctx);
  std::optional<std::uint64_t> pick_item(sim::Context& ctx) const;
  std::int64_t next_quantity() { return static_cast<std::int64_t>(index_ * 1'000'000 + ++writes_); }

  std::size_t index_;
  std::string name_;
  std::map<std::uint64_t, item_model> items_;
  std::optional<tcp::socket> link_;
  boost::beast::flat_buffer buffer_;
  std::size_t timeline_cursor_ = 0;
  std::uint64_t wipes_ = 0;
  std::uint64_t crashes_ = 0;
  std::uint64_t writes_ = 0;
  std::uint64_t created_ = 0;
};

// A status outside the route's list fails the seed, naming it.
inline void expect_status(bool valid, const std::string& what, const reply& r) {
  MP_ALWAYS(valid, "web: every status is one its route may answer");
  if (!valid) {
    throw std::runtime_error(what + " answered " + std::to_string(r.status) + " " + r.body);
  }
}

inline void expect(bool holds, const std::string& story) {
  if (!holds) {
    throw std::runtime_error(story);
  }
}

}  // namespace sim_web

#include "sim_web_impl.hpp"
