// sim-crash-demo: user code that kills its own process, and a run that
// survives it.
//
// A small job service: a client sends jobs (one line each), a server
// answers each with a line. The server has the five fatal bugs that end
// real test runs, each on a rare path chosen by the job's content:
//
//   job kind "lookup"   a null dereference (a job id missing from the index)
//   job kind "check"    abort() from a failed internal check
//   job kind "reload"   std::exit(3) from a "fatal" configuration path
//   job kind "spin"     a retry loop that never awaits (a handler that never
//                       returns)
//   job kind "drain"    a catch-all around a sleep that fails at once after
//                       its task is aborted (a loop through the event queue
//                       at one simulated instant)
//
// About one seed in twelve sends one of them. A plain run stops at the first
// crashing seed, names it with a replay command, and leaves a valid JSON
// report marked incomplete; with --isolate every seed runs in its own
// process, each crash is a failing seed with its signal or status, and the
// run goes on:
//
//   build/bin/sim-crash-demo --iterations 200                 # stops at the first crash
//   build/bin/sim-crash-demo --isolate --seed-timeout 2 --iterations 200 --report-json r.json

#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "moonpool/sim.hpp"
#include "moonpool/sim/runner.hpp"

namespace asio = boost::asio;
using tcp = moonpool::sim::tcp;

namespace {

struct job_record {
  std::size_t size = 0;
};

// The server's index of known jobs. lookup() returns null for an id it
// does not know, and one code path forgets to check.
class job_index {
 public:
  void add(int id, std::size_t size) { jobs_[id] = std::make_unique<job_record>(job_record{size}); }
  [[nodiscard]] const job_record* lookup(int id) const {
    const auto it = jobs_.find(id);
    return it == jobs_.end() ? nullptr : it->second.get();
  }

 private:
  std::map<int, std::unique_ptr<job_record>> jobs_;
};

// A flag that a "retry until it works" loop polls; nothing else ever sets it
// while the loop runs, because the loop never yields.
volatile bool lock_released = false;

asio::awaitable<void> heartbeat() {
  for (;;) {
    try {
      co_await moonpool::sim::sleep(std::chrono::seconds(1));
    } catch (...) {
      // "keep the heartbeat going whatever happens"
    }
  }
}

asio::awaitable<std::string> handle(const std::string& job, job_index& index) {
  const std::string kind = job.substr(0, job.find(' '));
  if (kind == "lookup") {
    const job_record* record = index.lookup(-1);  // BUG: unknown id, not checked
    co_return "size " + std::to_string(record->size);
  }
  if (kind == "check") {
    if (job.size() > 5) {  // BUG: an internal check that real input breaks
      std::abort();
    }
  }
  if (kind == "reload") {
    std::exit(3);  // BUG: a library's idea of a fatal error
  }
  if (kind == "spin") {
    while (!lock_released) {  // BUG: waits for another task without yielding
    }
  }
  if (kind == "drain") {
    // BUG: the heartbeat swallows its own cancellation: once aborted, every
    // sleep fails at once and the loop never ends.
    auto beat = moonpool::sim::spawn(co_await asio::this_coro::executor, "heartbeat", heartbeat());
    beat.abort();
  }
  index.add(static_cast<int>(job.size()), job.size());
  co_return "ok " + kind;
}

asio::awaitable<void> serve(tcp::socket peer, std::shared_ptr<job_index> index) {
  std::string buffer;
  for (;;) {
    const std::size_t n = co_await asio::async_read_until(peer, asio::dynamic_buffer(buffer), '\n',
                                                          asio::use_awaitable);
    const std::string job = buffer.substr(0, n - 1);
    buffer.erase(0, n);
    const std::string reply = co_await handle(job, *index) + "\n";
    co_await asio::async_write(peer, asio::buffer(reply), asio::use_awaitable);
  }
}

struct Server : moonpool::sim::Process {
  std::string_view name() const override { return "jobs"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    auto index = std::make_shared<job_index>();
    tcp::acceptor acceptor(ctx.get_executor(), {ctx.my_ip(), 7000});
    for (;;) {
      tcp::socket peer = co_await acceptor.async_accept(asio::use_awaitable);
      moonpool::sim::spawn(ctx.get_executor(), "session", serve(std::move(peer), index)).detach();
    }
  }
};

struct Client : moonpool::sim::Workload {
  std::string_view name() const override { return "client"; }
  asio::awaitable<void> run(moonpool::sim::Context& ctx) override {
    tcp::socket socket(ctx.get_executor());
    co_await socket.async_connect({*ctx.peer("jobs"), 7000}, asio::use_awaitable);
    static constexpr const char* rare_kinds[] = {"lookup", "check", "reload", "spin", "drain"};
    std::string buffer;
    for (int i = 0; i < 10; ++i) {
      // One job in about 120 takes a rare path.
      const std::uint64_t pick = ctx.random().below(600);
      const std::string kind = pick < 5 ? rare_kinds[pick] : "work";
      const std::string job = kind + " " + std::to_string(i) + "\n";
      co_await asio::async_write(socket, asio::buffer(job), asio::use_awaitable);
      const std::size_t n = co_await asio::async_read_until(socket, asio::dynamic_buffer(buffer),
                                                            '\n', asio::use_awaitable);
      MP_ALWAYS(buffer.compare(0, 3, "ok ") == 0, "every job is answered ok");
      buffer.erase(0, n);
    }
    MP_SOMETIMES(true, "a client finished its jobs");
  }
};

}  // namespace

int main(int argc, char** argv) {
  moonpool::sim::SimulationBuilder sim;
  sim.name("crash-demo")
      .iterations(200)
      .processes(1, [] { return std::make_unique<Server>(); })
      .workload([] { return std::make_unique<Client>(); });
  return moonpool::sim::run_main(argc, argv, sim);
}
