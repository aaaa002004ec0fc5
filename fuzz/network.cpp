// Fuzz target: the simulated TCP network (include/moonpool/sim/net/).
//
// A world with two client hosts (10.0.0.1, 10.0.0.2) and a server host
// (10.0.1.1, listening on port 8080) runs a sequence of operations read
// from the input, under a network configuration read from the input, then
// drains: faults off, partitions healed, every end shuts down sending and
// reads to the end. Every byte written is a pseudo-random function of its
// connection, direction and offset, so a byte duplicated, reordered or
// invented cannot match.
//
// Input:
//   bytes 0-7  the world seed (little-endian)
//   byte 8     fault families: 1 partial writes, 2 partial reads, 4 clogs,
//              8 bit flips, 16 random closes, 32 random partitions,
//              64 connect failures and handshake delays, 128 small buffers
//   byte 9     how likely the faults are: (1 + b % 64) / 64, scaled per family
//   byte 10    bits 0-2: buffer size (64 << n bytes) with small buffers;
//              bits 3-4: partition strategy; bits 5-6: latency profile;
//              bit 7: random closes are silent (half-open) only
//   then operations of two bytes, [what, argument], at most ops_max: the
//   low four bits of `what` name the operation (see apply()), bits 4-6
//   pick a connection or host, bit 7 an end or a client host.
//
// Properties, per direction of each connection (a flow):
//   - the reader gets, in the order its reads were issued, a prefix of what
//     the writer's completed writes took, in the order they were issued:
//     nothing duplicated, reordered or invented; bits differ only where the
//     network recorded flipping them (trace kind bit_flip), never more;
//   - a read or write that succeeds moves at least one byte of a non-empty
//     buffer and never more than the buffer; a failed one moves none;
//   - no data after end of file; end of file (not caused by our own
//     shutdown) comes after every byte sent, on a connection without a
//     recorded reset or random close;
//   - connection_reset only on a connection with a recorded reset;
//   - after the drain, on a connection without a recorded reset or random
//     close: every byte arrived with its flips accounted for, every reader
//     saw end of file, every operation completed; on a connection whose
//     connect failed, every operation issued on it completed.
//
// Bounded: at most ops_max operations, op_phase_max of simulated time for
// them and drain_time after; at most connections_max connections and
// pending_max reads and writes pending per end.

#include <array>
#include <bit>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "moonpool/sim.hpp"
#include "moonpool/sim/detail/trace_kinds.hpp"
#include "moonpool/sim/net/detail/network.hpp"
#include "property.hpp"

namespace {

namespace asio = boost::asio;
namespace sim = moonpool::sim;
namespace fuzz = moonpool::fuzz;
namespace kinds = sim::detail::net::kinds;
using boost::system::error_code;
using tcp = sim::tcp;
using namespace std::chrono_literals;

constexpr std::size_t ops_max = 256;
constexpr std::size_t connections_max = 6;
constexpr std::size_t pending_max = 4;
// Bytes offered by all writes of one input: bounds the events it makes.
constexpr std::size_t written_bytes_max = 256 * 1024;
constexpr std::chrono::nanoseconds op_phase_max = 60s;
// Outlasts the connect retries of a healed partition (127 s) and any clog.
constexpr std::chrono::nanoseconds drain_time = 300s;
constexpr unsigned short server_port = 8080;
constexpr std::size_t drain_read_bytes = 4096;

// The input, read front to back; past its end it reads zeros.
class input_reader {
 public:
  input_reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t byte() { return position_ < size_ ? data_[position_++] : 0; }
  [[nodiscard]] bool done() const { return position_ >= size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t position_ = 0;
};

// The byte at `offset` of a flow's pattern: splitmix64 of where it is.
char pattern_byte(std::size_t connection, int side, std::uint64_t offset) {
  std::uint64_t x = (offset + 1) * 0x9E3779B97F4A7C15ULL ^
                    (static_cast<std::uint64_t>(connection * 2 + side) << 56);
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return static_cast<char>(x ^ (x >> 31));
}

sim::network_config config_from(input_reader& in) {
  const std::uint8_t families = in.byte();
  const double p = (1.0 + in.byte() % 64) / 64.0;
  const std::uint8_t shape = in.byte();
  sim::network_config c;
  switch ((shape >> 5) & 3) {
    case 1:
      c = sim::network_config::fast_local();
      break;
    case 2:
      c.delivery_latency = sim::latency_distribution::exponential(10us, 2ms);
      c.pair_latency_max = 1ms;
      break;
    case 3:
      c.delivery_latency = sim::latency_distribution::bimodal(50us, 200us, 5ms, 50ms, 0.1);
      break;
    default:
      break;
  }
  c.partial_write_probability = (families & 1) != 0 ? p : 0.0;
  c.partial_read_probability = (families & 2) != 0 ? p : 0.0;
  c.write_clog_probability = (families & 4) != 0 ? p / 4 : 0.0;
  c.read_clog_probability = (families & 4) != 0 ? p / 4 : 0.0;
  c.bit_flip_probability = (families & 8) != 0 ? p / 2 : 0.0;
  c.bit_flip_cooldown = 0ns;
  c.random_close_probability = (families & 16) != 0 ? p / 8 : 0.0;
  c.random_close_cooldown = 1s;
  c.random_close_explicit_ratio = (shape & 128) != 0 ? 0.0 : 0.5;
  c.partition_probability = (families & 32) != 0 ? p / 16 : 0.0;
  c.partition_kind = static_cast<sim::partition_strategy>(((shape >> 3) & 3) % 3);
  if ((families & 64) != 0) {
    c.connect_failure = sim::connect_failure_mode::mixed;
    c.connect_failure_probability = p / 2;
    c.handshake_delay_probability = p;
  }
  if ((families & 128) != 0) {
    c.send_buffer_bytes_max = std::size_t{64} << (shape & 7);
    c.receive_buffer_bytes_max = std::size_t{64} << ((shape + 3) & 7);
  }
  return c;
}

// The same latencies and buffers, every fault off.
sim::network_config calm(sim::network_config c) {
  c.partial_write_probability = c.partial_read_probability = 0.0;
  c.write_clog_probability = c.read_clog_probability = 0.0;
  c.bit_flip_probability = c.random_close_probability = c.partition_probability = 0.0;
  c.connect_failure = sim::connect_failure_mode::none;
  c.connect_failure_probability = c.handshake_delay_probability = 0.0;
  return c;
}

// 0..191 as is, then steps of 128 up to 8256: small and large I/O.
std::size_t io_size(std::uint8_t argument) {
  return argument < 192 ? argument : 192 + std::size_t{argument - 192u} * 128;
}

// The index of the field of a record named `name`, or -1 (the record's
// registered description names its fields; records made when a scheduled
// event runs start with the event's number, not the connection's).
int field_named(const sim::detail::trace_kind_info& info, std::string_view name) {
  for (int i = 0; i < 4; ++i) {
    if (info.fields[static_cast<std::size_t>(i)].name == name) {
      return i;
    }
  }
  return -1;
}

// One read or write, kept in issue order by its end.
struct io_record {
  std::vector<char> buffer;
  bool scatter = false;  // two buffers (halves) instead of one
  bool drain = false;    // issued by the drain's read loop
  bool done = false;
  error_code ec;
  std::size_t transferred = 0;
};

// The recorded faults of one connection (from the world's trace).
struct recorded_faults {
  bool reset = false;  // a reset record, a random close or a hanging connect
  std::array<std::uint64_t, 2> flipped_bits{};  // per sending side
  std::map<std::string, int> kinds;             // records of the connection, by kind name
};

struct end_model {
  std::optional<tcp::socket> socket;
  std::deque<std::shared_ptr<io_record>> writes;  // issued, not yet accounted
  std::deque<std::shared_ptr<io_record>> reads;
  std::uint64_t pattern_offset = 0;  // of the next write
  bool closed = false;
  bool send_shutdown = false;
  bool receive_shutdown = false;
  bool drain_started = false;
  bool eof = false;
  bool eof_after_own_shutdown = false;
  std::size_t eof_at = 0;  // bytes received before end of file
};

// flows[s]: the bytes ends[s] wrote and ends[1 - s] read.
struct flow_model {
  std::string sent;
  std::string received;
  std::size_t compared = 0;
  std::uint64_t bits_seen = 0;
};

struct connection_model {
  std::size_t index = 0;
  std::array<end_model, 2> ends;  // 0: the client, 1: the accepted socket
  std::array<flow_model, 2> flows;
  tcp::endpoint client_local;
  bool accepted = false;
  bool connect_done = false;
  error_code connect_ec;
  int reset_errors = 0;
};

class harness {
 public:
  harness(std::uint64_t seed, const sim::network_config& config, bool flips)
      : world_(seed, sim::world_options{.record_trace = true, .handler_wall_limit = 0s}),
        config_(config),
        flips_(flips) {
    hosts_.push_back(world_.add_host("10.0.0.1"));
    hosts_.push_back(world_.add_host("10.0.1.1"));
    hosts_.push_back(world_.add_host("10.0.0.2"));
    world_.set_network_config(config);
  }
  harness(const harness&) = delete;
  harness& operator=(const harness&) = delete;
  ~harness() {
    // Sockets before the world they live in.
    connections_.clear();
    acceptor_.reset();
  }

  [[nodiscard]] std::string trace_hash() const { return world_.trace_hash(); }

  void run(std::vector<std::array<std::uint8_t, 2>> ops) {
    auto driver = sim::spawn(
        hosts_[0].get_executor(), "driver",
        [this, ops = std::move(ops)]() -> asio::awaitable<void> { co_await drive(ops); });
    world_.run_for(op_phase_max + drain_time);
    fuzz::expect(driver.done(), "the driver finished within the operation phase");
    driver.get();
    check_final();
  }

 private:
  asio::awaitable<void> drive(const std::vector<std::array<std::uint8_t, 2>>& ops) {
    for (const auto& [what, argument] : ops) {
      const unsigned op = what & 0x0f;
      if (op == 5) {
        const std::chrono::nanoseconds left = op_phase_max - world_.now();
        const std::chrono::nanoseconds wanted =
            std::chrono::microseconds(std::int64_t{1} << (argument % 24));
        if (left > 0ns) {
          co_await sim::sleep(std::min(wanted, left));
        }
      } else if (op == 6) {
        co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
      } else {
        apply(op, (what >> 4) & 7, (what >> 7) & 1, argument);
      }
    }
    start_drain();
  }

  void apply(unsigned op, unsigned pick, int side, std::uint8_t argument) {
    if (op == 0) {
      connect(side == 0 ? 0 : 2);
      return;
    }
    if (op >= 12) {
      apply_to_hosts(op, pick, side, argument);
      return;
    }
    if (connections_.empty()) {
      return;
    }
    connection_model& m = *connections_[pick % connections_.size()];
    switch (op) {
      case 1:
      case 2:
        write(m, side, io_size(argument), op == 2);
        return;
      case 3:
      case 4:
        read(m, side, io_size(argument), op == 4, false);
        return;
      default:
        apply_to_socket(op, m.ends[side]);
        return;
    }
  }

  void apply_to_socket(unsigned op, end_model& e) {
    if (!e.socket) {
      return;
    }
    error_code ec;
    switch (op) {
      case 7:
        e.socket->shutdown(tcp::socket::shutdown_send, ec);
        e.send_shutdown = e.send_shutdown || !ec;
        return;
      case 8:
        e.socket->shutdown(tcp::socket::shutdown_receive, ec);
        e.receive_shutdown = e.receive_shutdown || !ec;
        return;
      case 9:
        e.socket->close(ec);
        e.closed = true;
        return;
      case 10:
        e.socket->cancel(ec);
        return;
      default:  // 11: an abortive close (linger 0 resets)
        e.socket->set_option(asio::socket_base::linger(true, 0), ec);
        e.socket->close(ec);
        e.closed = true;
        return;
    }
  }

  void apply_to_hosts(unsigned op, unsigned pick, int side, std::uint8_t argument) {
    const sim::host& a = hosts_[pick % 3];
    const sim::host& b = hosts_[(pick + 1 + static_cast<unsigned>(side)) % 3];
    const std::chrono::nanoseconds duration =
        argument == 0 ? std::chrono::nanoseconds::max() : argument * 20ms;
    switch (op) {
      case 12:
        world_.partition(a, b, duration);
        return;
      case 13:
        world_.isolate(a, duration);
        return;
      case 14:
        if ((argument & 1) != 0) {
          world_.heal_all();
        } else {
          world_.heal(a, b);
        }
        return;
      default:  // 15: a crash of the host's network stack
        world_.abort_connections(a);
        return;
    }
  }

  // --- connections ---------------------------------------------------------------------

  void listen() {
    if (accepting_) {
      return;
    }
    acceptor_.reset();
    acceptor_.emplace(hosts_[1].get_executor());
    error_code ec;
    acceptor_->open(tcp::v4(), ec);
    fuzz::expect(!ec, "an acceptor opens", ec.message());
    acceptor_->bind({hosts_[1].address(), server_port}, ec);
    fuzz::expect(!ec, "the server's port is free again after its listener closed", ec.message());
    acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    fuzz::expect(!ec, "a bound acceptor listens", ec.message());
    accept_next();
  }

  void accept_next() {
    accepting_ = true;
    acceptor_->async_accept([this](error_code ec, tcp::socket socket) {
      if (ec) {
        accepting_ = false;  // the listener was closed (a host crash)
        return;
      }
      on_accepted(std::move(socket));
      accept_next();
    });
  }

  void on_accepted(tcp::socket socket) {
    error_code ec;
    const tcp::endpoint remote = socket.remote_endpoint(ec);
    for (const auto& m : connections_) {
      if (!m->accepted && m->client_local == remote) {
        m->accepted = true;
        m->ends[1].socket.emplace(std::move(socket));
        if (draining_) {
          drain_end(*m, 1);
        }
        return;
      }
    }
    fuzz::fail("every accepted connection is one a client made",
               remote.address().to_string() + ":" + std::to_string(remote.port()));
  }

  void connect(std::size_t host) {
    if (connections_.size() >= connections_max) {
      return;
    }
    listen();
    auto m = std::make_unique<connection_model>();
    m->index = connections_.size();
    tcp::socket& socket = m->ends[0].socket.emplace(hosts_[host].get_executor());
    socket.async_connect({hosts_[1].address(), server_port}, [this, c = m.get()](error_code ec) {
      c->connect_done = true;
      c->connect_ec = ec;
      if (draining_ && !ec) {
        drain_end(*c, 0);
      }
    });
    error_code ec;
    m->client_local = socket.local_endpoint(ec);
    connections_.push_back(std::move(m));
  }

  // --- reads and writes ----------------------------------------------------------------

  template <class Handler>
  void start_write(tcp::socket& socket, const io_record& r, Handler handler) {
    const std::size_t half = r.buffer.size() / 2;
    if (r.scatter) {
      const std::array<asio::const_buffer, 2> buffers{
          asio::buffer(r.buffer.data(), half),
          asio::buffer(r.buffer.data() + half, r.buffer.size() - half)};
      socket.async_write_some(buffers, std::move(handler));
    } else {
      socket.async_write_some(asio::buffer(r.buffer), std::move(handler));
    }
  }

  template <class Handler>
  void start_read(tcp::socket& socket, io_record& r, Handler handler) {
    const std::size_t half = r.buffer.size() / 2;
    if (r.scatter) {
      const std::array<asio::mutable_buffer, 2> buffers{
          asio::buffer(r.buffer.data(), half),
          asio::buffer(r.buffer.data() + half, r.buffer.size() - half)};
      socket.async_read_some(buffers, std::move(handler));
    } else {
      socket.async_read_some(asio::buffer(r.buffer), std::move(handler));
    }
  }

  void write(connection_model& m, int side, std::size_t size, bool scatter) {
    end_model& e = m.ends[side];
    if (!e.socket || e.writes.size() >= pending_max || written_bytes_ + size > written_bytes_max) {
      return;
    }
    written_bytes_ += size;
    auto r = std::make_shared<io_record>();
    r->scatter = scatter;
    r->buffer.resize(size);
    for (std::size_t i = 0; i < size; ++i) {
      r->buffer[i] = pattern_byte(m.index, side, e.pattern_offset + i);
    }
    e.pattern_offset += size;
    e.writes.push_back(r);
    start_write(*e.socket, *r, [this, &m, side, r](error_code ec, std::size_t n) {
      fuzz::expect(!r->done, "a write's handler runs once");
      r->done = true;
      r->ec = ec;
      r->transferred = n;
      account_writes(m, side);
    });
  }

  void read(connection_model& m, int side, std::size_t size, bool scatter, bool drain) {
    end_model& e = m.ends[side];
    if (!e.socket || (!drain && e.reads.size() >= pending_max)) {
      return;
    }
    auto r = std::make_shared<io_record>();
    r->scatter = scatter;
    r->drain = drain;
    r->buffer.resize(size);
    e.reads.push_back(r);
    start_read(*e.socket, *r, [this, &m, side, r](error_code ec, std::size_t n) {
      fuzz::expect(!r->done, "a read's handler runs once");
      r->done = true;
      r->ec = ec;
      r->transferred = n;
      account_reads(m, side);
      if (r->drain && !ec) {
        read(m, side, drain_read_bytes, false, true);
      }
    });
  }

  void check_transfer(const connection_model& m, const io_record& r, const char* what) {
    const std::string where = std::string(what) + " on connection " + std::to_string(m.index) +
                              ": " + std::to_string(r.transferred) + " of " +
                              std::to_string(r.buffer.size()) + " bytes, " + r.ec.message();
    fuzz::expect(r.transferred <= r.buffer.size(), "an operation moves at most its buffer", where);
    fuzz::expect(!r.ec || r.transferred == 0, "a failed operation moves no bytes", where);
    fuzz::expect(r.ec || r.buffer.empty() || r.transferred > 0,
                 "a successful operation on a non-empty buffer moves at least one byte", where);
  }

  // Completed writes, in issue order, append what they took to the flow.
  void account_writes(connection_model& m, int side) {
    end_model& e = m.ends[side];
    flow_model& f = m.flows[side];
    while (!e.writes.empty() && e.writes.front()->done) {
      const io_record& r = *e.writes.front();
      check_transfer(m, r, "write_some");
      m.reset_errors += r.ec == asio::error::connection_reset ? 1 : 0;
      f.sent.append(r.buffer.data(), r.transferred);
      e.writes.pop_front();
    }
    compare(m, side);
  }

  // Completed reads, in issue order, append what they got to the flow.
  void account_reads(connection_model& m, int side) {
    end_model& e = m.ends[side];
    flow_model& f = m.flows[1 - side];
    while (!e.reads.empty() && e.reads.front()->done) {
      const io_record& r = *e.reads.front();
      check_transfer(m, r, "read_some");
      fuzz::expect(!e.eof || e.eof_after_own_shutdown || r.transferred == 0,
                   "no data after end of file", "connection " + std::to_string(m.index));
      m.reset_errors += r.ec == asio::error::connection_reset ? 1 : 0;
      f.received.append(r.buffer.data(), r.transferred);
      if (r.ec == asio::error::eof && !e.eof) {
        e.eof = true;
        e.eof_after_own_shutdown = e.receive_shutdown;
        e.eof_at = f.received.size();
      }
      e.reads.pop_front();
    }
    compare(m, 1 - side);
  }

  // Compares what arrived with what was sent, as far as both are known.
  void compare(connection_model& m, int side) {
    flow_model& f = m.flows[side];
    const std::size_t known = std::min(f.sent.size(), f.received.size());
    for (std::size_t i = f.compared; i < known; ++i) {
      const auto difference = static_cast<unsigned char>(f.sent[i] ^ f.received[i]);
      if (difference != 0 && !flips_) {
        fuzz::fail("bytes arrive as sent (no flips configured), never duplicated or reordered",
                   "connection " + std::to_string(m.index) + " side " + std::to_string(side) +
                       ": byte " + std::to_string(i) + " of " + std::to_string(f.sent.size()) +
                       " sent differs");
      }
      f.bits_seen += static_cast<std::uint64_t>(std::popcount(difference));
    }
    f.compared = known;
  }

  // --- the drain and the final checks --------------------------------------------------

  void start_drain() {
    draining_ = true;
    world_.set_network_config(calm(config_));
    world_.heal_all();
    for (const auto& m : connections_) {
      drain_end(*m, 0);
      drain_end(*m, 1);
    }
  }

  // Shuts the end down for sending and reads it to the end. Called again
  // for an end that connects or is accepted during the drain.
  void drain_end(connection_model& m, int side) {
    end_model& e = m.ends[side];
    if (!e.socket || e.closed || e.drain_started) {
      return;
    }
    error_code ec;
    e.socket->shutdown(tcp::socket::shutdown_send, ec);
    if (ec == asio::error::not_connected) {
      return;  // still connecting: its connect handler calls again
    }
    e.drain_started = true;
    e.send_shutdown = e.send_shutdown || !ec;
    if (!e.receive_shutdown && !e.eof) {
      read(m, side, drain_read_bytes, false, true);
    }
  }

  std::vector<recorded_faults> faults_from_trace() const {
    std::vector<recorded_faults> faults(connections_.size());
    std::map<std::uint64_t, std::size_t> index_of;  // connection id -> model index
    for (const sim::trace_record& record : world_.trace()) {
      const sim::detail::trace_kind_info* info = sim::detail::describe_trace_record(record);
      const int conn =
          info != nullptr && info->name.starts_with("net.") ? field_named(*info, "conn") : -1;
      if (conn < 0) {
        continue;  // not a network record about one connection
      }
      const std::uint64_t id = record.fields[static_cast<std::size_t>(conn)];
      if (record.kind == kinds::connect) {
        // Connects are recorded in the order they were issued, as are models.
        const std::size_t index = index_of.size();
        fuzz::expect(index < connections_.size(), "one connect record per connect");
        index_of.emplace(id, index);
        continue;
      }
      const auto it = index_of.find(id);
      if (it == index_of.end()) {
        continue;
      }
      recorded_faults& f = faults[it->second];
      ++f.kinds[std::string(info->name)];
      if (record.kind == kinds::reset || record.kind == kinds::random_close ||
          record.kind == kinds::connect_hang) {
        f.reset = true;
      } else if (record.kind == kinds::bit_flip && record.fields[1] < 2) {
        f.flipped_bits[record.fields[1]] += record.fields[2];
      }
    }
    fuzz::expect(index_of.size() == connections_.size(), "one connect record per connect");
    return faults;
  }

  void check_final() {
    const std::vector<recorded_faults> faults = faults_from_trace();
    // MOONPOOL_FUZZ_VERBOSE=1: one line per connection, to see what an input does.
    const bool verbose = std::getenv("MOONPOOL_FUZZ_VERBOSE") != nullptr;
    for (const auto& m : connections_) {
      for (int side = 0; side < 2; ++side) {
        account_writes(*m, side);
        account_reads(*m, side);
      }
      if (verbose) {
        std::fprintf(stderr, "%s: sent %zu/%zu, received %zu/%zu, eof %d/%d\n",
                     describe(*m, faults[m->index]).c_str(), m->flows[0].sent.size(),
                     m->flows[1].sent.size(), m->flows[0].received.size(),
                     m->flows[1].received.size(), m->ends[1].eof ? 1 : 0, m->ends[0].eof ? 1 : 0);
      }
      check_connection(*m, faults[m->index]);
    }
  }

  // The evidence for a failure: the connection, its connect and its records.
  static std::string describe(const connection_model& m, const recorded_faults& faults) {
    std::string text = "connection " + std::to_string(m.index) + " from " +
                       m.client_local.address().to_string() + ":" +
                       std::to_string(m.client_local.port()) + " (connect " +
                       (m.connect_done ? m.connect_ec.message() : "pending") + "; records";
    for (const auto& [kind, count] : faults.kinds) {
      text += " " + kind + " x" + std::to_string(count);
    }
    return text + ")";
  }

  void check_connection(const connection_model& m, const recorded_faults& faults) {
    const std::string which = describe(m, faults);
    // A failed connect leaves the socket reset, as a recorded reset does.
    fuzz::expect(m.reset_errors == 0 || faults.reset || m.connect_ec,
                 "connection_reset only where a reset was recorded", which);
    for (int side = 0; side < 2; ++side) {
      const flow_model& f = m.flows[side];
      fuzz::expect(f.received.size() <= f.sent.size(), "nothing arrives that was not sent",
                   which + " side " + std::to_string(side));
      fuzz::expect(f.bits_seen <= faults.flipped_bits[side],
                   "bits differ only where the network recorded flipping them",
                   which + " side " + std::to_string(side));
    }
    if (m.connect_done && m.connect_ec) {
      fuzz::expect(m.ends[0].reads.empty() && m.ends[0].writes.empty(),
                   "reads and writes issued during a connect that fails complete", which);
    }
    if (!m.connect_done || m.connect_ec || faults.reset) {
      return;
    }
    fuzz::expect(m.accepted, "a connected client's connection is accepted", which);
    for (int side = 0; side < 2; ++side) {
      check_complete_flow(m, side, faults, which + " side " + std::to_string(side));
    }
  }

  // A flow of a connection without recorded loss, after the drain.
  void check_complete_flow(const connection_model& m, int side, const recorded_faults& faults,
                           const std::string& which) {
    const end_model& writer = m.ends[side];
    const end_model& reader = m.ends[1 - side];
    const flow_model& f = m.flows[side];
    fuzz::expect(writer.writes.empty(), "every write completes on a connection without faults",
                 which);
    if (reader.eof && !reader.eof_after_own_shutdown) {
      fuzz::expect(
          reader.eof_at == f.sent.size(), "end of file comes after every byte sent",
          which + ": at " + std::to_string(reader.eof_at) + " of " + std::to_string(f.sent.size()));
    }
    if (reader.closed || reader.receive_shutdown) {
      return;  // it stopped reading: what it missed is its own doing
    }
    fuzz::expect(
        f.received.size() == f.sent.size(), "every byte sent arrives when no fault dropped it",
        which + ": " + std::to_string(f.received.size()) + " of " + std::to_string(f.sent.size()));
    fuzz::expect(f.bits_seen == faults.flipped_bits[side],
                 "every recorded bit flip shows in the bytes read", which);
    fuzz::expect(reader.eof, "the reader sees end of file after the writer shut down", which);
    fuzz::expect(reader.reads.empty(), "every read completes on a connection without faults",
                 which);
  }

  sim::world world_;
  std::vector<sim::host> hosts_;  // 0: client, 1: server, 2: client
  sim::network_config config_;
  bool flips_;
  std::optional<tcp::acceptor> acceptor_;
  bool accepting_ = false;
  bool draining_ = false;
  std::size_t written_bytes_ = 0;
  std::vector<std::unique_ptr<connection_model>> connections_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  input_reader in(data, size);
  std::uint64_t seed = 0;
  for (int i = 0; i < 8; ++i) {
    seed |= std::uint64_t{in.byte()} << (8 * i);
  }
  const sim::network_config config = config_from(in);
  std::vector<std::array<std::uint8_t, 2>> ops;
  while (!in.done() && ops.size() < ops_max) {
    const std::uint8_t what = in.byte();
    ops.push_back({what, in.byte()});
  }
  // Twice: the same seed and operations must give the same trace, bit for
  // bit (a failing seed replays), in the same process too.
  std::string first_hash;
  for (int run = 0; run < 2; ++run) {
    harness h(seed, config, config.bit_flip_probability > 0.0);
    h.run(ops);
    const std::string hash = h.trace_hash();
    fuzz::expect(run == 0 || hash == first_hash, "the same input gives the same trace hash",
                 first_hash + " then " + hash);
    first_hash = hash;
  }
  return 0;
}
