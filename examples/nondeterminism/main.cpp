// sim-pointer-order-bug: a simulation that is not deterministic, and how
// --check-determinism finds the leak.
//
// A notifier keeps its subscribers in a std::unordered_set of pointers and
// notifies them by walking the set. The walk's order is the order of the
// subscribers' addresses modulo the bucket count: it changes with what the
// heap looked like, not with the seed. Every seed passes, and a seed run
// again (in this process or another) may take another path: the failing
// seed a user pastes no longer fails. --check-determinism runs each seed
// twice and names the first event where the runs part:
//
//   build/bin/sim-pointer-order-bug --iterations 20                        # passes
//   build/bin/sim-pointer-order-bug --iterations 20 --check-determinism    # fails, naming
//       the first "task_spawned" record whose subscriber differs
//
// The fix is any order the program chooses: a std::set of ids, a vector in
// subscription order, or std::map<std::uint64_t, subscriber*>.

#include <array>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;

namespace {

// Subscribers come in kinds of different sizes, as real ones do. That
// matters: an allocator that hands out each size from its own region in
// order (AddressSanitizer's does) gives the same relative layout every run
// for objects of one size, but the distance between two regions moves with
// everything allocated before, so the walk's order still changes.
struct subscriber {
  virtual ~subscriber() = default;
  std::string name;
  int received = 0;
};
struct email_subscriber : subscriber {
  std::array<char, 64> address{};
};
struct webhook_subscriber : subscriber {
  std::array<char, 512> url{};
};

std::unique_ptr<subscriber> make_subscriber(std::uint64_t kind, std::string name) {
  std::unique_ptr<subscriber> made;
  switch (kind) {
    case 0:
      made = std::make_unique<subscriber>();
      break;
    case 1:
      made = std::make_unique<email_subscriber>();
      break;
    default:
      made = std::make_unique<webhook_subscriber>();
      break;
  }
  made->name = std::move(name);
  return made;
}

asio::awaitable<void> deliver(subscriber* s) {
  co_await moonpool::sim::sleep(std::chrono::milliseconds(1));
  ++s->received;
}

struct NotifierWorkload : moonpool::sim::Workload {
  std::string_view name() const override { return "notifier"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    std::vector<std::unique_ptr<subscriber>> owned;
    std::vector<std::unique_ptr<std::string>> noise;  // other allocations in between
    std::unordered_set<subscriber*> subscribers;      // the bug: ordered by address
    const std::uint64_t count = 8 + ctx.random().below(8);
    for (std::uint64_t i = 0; i < count; ++i) {
      owned.push_back(make_subscriber(ctx.random().below(3), "subscriber-" + std::to_string(i)));
      noise.push_back(std::make_unique<std::string>(ctx.random().below(200), 'x'));
      subscribers.insert(owned.back().get());
    }
    for (int round = 0; round < 3; ++round) {
      std::vector<moonpool::sim::join_handle<void>> deliveries;
      for (subscriber* s : subscribers) {
        deliveries.push_back(
            moonpool::sim::spawn(ctx.get_executor(), "notify " + s->name, deliver(s)));
      }
      for (auto& d : deliveries) {
        co_await d.async_join(asio::use_awaitable);
      }
    }
    for (const auto& s : owned) {
      MP_ALWAYS(s->received == 3, "every subscriber is notified every round");
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  moonpool::sim::SimulationBuilder sim;
  sim.name("pointer-order-bug").iterations(20).workload([] {
    return std::make_unique<NotifierWorkload>();
  });
  return moonpool::sim::run_main(argc, argv, sim);
}
