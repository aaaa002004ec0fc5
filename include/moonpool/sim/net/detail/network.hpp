#pragma once
// The simulated TCP network of one world. Sockets and acceptors are thin
// handles; everything they do lands here.
//
// Where a byte goes: socket::async_write_some parks a write op and calls
// network::submit_write. pump() copies the op's bytes into the sending
// flow's send buffer (bounded: backpressure), then transmits them as a chunk
// when the receiver has window, scheduling a delivery event after a sampled
// latency. The delivery appends the chunk to the flow's receive buffer and
// serve_reads() hands it to parked read ops in FIFO order.

#include <array>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "moonpool/sim/detail/pending_op.hpp"
#include "moonpool/sim/detail/trace_kinds.hpp"
#include "moonpool/sim/detail/world_state.hpp"
#include "moonpool/sim/net/detail/byte_queue.hpp"
#include "moonpool/sim/net/network_config.hpp"

namespace moonpool::sim::detail::net {

using boost::system::error_code;
using endpoint = boost::asio::ip::tcp::endpoint;
using std::chrono::nanoseconds;

struct connection;

// --- operations, as the network sees them -----------------------------------
struct read_op_base : pending_op<error_code, std::size_t> {
  [[nodiscard]] virtual std::size_t capacity() const = 0;
  // Moves up to `count` bytes from `source` into the op's buffers.
  virtual std::size_t fill(byte_queue& source, std::size_t count) = 0;
};

struct write_op_base : pending_op<error_code, std::size_t> {
  [[nodiscard]] virtual std::size_t capacity() const = 0;
  // The first `count` bytes of the op's buffers.
  [[nodiscard]] virtual std::string bytes(std::size_t count) const = 0;
};

using connect_op_base = pending_op<error_code>;

struct accept_op_base : parked_op {
  // Completes with a socket attached to `conn` (or an empty one on error).
  virtual void complete(error_code ec, std::shared_ptr<connection> conn) = 0;
};

// --- state ---------------------------------------------------------------------
// One end of a connection. Side 0 connected, side 1 was accepted.
struct end_state {
  host_record* host = nullptr;
  endpoint local;
  endpoint remote;
  bool established = false;
  bool closed = false;  // closed by its socket: further calls fail with bad_descriptor
  bool reset = false;   // reset (RST, crash, explicit random close)
  bool send_shutdown = false;
  bool receive_shutdown = false;
  std::deque<std::uint64_t> reads;   // parked op ids, FIFO
  std::deque<std::uint64_t> writes;  // parked op ids, FIFO
  nanoseconds read_clogged_until{0};
  std::optional<std::uint64_t> connect_op;
  std::optional<std::uint64_t> connect_event;
};

// Bytes travelling from ends[i] to ends[1 - i].
struct flow {
  byte_queue send_buffer;     // written by the sender, not yet transmitted
  std::size_t in_flight = 0;  // transmitted, not yet delivered
  byte_queue receive_buffer;  // delivered, not yet read
  bool fin_sent = false;
  bool fin_arrived = false;
  nanoseconds last_arrival{0};  // deliveries never overtake each other
  nanoseconds clogged_until{0};
};

struct connection {
  std::uint64_t id = 0;
  std::array<end_state, 2> ends;
  std::array<flow, 2> flows;
  bool stable = false;      // exempt from chaos (not from latency or partitions)
  bool black_hole = false;  // half-open: nothing gets through any more, silently
};

struct listener {
  host_record* host = nullptr;
  endpoint local;
  bool open = true;
  std::deque<std::shared_ptr<connection>> backlog;
  std::deque<std::uint64_t> accepts;
};

struct partition_rule {
  enum class kind : std::uint8_t { pair, send_block, receive_block };
  kind what;
  std::uint64_t from_host;  // pair, send_block
  std::uint64_t to_host;    // pair, receive_block
  nanoseconds until;        // nanoseconds::max(): until healed
};

class network {
 public:
  explicit network(world_state& state);

  [[nodiscard]] world_state& state() noexcept { return state_; }
  [[nodiscard]] const network_config& config() const noexcept { return config_; }
  void set_config(const network_config& config);

  // --- sockets -------------------------------------------------------------------
  std::shared_ptr<connection> new_client_connection(host_record& host);
  void submit_connect(const std::shared_ptr<connection>& conn, const endpoint& target,
                      std::uint64_t op_id);
  void submit_read(const std::shared_ptr<connection>& conn, int side, std::uint64_t op_id);
  void submit_write(const std::shared_ptr<connection>& conn, int side, std::uint64_t op_id);
  void cancel_end(const std::shared_ptr<connection>& conn, int side);
  void close_end(const std::shared_ptr<connection>& conn, int side);
  // Closes with a reset (linger with a zero timeout).
  void abort_end(const std::shared_ptr<connection>& conn, int side);
  void shutdown_end(const std::shared_ptr<connection>& conn, int side, bool send, bool receive);
  [[nodiscard]] std::size_t available(const connection& conn, int side) const;

  // --- listeners -------------------------------------------------------------------
  std::shared_ptr<listener> listen(host_record& host, endpoint local, error_code& ec);
  void submit_accept(const std::shared_ptr<listener>& l, std::uint64_t op_id);
  void cancel_accepts(listener& l);
  void close_listener(const std::shared_ptr<listener>& l);

  // --- faults driven from outside ------------------------------------------------
  void partition(host_record& from, host_record& to, nanoseconds duration);
  void isolate(host_record& host, nanoseconds duration);
  void heal(host_record& a, host_record& b);
  void heal_all();
  [[nodiscard]] bool blocked(const host_record& from, const host_record& to);
  // Resets every connection of `host` (a crash) and closes its listeners.
  void abort_host(host_record& host);
  [[nodiscard]] std::size_t connection_count() const noexcept { return connections_.size(); }

 private:
  void pump(const std::shared_ptr<connection>& conn, int side);
  bool accept_writes(const std::shared_ptr<connection>& conn, int side);
  bool transmit(const std::shared_ptr<connection>& conn, int side);
  void send_fin(const std::shared_ptr<connection>& conn, int side);
  void deliver(const std::shared_ptr<connection>& conn, int side, std::string bytes);
  void serve_reads(const std::shared_ptr<connection>& conn, int side);
  void serve_accepts(listener& l);
  void syn_arrives(const std::shared_ptr<connection>& conn, endpoint target, int attempt,
                   nanoseconds started);
  void finish_connect(const std::shared_ptr<connection>& conn, error_code ec, nanoseconds after);
  void reset_end(const std::shared_ptr<connection>& conn, int side);
  void reset_connection(const std::shared_ptr<connection>& conn, int side, bool notify_peer);
  void fail_ops(std::deque<std::uint64_t>& ops, error_code ec);
  void forget_if_done(const std::shared_ptr<connection>& conn);
  void resume_all();
  void schedule_heal(nanoseconds until);

  // Faults.
  nanoseconds pair_latency(const host_record& from, const host_record& to);
  nanoseconds one_way_latency(const host_record& from, const host_record& to);
  bool roll_random_close(const std::shared_ptr<connection>& conn, int side);
  void roll_write_clog(const std::shared_ptr<connection>& conn, int side);
  void roll_read_clog(const std::shared_ptr<connection>& conn, int side);
  void roll_random_partition();
  void maybe_flip_bits(const connection& conn, int side, std::string& bytes);

  void trace(trace_kind kind, std::uint64_t a, std::uint64_t b, std::uint64_t c,
             std::uint64_t d = 0);
  // For deadlock reports: what a parked op of this network waits for
  // ("a read on connection 7 (10.0.0.1:49152 <- 10.0.1.1:8080)"), or empty.
  [[nodiscard]] std::string describe_wait(std::uint64_t op_id) const;
  // Adds a connection's endpoints to a kept trace record about it.
  void annotate(trace_record& record, const trace_kind_info* info) const;

  world_state& state_;
  network_config config_;
  std::uint64_t next_connection_id_ = 1;
  // Ordered containers only: the network iterates them to decide things.
  std::map<std::uint64_t, std::shared_ptr<connection>> connections_;
  std::map<std::pair<std::vector<unsigned char>, unsigned short>, std::shared_ptr<listener>>
      listeners_;
  std::vector<partition_rule> partitions_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, nanoseconds> pair_latency_;
  std::optional<nanoseconds> last_bit_flip_;
  std::optional<nanoseconds> last_random_close_;
  // While recording a trace: every connection's endpoints and hosts as
  // text, the connecting end first. Kept after the connection is gone: its
  // last records are made after it is forgotten.
  struct connection_text {
    std::array<std::string, 2> endpoints;
    std::array<std::string, 2> hosts;
  };
  std::map<std::uint64_t, connection_text> connection_text_;
};

// The network of a world, created on first use. Lives as an Asio service of
// the world's io_context so that the runtime layer need not know about it.
network& network_of(world_state& state);

// Trace kinds of the network (trace.hpp reserves 100-199).
namespace kinds {
inline constexpr auto connect = static_cast<trace_kind>(100);          // conn, from, to, port
inline constexpr auto syn_arrived = static_cast<trace_kind>(101);      // conn, attempt
inline constexpr auto established = static_cast<trace_kind>(102);      // conn, error
inline constexpr auto transmit = static_cast<trace_kind>(103);         // conn, side, bytes, arrival
inline constexpr auto delivered = static_cast<trace_kind>(104);        // conn, side, bytes
inline constexpr auto fin = static_cast<trace_kind>(105);              // conn, side
inline constexpr auto reset = static_cast<trace_kind>(106);            // conn, side
inline constexpr auto closed = static_cast<trace_kind>(107);           // conn, side
inline constexpr auto accepted = static_cast<trace_kind>(108);         // conn
inline constexpr auto partial_write = static_cast<trace_kind>(120);    // conn, side, asked, taken
inline constexpr auto partial_read = static_cast<trace_kind>(121);     // conn, side, ready, given
inline constexpr auto write_clog = static_cast<trace_kind>(122);       // conn, side, until
inline constexpr auto read_clog = static_cast<trace_kind>(123);        // conn, side, until
inline constexpr auto partitioned = static_cast<trace_kind>(124);      // from, to, until
inline constexpr auto healed = static_cast<trace_kind>(125);           // rules left
inline constexpr auto bit_flip = static_cast<trace_kind>(126);         // conn, side, bits
inline constexpr auto random_close = static_cast<trace_kind>(127);     // conn, side, explicit
inline constexpr auto connect_refused = static_cast<trace_kind>(128);  // conn (fault)
inline constexpr auto connect_hang = static_cast<trace_kind>(129);     // conn (fault)
inline constexpr auto handshake_delay = static_cast<trace_kind>(130);  // conn, delay
inline constexpr auto host_aborted = static_cast<trace_kind>(131);     // host, connections
inline constexpr auto resolved = static_cast<trace_kind>(132);         // host, results, error; name

// Names for readers of a trace (detail/trace_kinds.hpp), registered by
// network.cpp. Records made when a scheduled event runs start with the
// event's sequence number ("seq"). Every record with a "conn" field also
// carries the connection's endpoints as notes: "from" is the end named by
// "side" (or the connecting end), "to" the other; "to_side" names the end a
// reset reaches. A record made outside every task (an event's) is put on
// the host where it happens: the receiving end of an arrival (net.syn,
// net.accept, net.deliver, net.fin, net.reset_arrived), else the "from"
// end. The world's generic events (trace_kind::event) scheduled here are
// told apart by their last field.
inline constexpr value_name close_ways[] = {{0, "shutdown"}, {1, "close"}, {2, "abort"}};
inline constexpr value_name partition_scopes[] = {{0, "pair"}, {1, "isolate"}, {2, "random"}};
inline constexpr trace_kind_info descriptions[] = {
    // The label repeats the endpoints, which the notes give.
    {connect, "net.connect", {"conn"}, ""},
    {syn_arrived, "net.syn", {"seq", "conn", "attempt"}},
    {established, "net.established", {"seq", "conn", "error"}},
    {transmit, "net.transmit", {"conn", "side", "bytes", "arrival_ns"}},
    {delivered, "net.deliver", {"seq", "conn", "side", "bytes"}},
    {fin, "net.fin", {"seq", "conn", "side"}},
    {reset, "net.reset", {"conn", "side"}},
    {reset, "net.reset_arrived", {"seq", "conn", "to_side"}, "label", when_field(3, 1)},
    {closed, "net.close", {"conn", "side", named_field("how", close_ways)}},
    {accepted, "net.accept", {"conn"}},
    {partial_write, "net.partial_write", {"conn", "side", "asked", "taken"}},
    {partial_read, "net.partial_read", {"conn", "side", "ready", "given"}},
    {write_clog, "net.write_clog", {"conn", "side", "until_ns"}},
    {read_clog, "net.read_clog", {"conn", "side", "until_ns"}},
    {partitioned,
     "net.partition",
     {host_field("from"), host_field("to"), "until_ns", named_field("scope", partition_scopes)}},
    // Host ids; both 0 when every rule went (heal_all) or expired.
    {healed, "net.heal", {"rules_left", "host_a", "host_b"}},
    {bit_flip, "net.bit_flip", {"conn", "side", "bits"}},
    {random_close, "net.random_close", {"conn", "side", "explicit"}},
    {connect_refused, "net.connect_refused", {"conn"}},
    {connect_hang, "net.connect_hang", {"conn"}},
    {handshake_delay, "net.handshake_delay", {"conn", "delay_ns"}},
    {host_aborted, "net.abort_host", {host_field("target"), "connections"}},
    {resolved, "net.resolve", {host_field("resolver"), "results", "error"}, "name"},
    {trace_kind::event, "net.write_clog_end", {"seq", "conn", "side"}, "label", when_field(3, 0)},
    {trace_kind::event, "net.read_clog_end", {"seq", "conn", "side"}, "label", when_field(3, 1)},
    {trace_kind::event, "net.heal_due", {"seq"}, "label", when_field(3, 2)},
    {trace_kind::event,
     "net.resolve_due",
     {"seq", host_field("resolver")},
     "label",
     when_field(3, 6)},
};
}  // namespace kinds

}  // namespace moonpool::sim::detail::net
