#include "moonpool/sim/net/detail/network.hpp"

#include <algorithm>
#include <bit>
#include <boost/asio/error.hpp>
#include <set>
#include <stdexcept>

namespace moonpool::sim::detail::net {
namespace asio_error = boost::asio::error;

namespace {

class network_service : public boost::asio::execution_context::service {
 public:
  using key_type = network_service;
  static inline boost::asio::execution_context::id id;
  explicit network_service(boost::asio::execution_context& context)
      : boost::asio::execution_context::service(context),
        net_(boost::asio::use_service<world_service>(context).state()) {}
  network& get() noexcept { return net_; }

 private:
  void shutdown() override {}
  network net_;
};

std::uint64_t address_word(const boost::asio::ip::address& address) {
  if (address.is_v4()) {
    return address.to_v4().to_uint();
  }
  std::uint64_t word = 0;
  for (unsigned char byte : address.to_v6().to_bytes()) {
    word = mix64(word ^ byte);
  }
  return word;
}

std::vector<unsigned char> address_key(const boost::asio::ip::address& address) {
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    return {bytes.begin(), bytes.end()};
  }
  const auto bytes = address.to_v6().to_bytes();
  return {bytes.begin(), bytes.end()};
}

std::uint64_t as_u64(nanoseconds t) {
  return static_cast<std::uint64_t>(t.count());
}

std::string endpoint_text(const endpoint& e) {
  return e.address().to_string() + ":" + std::to_string(e.port());
}

const trace_kinds_registrar network_kinds_registered{kinds::descriptions};

}  // namespace

network& network_of(world_state& state) {
  return boost::asio::use_service<network_service>(state.context()).get();
}

network::network(world_state& state) : state_(state) {
  state_.add_wait_describer([this](std::uint64_t op_id) { return describe_wait(op_id); });
  state_.add_trace_annotator(
      [this](trace_record& record, const trace_kind_info* info) { annotate(record, info); });
}

void network::annotate(trace_record& record, const trace_kind_info* info) const {
  if (info == nullptr || !info->name.starts_with("net.")) {
    return;
  }
  auto field = [info](std::string_view name) -> int {
    for (int i = 0; i < 4; ++i) {
      if (info->fields[i].name == name) {
        return i;
      }
    }
    return -1;
  };
  const int conn = field("conn");
  if (conn < 0) {
    return;
  }
  const auto it = connection_text_.find(record.fields[conn]);
  if (it == connection_text_.end()) {
    return;
  }
  const connection_text& text = it->second;
  // The end the record is about sends ("from"); a reset's end receives.
  std::size_t from = 0;
  const int side = field("side");
  const int to_side = field("to_side");
  if (side >= 0 && record.fields[side] < 2) {
    from = record.fields[side];
  } else if (to_side >= 0 && record.fields[to_side] < 2) {
    from = 1 - record.fields[to_side];
  }
  record.notes.push_back({"from", text.endpoints[from]});
  record.notes.push_back({"to", text.endpoints[1 - from]});
  if (record.host.empty()) {
    const bool arrival = record.kind == kinds::syn_arrived || record.kind == kinds::accepted ||
                         record.kind == kinds::delivered || record.kind == kinds::fin ||
                         to_side >= 0;
    record.host = text.hosts[arrival ? 1 - from : from];
  }
}

std::string network::describe_wait(std::uint64_t op_id) const {
  auto has = [op_id](const std::deque<std::uint64_t>& ops) {
    return std::find(ops.begin(), ops.end(), op_id) != ops.end();
  };
  const auto text = endpoint_text;
  for (const auto& [id, conn] : connections_) {
    for (const end_state& end : conn->ends) {
      const std::string where = "connection " + std::to_string(id) + " (" + text(end.local);
      if (has(end.reads)) {
        return "a read on " + where + " <- " + text(end.remote) + ")" +
               (end.established ? "" : ", not yet established");
      }
      if (has(end.writes)) {
        return "a write on " + where + " -> " + text(end.remote) + ")";
      }
      if (end.connect_op == op_id) {
        return "a connect on " + where + " -> " + text(end.remote) + ")";
      }
    }
  }
  for (const auto& [key, l] : listeners_) {
    if (has(l->accepts)) {
      return "an accept on " + text(l->local);
    }
  }
  return {};
}

void network::set_config(const network_config& config) {
  config.validate();
  config_ = config;
}

void network::trace(trace_kind kind, std::uint64_t a, std::uint64_t b, std::uint64_t c,
                    std::uint64_t d) {
  state_.trace(kind, {a, b, c, d});
}

// --- latency and chaos rolls ----------------------------------------------------

nanoseconds network::pair_latency(const host_record& from, const host_record& to) {
  if (config_.pair_latency_max <= nanoseconds(0)) {
    return nanoseconds(0);
  }
  // Drawn once per ordered pair, at first contact, and kept for the run.
  auto [it, inserted] = pair_latency_.try_emplace({from.id, to.id}, nanoseconds(0));
  if (inserted) {
    it->second = nanoseconds(state_.streams().simulation.below(as_u64(config_.pair_latency_max)));
  }
  return it->second;
}

nanoseconds network::one_way_latency(const host_record& from, const host_record& to) {
  // Two statements: both may draw, and the operands of + are unsequenced.
  const nanoseconds sampled = config_.delivery_latency.sample(state_.streams().simulation);
  return sampled + pair_latency(from, to);
}

bool network::roll_random_close(const std::shared_ptr<connection>& conn, int side) {
  if (conn->stable || !(config_.random_close_probability > 0.0)) {
    return false;
  }
  const nanoseconds now = state_.now();
  if (last_random_close_ && now - *last_random_close_ < config_.random_close_cooldown) {
    return false;
  }
  random_stream& random = state_.streams().simulation;
  if (!random.chance(config_.random_close_probability)) {
    return false;
  }
  last_random_close_ = now;
  const bool explicit_close = random.chance(config_.random_close_explicit_ratio);
  trace(kinds::random_close, conn->id, side, explicit_close ? 1 : 0);
  if (explicit_close) {
    reset_connection(conn, side, /*notify_peer=*/true);
  } else {
    conn->black_hole = true;  // half-open: both ends believe it is alive
  }
  return explicit_close;
}

void network::roll_write_clog(const std::shared_ptr<connection>& conn, int side) {
  flow& f = conn->flows[side];
  const nanoseconds now = state_.now();
  if (conn->stable || f.clogged_until > now || !(config_.write_clog_probability > 0.0)) {
    return;
  }
  random_stream& random = state_.streams().simulation;
  if (!random.chance(config_.write_clog_probability)) {
    return;
  }
  f.clogged_until = now + config_.clog_duration.sample(random);
  trace(kinds::write_clog, conn->id, side, as_u64(f.clogged_until));
  state_.schedule_at(f.clogged_until, trace_kind::event,
                     {conn->id, static_cast<std::uint64_t>(side), 0},
                     [this, conn, side] { pump(conn, side); });
}

void network::roll_read_clog(const std::shared_ptr<connection>& conn, int side) {
  end_state& end = conn->ends[side];
  const nanoseconds now = state_.now();
  if (conn->stable || end.read_clogged_until > now || !(config_.read_clog_probability > 0.0)) {
    return;
  }
  random_stream& random = state_.streams().simulation;
  if (!random.chance(config_.read_clog_probability)) {
    return;
  }
  end.read_clogged_until = now + config_.clog_duration.sample(random);
  trace(kinds::read_clog, conn->id, side, as_u64(end.read_clogged_until));
  state_.schedule_at(end.read_clogged_until, trace_kind::event,
                     {conn->id, static_cast<std::uint64_t>(side), 1},
                     [this, conn, side] { serve_reads(conn, side); });
}

void network::maybe_flip_bits(const connection& conn, int side, std::string& bytes) {
  if (conn.stable || bytes.empty() || !(config_.bit_flip_probability > 0.0)) {
    return;
  }
  const nanoseconds now = state_.now();
  if (last_bit_flip_ && now - *last_bit_flip_ < config_.bit_flip_cooldown) {
    return;
  }
  random_stream& random = state_.streams().simulation;
  if (!random.chance(config_.bit_flip_probability)) {
    return;
  }
  last_bit_flip_ = now;
  // A power law: one bit half the time, two a quarter of the time, ...
  const auto draw = static_cast<std::uint32_t>(random.next_u64());
  const int bits = std::min(32, 1 + std::countl_zero(draw));
  std::set<std::pair<std::uint64_t, std::uint64_t>> flipped;
  for (int i = 0; i < bits; ++i) {
    const std::uint64_t byte = random.below(bytes.size());
    const std::uint64_t bit = random.below(8);
    if (flipped.insert({byte, bit}).second) {
      bytes[byte] = static_cast<char>(static_cast<unsigned char>(bytes[byte]) ^ (1u << bit));
    }
  }
  trace(kinds::bit_flip, conn.id, side, flipped.size());
}

// --- partitions ---------------------------------------------------------------------

bool network::blocked(const host_record& from, const host_record& to) {
  const nanoseconds now = state_.now();
  for (const partition_rule& rule : partitions_) {
    if (rule.until <= now) {
      continue;
    }
    switch (rule.what) {
      case partition_rule::kind::pair:
        if (rule.from_host == from.id && rule.to_host == to.id) {
          return true;
        }
        break;
      case partition_rule::kind::send_block:
        if (rule.from_host == from.id) {
          return true;
        }
        break;
      case partition_rule::kind::receive_block:
        if (rule.to_host == to.id) {
          return true;
        }
        break;
    }
  }
  return false;
}

void network::schedule_heal(nanoseconds until) {
  if (until == nanoseconds::max()) {
    return;  // healed only by heal()/heal_all()
  }
  state_.schedule_at(until, trace_kind::event, {0, 0, 2}, [this] {
    const nanoseconds now = state_.now();
    std::erase_if(partitions_, [now](const partition_rule& r) { return r.until <= now; });
    trace(kinds::healed, partitions_.size(), 0, 0);
    resume_all();
  });
}

void network::partition(host_record& from, host_record& to, nanoseconds duration) {
  const nanoseconds until =
      duration == nanoseconds::max() ? nanoseconds::max() : state_.now() + duration;
  partitions_.push_back({partition_rule::kind::pair, from.id, to.id, until});
  trace(kinds::partitioned, from.id, to.id, as_u64(until));
  schedule_heal(until);
}

void network::isolate(host_record& host, nanoseconds duration) {
  const nanoseconds until =
      duration == nanoseconds::max() ? nanoseconds::max() : state_.now() + duration;
  partitions_.push_back({partition_rule::kind::send_block, host.id, 0, until});
  partitions_.push_back({partition_rule::kind::receive_block, 0, host.id, until});
  trace(kinds::partitioned, host.id, host.id, as_u64(until), 1);
  schedule_heal(until);
}

void network::heal(host_record& a, host_record& b) {
  // Both directions, and any block on either host (the reference engine
  // healed only one direction of one pair).
  std::erase_if(partitions_, [&](const partition_rule& r) {
    const bool pair =
        r.what == partition_rule::kind::pair &&
        ((r.from_host == a.id && r.to_host == b.id) || (r.from_host == b.id && r.to_host == a.id));
    const bool block =
        (r.what == partition_rule::kind::send_block &&
         (r.from_host == a.id || r.from_host == b.id)) ||
        (r.what == partition_rule::kind::receive_block && (r.to_host == a.id || r.to_host == b.id));
    return pair || block;
  });
  trace(kinds::healed, partitions_.size(), a.id, b.id);
  resume_all();
}

void network::heal_all() {
  partitions_.clear();
  trace(kinds::healed, 0, 0, 0);
  resume_all();
}

void network::resume_all() {
  // Copy: pumping may forget connections.
  std::vector<std::shared_ptr<connection>> live;
  for (const auto& [id, conn] : connections_) {
    live.push_back(conn);
  }
  for (const auto& conn : live) {
    pump(conn, 0);
    pump(conn, 1);
  }
}

void network::roll_random_partition() {
  random_stream& random = state_.streams().simulation;
  if (!random.chance(config_.partition_probability)) {
    return;
  }
  std::vector<host_record*> hosts;
  for (const host_record& h : state_.hosts()) {
    hosts.push_back(const_cast<host_record*>(&h));
  }
  if (hosts.size() < 2) {
    return;
  }
  std::vector<bool> cut(hosts.size(), false);
  switch (config_.partition_kind) {
    case partition_strategy::random:
      for (std::size_t i = 0; i < hosts.size(); ++i) {
        cut[i] = random.chance(0.5);
      }
      break;
    case partition_strategy::uniform_size: {
      const std::uint64_t size = random.between(1, hosts.size());
      std::vector<std::size_t> order(hosts.size());
      for (std::size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
      }
      for (std::size_t i = order.size() - 1; i > 0; --i) {  // Fisher-Yates
        std::swap(order[i], order[random.below(i + 1)]);
      }
      for (std::uint64_t i = 0; i < size; ++i) {
        cut[order[i]] = true;
      }
      break;
    }
    case partition_strategy::isolate_single:
      cut[random.below(hosts.size())] = true;
      break;
  }
  const auto cut_count = std::count(cut.begin(), cut.end(), true);
  if (cut_count == 0 || cut_count == static_cast<long>(hosts.size())) {
    return;
  }
  const nanoseconds until = state_.now() + config_.partition_duration.sample(random);
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    for (std::size_t j = 0; j < hosts.size(); ++j) {
      if (cut[i] && !cut[j]) {
        partitions_.push_back({partition_rule::kind::pair, hosts[i]->id, hosts[j]->id, until});
        partitions_.push_back({partition_rule::kind::pair, hosts[j]->id, hosts[i]->id, until});
        trace(kinds::partitioned, hosts[i]->id, hosts[j]->id, as_u64(until), 2);
      }
    }
  }
  schedule_heal(until);
}

// --- connect --------------------------------------------------------------------------

std::shared_ptr<connection> network::new_client_connection(host_record& host) {
  auto conn = std::make_shared<connection>();
  conn->id = next_connection_id_++;
  end_state& client = conn->ends[0];
  client.host = &host;
  client.local = endpoint(host.address, host.next_ephemeral_port);
  host.next_ephemeral_port = host.next_ephemeral_port == 65535
                                 ? 49152
                                 : static_cast<std::uint16_t>(host.next_ephemeral_port + 1);
  connections_.emplace(conn->id, conn);
  return conn;
}

void network::submit_connect(const std::shared_ptr<connection>& conn, const endpoint& target,
                             std::uint64_t op_id) {
  end_state& client = conn->ends[0];
  client.remote = target;
  client.connect_op = op_id;
  const host_record* server_host = state_.find_host(target.address());
  // The label names both endpoints; later records of this connection carry
  // its id, and in a kept trace its endpoints (annotate()).
  std::string client_text = endpoint_text(client.local);
  std::string server_text = endpoint_text(target);
  const std::string label = client_text + " -> " + server_text;
  if (state_.recording()) {
    connection_text_[conn->id] = {
        {std::move(client_text), std::move(server_text)},
        {client.host->display_name(),
         server_host != nullptr ? server_host->display_name() : std::string()}};
  }
  state_.trace(
      kinds::connect,
      {conn->id, address_word(client.host->address), address_word(target.address()), target.port()},
      label);
  random_stream& random = state_.streams().simulation;
  nanoseconds delay = config_.connect_latency.sample(random);
  if (server_host != nullptr) {
    delay += pair_latency(*client.host, *server_host);
  }

  if (config_.connect_failure != connect_failure_mode::none &&
      random.chance(config_.connect_failure_probability)) {
    const bool hang =
        config_.connect_failure == connect_failure_mode::hang ||
        (config_.connect_failure == connect_failure_mode::mixed && random.chance(0.5));
    if (hang) {
      trace(kinds::connect_hang, conn->id, 0, 0);
      return;  // never completes; cancellation or close ends it
    }
    trace(kinds::connect_refused, conn->id, 0, 0);
    finish_connect(conn, asio_error::connection_refused, delay);
    return;
  }
  if (config_.handshake_delay_probability > 0.0 &&
      random.chance(config_.handshake_delay_probability)) {
    const nanoseconds extra = config_.handshake_delay.sample(random);
    trace(kinds::handshake_delay, conn->id, as_u64(extra), 0);
    delay += extra;
  }
  const nanoseconds started = state_.now();
  client.connect_event =
      state_.schedule_at(started + delay, kinds::syn_arrived, {conn->id, 0, 0},
                         [this, conn, target, started] { syn_arrives(conn, target, 0, started); });
}

void network::syn_arrives(const std::shared_ptr<connection>& conn, endpoint target, int attempt,
                          nanoseconds started) {
  end_state& client = conn->ends[0];
  client.connect_event.reset();
  host_record* server_host = state_.find_host(target.address());
  if (server_host == nullptr) {
    finish_connect(conn, asio_error::host_unreachable, nanoseconds(0));
    return;
  }
  if (blocked(*client.host, *server_host) || blocked(*server_host, *client.host)) {
    // The SYN (or its answer) is lost; TCP retries with exponential backoff.
    const nanoseconds backoff =
        std::chrono::seconds(1) * (std::int64_t{1} << std::min(attempt, 20));
    if (state_.now() + backoff - started > config_.connect_timeout) {
      finish_connect(conn, asio_error::timed_out, nanoseconds(0));
      return;
    }
    client.connect_event =
        state_.schedule_at(state_.now() + backoff, kinds::syn_arrived,
                           {conn->id, static_cast<std::uint64_t>(attempt + 1), 0},
                           [this, conn, target, attempt, started] {
                             syn_arrives(conn, target, attempt + 1, started);
                           });
    return;
  }
  const nanoseconds answer = one_way_latency(*server_host, *client.host);
  auto it = listeners_.find({address_key(target.address()), target.port()});
  if (it == listeners_.end() || !it->second->open ||
      it->second->backlog.size() >= config_.listen_backlog_max) {
    finish_connect(conn, asio_error::connection_refused, answer);
    return;
  }
  listener& l = *it->second;
  end_state& server = conn->ends[1];
  server.host = server_host;
  server.local = target;
  server.remote = client.local;
  server.established = true;
  l.backlog.push_back(conn);
  finish_connect(conn, error_code(), answer);
  serve_accepts(l);
}

void network::finish_connect(const std::shared_ptr<connection>& conn, error_code ec,
                             nanoseconds after) {
  end_state& client = conn->ends[0];
  client.connect_event = state_.schedule_at(
      state_.now() + after, kinds::established,
      {conn->id, static_cast<std::uint64_t>(ec.value()), 0}, [this, conn, ec] {
        end_state& c = conn->ends[0];
        c.connect_event.reset();
        if (!ec) {
          c.established = true;
        } else {
          c.reset = true;  // a failed connect leaves nothing to talk to
        }
        if (c.connect_op) {
          complete_parked<error_code>(state_, *std::exchange(c.connect_op, std::nullopt), ec);
        }
        if (ec) {
          // Reads and writes issued while the connect was under way fail
          // with it, as the reactor wakes them with the socket's error.
          fail_ops(c.reads, ec);
          fail_ops(c.writes, ec);
          forget_if_done(conn);
        } else {
          pump(conn, 0);
        }
      });
}

// --- accept ---------------------------------------------------------------------------

std::shared_ptr<listener> network::listen(host_record& host, endpoint local, error_code& ec) {
  if (local.address().is_unspecified()) {
    local = endpoint(host.address, local.port());
  }
  if (local.address() != host.address) {
    ec = boost::system::errc::make_error_code(boost::system::errc::address_not_available);
    return nullptr;
  }
  if (local.port() == 0) {
    local.port(host.next_ephemeral_port);
    host.next_ephemeral_port = host.next_ephemeral_port == 65535
                                   ? 49152
                                   : static_cast<std::uint16_t>(host.next_ephemeral_port + 1);
  }
  auto key = std::make_pair(address_key(local.address()), local.port());
  if (listeners_.contains(key)) {
    ec = asio_error::address_in_use;
    return nullptr;
  }
  auto l = std::make_shared<listener>();
  l->host = &host;
  l->local = local;
  listeners_.emplace(std::move(key), l);
  ec = {};
  return l;
}

void network::submit_accept(const std::shared_ptr<listener>& l, std::uint64_t op_id) {
  if (!l->open) {
    std::unique_ptr<parked_op> op = state_.unpark(op_id);
    static_cast<accept_op_base&>(*op).complete(asio_error::bad_descriptor, nullptr);
    return;
  }
  l->accepts.push_back(op_id);
  serve_accepts(*l);
}

void network::serve_accepts(listener& l) {
  while (!l.accepts.empty() && !l.backlog.empty()) {
    std::unique_ptr<parked_op> op = state_.unpark(l.accepts.front());
    l.accepts.pop_front();
    if (!op) {
      continue;  // cancelled
    }
    std::shared_ptr<connection> conn = std::move(l.backlog.front());
    l.backlog.pop_front();
    trace(kinds::accepted, conn->id, 0, 0);
    static_cast<accept_op_base&>(*op).complete(error_code(), std::move(conn));
  }
}

void network::cancel_accepts(listener& l) {
  while (!l.accepts.empty()) {
    if (std::unique_ptr<parked_op> op = state_.unpark(l.accepts.front())) {
      static_cast<accept_op_base&>(*op).complete(asio_error::operation_aborted, nullptr);
    }
    l.accepts.pop_front();
  }
}

void network::close_listener(const std::shared_ptr<listener>& l) {
  if (!l->open) {
    return;
  }
  l->open = false;
  listeners_.erase({address_key(l->local.address()), l->local.port()});
  cancel_accepts(*l);
  // Connections nobody accepted are reset, as the kernel does.
  for (auto& conn : l->backlog) {
    reset_connection(conn, 1, /*notify_peer=*/true);
  }
  l->backlog.clear();
}

// --- data ----------------------------------------------------------------------------

void network::submit_write(const std::shared_ptr<connection>& conn, int side, std::uint64_t op_id) {
  end_state& end = conn->ends[side];
  if (!end.reset && !end.send_shutdown) {
    if (roll_random_close(conn, side)) {
      // Explicit close: the reset already failed every parked op of this end.
    }
    roll_write_clog(conn, side);
  }
  end.writes.push_back(op_id);
  pump(conn, side);
}

void network::submit_read(const std::shared_ptr<connection>& conn, int side, std::uint64_t op_id) {
  end_state& end = conn->ends[side];
  if (!end.reset) {
    roll_random_close(conn, side);
    roll_read_clog(conn, side);
  }
  end.reads.push_back(op_id);
  serve_reads(conn, side);
}

void network::pump(const std::shared_ptr<connection>& conn, int side) {
  // Alternate until neither step makes progress: accepting writes fills the
  // send buffer, transmitting drains it.
  for (;;) {
    const bool accepted = accept_writes(conn, side);
    const bool transmitted = transmit(conn, side);
    if (!accepted && !transmitted) {
      return;
    }
  }
}

bool network::accept_writes(const std::shared_ptr<connection>& conn, int side) {
  end_state& end = conn->ends[side];
  flow& f = conn->flows[side];
  bool progressed = false;
  while (!end.writes.empty()) {
    parked_op* found = state_.find_parked(end.writes.front());
    if (found == nullptr) {
      end.writes.pop_front();  // cancelled
      continue;
    }
    auto& op = static_cast<write_op_base&>(*found);
    error_code ec;
    std::size_t taken = 0;
    if (end.reset) {
      ec = asio_error::connection_reset;
    } else if (end.send_shutdown) {
      ec = asio_error::broken_pipe;
    } else if (!end.established) {
      return progressed;  // still connecting
    } else if (op.capacity() > 0) {
      const std::size_t room = config_.send_buffer_bytes_max -
                               std::min(config_.send_buffer_bytes_max, f.send_buffer.size());
      if (room == 0) {
        return progressed;  // backpressure: wait for the buffer to drain
      }
      taken = std::min(op.capacity(), room);
      if (taken > 1 && !conn->stable && config_.partial_write_probability > 0.0 &&
          state_.streams().simulation.chance(config_.partial_write_probability)) {
        const std::size_t asked = taken;
        taken = state_.streams().simulation.between(1, asked);
        trace(kinds::partial_write, conn->id, side, asked, taken);
      }
      f.send_buffer.append(op.bytes(taken));
    }
    const std::uint64_t op_id = end.writes.front();
    end.writes.pop_front();
    complete_parked<error_code, std::size_t>(state_, op_id, ec, taken);
    progressed = true;
  }
  return progressed;
}

bool network::transmit(const std::shared_ptr<connection>& conn, int side) {
  end_state& from = conn->ends[side];
  end_state& to = conn->ends[1 - side];
  flow& f = conn->flows[side];
  if (!from.established || from.reset || to.host == nullptr) {
    return false;
  }
  if (config_.partition_probability > 0.0 && !f.send_buffer.empty()) {
    roll_random_partition();
  }
  const nanoseconds now = state_.now();
  if (f.send_buffer.empty() || f.clogged_until > now || blocked(*from.host, *to.host)) {
    if (f.send_buffer.empty() && from.send_shutdown && !f.fin_sent && f.clogged_until <= now &&
        !blocked(*from.host, *to.host)) {
      send_fin(conn, side);
    }
    return false;
  }
  const std::size_t used = f.receive_buffer.size() + f.in_flight;
  if (used >= config_.receive_buffer_bytes_max) {
    return false;  // the receiver's window is closed until it reads
  }
  const std::size_t count = std::min(f.send_buffer.size(), config_.receive_buffer_bytes_max - used);
  std::string bytes = f.send_buffer.take(count);
  if (conn->black_hole) {
    return true;  // swallowed: the sender believes it was sent
  }
  maybe_flip_bits(*conn, side, bytes);
  const nanoseconds arrival = std::max(now + one_way_latency(*from.host, *to.host), f.last_arrival);
  f.last_arrival = arrival;
  const std::size_t size = bytes.size();  // before the lambda takes the bytes
  f.in_flight += size;
  trace(kinds::transmit, conn->id, static_cast<std::uint64_t>(side), size, as_u64(arrival));
  state_.schedule_at(arrival, kinds::delivered, {conn->id, static_cast<std::uint64_t>(side), size},
                     [this, conn, side, bytes = std::move(bytes)]() mutable {
                       deliver(conn, side, std::move(bytes));
                     });
  return true;
}

void network::send_fin(const std::shared_ptr<connection>& conn, int side) {
  flow& f = conn->flows[side];
  f.fin_sent = true;
  if (conn->black_hole) {
    return;
  }
  const end_state& from = conn->ends[side];
  const end_state& to = conn->ends[1 - side];
  const nanoseconds arrival =
      std::max(state_.now() + one_way_latency(*from.host, *to.host), f.last_arrival);
  f.last_arrival = arrival;
  state_.schedule_at(arrival, kinds::fin, {conn->id, static_cast<std::uint64_t>(side), 0},
                     [this, conn, side] {
                       flow& arrived = conn->flows[side];
                       arrived.fin_arrived = true;
                       serve_reads(conn, 1 - side);
                       forget_if_done(conn);
                     });
}

void network::deliver(const std::shared_ptr<connection>& conn, int side, std::string bytes) {
  flow& f = conn->flows[side];
  f.in_flight -= bytes.size();
  end_state& to = conn->ends[1 - side];
  if (to.reset) {
    return;
  }
  if (to.closed) {
    // Data for a socket that was closed: the kernel answers with a reset.
    reset_connection(conn, 1 - side, /*notify_peer=*/true);
    return;
  }
  f.receive_buffer.append(std::move(bytes));
  serve_reads(conn, 1 - side);
}

void network::serve_reads(const std::shared_ptr<connection>& conn, int side) {
  end_state& end = conn->ends[side];
  flow& incoming = conn->flows[1 - side];
  bool window_opened = false;
  while (!end.reads.empty()) {
    parked_op* found = state_.find_parked(end.reads.front());
    if (found == nullptr) {
      end.reads.pop_front();  // cancelled
      continue;
    }
    auto& op = static_cast<read_op_base&>(*found);
    error_code ec;
    std::size_t given = 0;
    if (end.reset) {
      ec = asio_error::connection_reset;
    } else if (op.capacity() == 0) {
      // An empty buffer completes at once, as with a real socket.
    } else if (!incoming.receive_buffer.empty()) {
      if (end.read_clogged_until > state_.now()) {
        break;
      }
      given = std::min(op.capacity(), incoming.receive_buffer.size());
      if (given > 1 && !conn->stable && config_.partial_read_probability > 0.0 &&
          state_.streams().simulation.chance(config_.partial_read_probability)) {
        const std::size_t ready = given;
        given = state_.streams().simulation.between(1, ready);  // never zero
        trace(kinds::partial_read, conn->id, side, ready, given);
      }
      op.fill(incoming.receive_buffer, given);
      window_opened = true;
    } else if (incoming.fin_arrived || end.receive_shutdown) {
      ec = asio_error::eof;
    } else {
      break;  // wait for data
    }
    const std::uint64_t op_id = end.reads.front();
    end.reads.pop_front();
    complete_parked<error_code, std::size_t>(state_, op_id, ec, given);
  }
  if (window_opened) {
    pump(conn, 1 - side);
  }
}

std::size_t network::available(const connection& conn, int side) const {
  return conn.flows[1 - side].receive_buffer.size();
}

// --- close, shutdown, reset -------------------------------------------------------------

void network::fail_ops(std::deque<std::uint64_t>& ops, error_code ec) {
  while (!ops.empty()) {
    const std::uint64_t op_id = ops.front();
    ops.pop_front();
    complete_parked<error_code, std::size_t>(state_, op_id, ec, 0);
  }
}

void network::cancel_end(const std::shared_ptr<connection>& conn, int side) {
  end_state& end = conn->ends[side];
  fail_ops(end.reads, asio_error::operation_aborted);
  fail_ops(end.writes, asio_error::operation_aborted);
  if (end.connect_op) {
    if (end.connect_event) {
      state_.cancel_event(*std::exchange(end.connect_event, std::nullopt));
    }
    complete_parked<error_code>(state_, *std::exchange(end.connect_op, std::nullopt),
                                asio_error::operation_aborted);
    end.reset = true;  // an abandoned connect leaves nothing behind
    if (conn->ends[1].host != nullptr && !conn->ends[1].reset) {
      reset_connection(conn, 0, /*notify_peer=*/true);
    }
  }
}

void network::shutdown_end(const std::shared_ptr<connection>& conn, int side, bool send,
                           bool receive) {
  end_state& end = conn->ends[side];
  if (receive && !end.receive_shutdown) {
    end.receive_shutdown = true;
    serve_reads(conn, side);
  }
  if (send && !end.send_shutdown) {
    end.send_shutdown = true;
    trace(kinds::closed, conn->id, side, 0);
    pump(conn, side);
  }
}

void network::abort_end(const std::shared_ptr<connection>& conn, int side) {
  end_state& end = conn->ends[side];
  if (end.closed) {
    return;
  }
  cancel_end(conn, side);
  end.closed = true;
  trace(kinds::closed, conn->id, side, 2);
  if (!end.reset && end.established) {
    reset_connection(conn, side, /*notify_peer=*/true);
  }
  forget_if_done(conn);
}

void network::close_end(const std::shared_ptr<connection>& conn, int side) {
  end_state& end = conn->ends[side];
  if (end.closed) {
    return;
  }
  cancel_end(conn, side);
  end.closed = true;
  trace(kinds::closed, conn->id, side, 1);
  if (!end.reset && end.established) {
    if (!conn->flows[1 - side].receive_buffer.empty()) {
      // Closing with unread data sends a reset, not a FIN (as Linux does).
      reset_connection(conn, side, /*notify_peer=*/true);
    } else {
      end.send_shutdown = true;
      pump(conn, side);
    }
  }
  forget_if_done(conn);
}

void network::reset_end(const std::shared_ptr<connection>& conn, int side) {
  end_state& end = conn->ends[side];
  if (end.reset) {
    return;
  }
  end.reset = true;
  trace(kinds::reset, conn->id, side, 0);
  conn->flows[side].send_buffer.clear();
  conn->flows[1 - side].receive_buffer.clear();
  fail_ops(end.reads, asio_error::connection_reset);
  fail_ops(end.writes, asio_error::connection_reset);
  if (end.connect_op) {
    if (end.connect_event) {
      state_.cancel_event(*std::exchange(end.connect_event, std::nullopt));
    }
    complete_parked<error_code>(state_, *std::exchange(end.connect_op, std::nullopt),
                                asio_error::connection_reset);
  }
}

void network::reset_connection(const std::shared_ptr<connection>& conn, int side,
                               bool notify_peer) {
  reset_end(conn, side);
  end_state& peer = conn->ends[1 - side];
  if (notify_peer && peer.host != nullptr && !peer.reset && !conn->black_hole) {
    const nanoseconds arrival = state_.now() + one_way_latency(*conn->ends[side].host, *peer.host);
    state_.schedule_at(arrival, kinds::reset, {conn->id, static_cast<std::uint64_t>(1 - side), 1},
                       [this, conn, side] {
                         reset_end(conn, 1 - side);
                         forget_if_done(conn);
                       });
  }
  forget_if_done(conn);
}

void network::forget_if_done(const std::shared_ptr<connection>& conn) {
  auto done = [](const end_state& e) { return e.closed || e.reset || e.host == nullptr; };
  if (done(conn->ends[0]) && done(conn->ends[1])) {
    connections_.erase(conn->id);
  }
}

void network::abort_host(host_record& host) {
  std::vector<std::shared_ptr<connection>> affected;
  for (const auto& [id, conn] : connections_) {
    if (conn->ends[0].host == &host || conn->ends[1].host == &host) {
      affected.push_back(conn);
    }
  }
  trace(kinds::host_aborted, host.id, affected.size(), 0);
  for (const auto& conn : affected) {
    const int side = conn->ends[0].host == &host ? 0 : 1;
    reset_connection(conn, side, /*notify_peer=*/true);
  }
  std::vector<std::shared_ptr<listener>> owned;
  for (const auto& [key, l] : listeners_) {
    if (l->host == &host) {
      owned.push_back(l);
    }
  }
  for (const auto& l : owned) {
    close_listener(l);
  }
}

}  // namespace moonpool::sim::detail::net
