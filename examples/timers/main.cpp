// sim-timers: one simulated hour of named tasks, in milliseconds of wall time.
//
// Three tasks share one simulated clock:
//   heartbeat  sleeps 1 s, 3600 times: one simulated hour;
//   batch      runs jobs whose length is drawn from the world's random
//              stream, each raced against a deadline with sim::timeout;
//   backoff    retries a flaky "connect" with exponential backoff.
// Nothing waits on a real clock, and everything the tasks decide comes from
// the seed, so the same seed prints the same trace_hash every time.
//
//   build/bin/sim-timers                          # seed 1, with each task's story
//   build/bin/sim-timers --seed 7
//   build/bin/sim-timers --seed 1 --iterations 20 # one line per seed

#include <CLI/CLI.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <system_error>

#include "moonpool/sim.hpp"

namespace asio = boost::asio;
namespace sim = moonpool::sim;
using namespace std::chrono_literals;

namespace {

constexpr int heartbeat_count = 3600;
constexpr std::chrono::nanoseconds heartbeat_period = 1s;

constexpr int batch_jobs = 12;
constexpr std::chrono::nanoseconds batch_deadline = 2s;
constexpr std::chrono::nanoseconds job_duration_min = 100ms;
constexpr std::chrono::nanoseconds job_duration_max = 4s;

constexpr int backoff_attempts_max = 8;
constexpr std::chrono::nanoseconds backoff_delay_initial = 100ms;
constexpr double connect_success_probability = 0.25;

struct heartbeat_result {
  int beats = 0;
  std::chrono::nanoseconds last_beat{0};
};

struct batch_result {
  int done = 0;
  int timed_out = 0;
};

struct backoff_result {
  int attempts = 0;
  bool connected = false;
  std::chrono::nanoseconds finished_at{0};
};

std::chrono::nanoseconds sim_now() {
  return sim::clock::now().time_since_epoch();
}

asio::awaitable<heartbeat_result> heartbeat() {
  heartbeat_result result;
  for (int beat = 0; beat < heartbeat_count; ++beat) {
    co_await sim::sleep(heartbeat_period);
    ++result.beats;
    result.last_beat = sim_now();
  }
  co_return result;
}

// `random` is the world's simulation stream; the world outlives its tasks.
asio::awaitable<batch_result> batch(sim::random_stream& random) {
  batch_result result;
  for (int job = 0; job < batch_jobs; ++job) {
    const std::chrono::nanoseconds work(
        random.between(static_cast<std::uint64_t>(job_duration_min.count()),
                       static_cast<std::uint64_t>(job_duration_max.count())));
    try {
      co_await sim::timeout(batch_deadline, sim::sleep(work));
      ++result.done;
    } catch (const boost::system::system_error& error) {
      if (error.code() != asio::error::timed_out) {
        throw;
      }
      ++result.timed_out;
    }
  }
  co_return result;
}

asio::awaitable<backoff_result> backoff(sim::random_stream& random) {
  backoff_result result;
  std::chrono::nanoseconds delay = backoff_delay_initial;
  while (result.attempts < backoff_attempts_max && !result.connected) {
    ++result.attempts;
    result.connected = random.chance(connect_success_probability);
    if (!result.connected) {
      co_await sim::sleep(delay);
      delay *= 2;
    }
  }
  result.finished_at = sim_now();
  co_return result;
}

struct seed_outcome {
  std::uint64_t seed = 0;
  std::chrono::nanoseconds sim_time{0};
  std::uint64_t events = 0;
  std::uint64_t handlers = 0;
  std::string trace_hash;
  heartbeat_result heartbeat;
  batch_result batch;
  backoff_result backoff;
};

seed_outcome run_seed(std::uint64_t seed) {
  sim::world world{seed};
  auto beating = world.spawn("heartbeat", heartbeat());
  auto jobs = world.spawn("batch", batch(world.random()));
  auto retrying = world.spawn("backoff", backoff(world.random()));
  world.run();
  return seed_outcome{
      .seed = seed,
      .sim_time = world.now(),
      .events = world.events_processed(),
      .handlers = world.handlers_run(),
      .trace_hash = world.trace_hash(),
      .heartbeat = beating.get(),
      .batch = jobs.get(),
      .backoff = retrying.get(),
  };
}

// Seconds with nanosecond digits, from integers only.
std::string format_seconds(std::chrono::nanoseconds time) {
  const auto count = static_cast<unsigned long long>(time.count());
  char text[48];
  std::snprintf(text, sizeof text, "%llu.%09llus", count / 1'000'000'000ULL,
                count % 1'000'000'000ULL);
  return text;
}

void print_seed_line(const seed_outcome& outcome) {
  std::printf("seed=%llu sim_time=%s events=%llu handlers=%llu trace_hash=%s\n",
              static_cast<unsigned long long>(outcome.seed),
              format_seconds(outcome.sim_time).c_str(),
              static_cast<unsigned long long>(outcome.events),
              static_cast<unsigned long long>(outcome.handlers), outcome.trace_hash.c_str());
}

void print_task_story(const seed_outcome& outcome) {
  std::printf("  heartbeat: %d beats, the last at %s\n", outcome.heartbeat.beats,
              format_seconds(outcome.heartbeat.last_beat).c_str());
  std::printf("  batch:     %d jobs of 0.1-4 s against a %llds deadline: %d done, %d timed out\n",
              batch_jobs,
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::seconds>(batch_deadline).count()),
              outcome.batch.done, outcome.batch.timed_out);
  std::printf("  backoff:   %s after %d attempt(s), at %s\n",
              outcome.backoff.connected ? "connected" : "gave up", outcome.backoff.attempts,
              format_seconds(outcome.backoff.finished_at).c_str());
}

// The whole command line's work once it has parsed: 0 when every seed ran.
int run(std::uint64_t first_seed, std::uint64_t iterations) {
  for (std::uint64_t offset = 0; offset < iterations; ++offset) {
    const seed_outcome outcome = run_seed(first_seed + offset);
    print_seed_line(outcome);
    if (iterations == 1) {
      print_task_story(outcome);
    }
  }
  return 0;
}

// A whole decimal number, nothing else (no sign, no spaces).
std::uint64_t parse_u64(const std::string& text, const char* flag) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || stop != end) {
    throw std::invalid_argument(std::string(flag) + " expects a 64-bit unsigned number, got '" +
                                text + "'");
  }
  return value;
}

// A usage error: one line on stderr naming the problem, exit status 2.
int usage_error(const std::string& problem) {
  std::string line = problem;
  for (char& c : line) {
    if (c == '\n') {
      c = ' ';
    }
  }
  std::fprintf(stderr, "sim-timers: %s; see --help\n", line.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    CLI::App app{"One simulated hour of named tasks (heartbeat, batch, backoff) per seed.",
                 "sim-timers"};
    // Taken as text and parsed by us: CLI11 would wrap "-3" into a huge
    // unsigned seed instead of rejecting it.
    std::string seed_text = "1";
    std::string iterations_text = "1";
    app.add_option("--seed", seed_text, "first seed to run")->type_name("N")->capture_default_str();
    app.add_option("--iterations", iterations_text, "run seeds seed .. seed+N-1, one line each")
        ->type_name("N")
        ->capture_default_str();
    std::uint64_t seed = 0;
    std::uint64_t iterations = 0;
    try {
      app.parse(argc, argv);
      seed = parse_u64(seed_text, "--seed");
      iterations = parse_u64(iterations_text, "--iterations");
    } catch (const CLI::CallForHelp& help) {
      return app.exit(help);
    } catch (const CLI::ParseError& error) {
      return usage_error(error.what());
    } catch (const std::invalid_argument& error) {
      return usage_error(error.what());
    }
    if (iterations == 0) {
      return usage_error("--iterations expects at least 1");
    }
    if (seed > std::numeric_limits<std::uint64_t>::max() - (iterations - 1)) {
      return usage_error("--seed " + seed_text + " with --iterations " + iterations_text +
                         " runs past the largest seed");
    }
    return run(seed, iterations);
  } catch (const sim::simulation_error& error) {
    std::fprintf(stderr, "sim-timers: %s\n", error.what());
    return 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "sim-timers: unexpected error: %s\n", error.what());
    return 1;
  }
}
