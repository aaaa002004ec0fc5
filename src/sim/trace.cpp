#include "moonpool/sim/trace.hpp"

#include <cstdio>

#include "moonpool/sim/random.hpp"

namespace moonpool::sim {

std::string_view trace_kind_name(trace_kind kind) noexcept {
  switch (kind) {
    case trace_kind::schedule:
      return "schedule";
    case trace_kind::timer_fired:
      return "timer_fired";
    case trace_kind::task_spawned:
      return "task_spawned";
    case trace_kind::task_finished:
      return "task_finished";
    case trace_kind::event:
      return "event";
    case trace_kind::asio_timer:
      return "asio_timer";
    case trace_kind::escape:
      return "escape";
    case trace_kind::random_draws:
      return "random_draws";
  }
  return "other";
}

void trace_digest::add(trace_kind kind, std::uint64_t time_ns,
                       const std::array<std::uint64_t, 4>& fields,
                       std::string_view label) noexcept {
  auto fold = [this](std::uint64_t word) { state_ = mix64(state_ ^ word); };
  fold(static_cast<std::uint64_t>(kind));
  fold(time_ns);
  for (std::uint64_t field : fields) {
    fold(field);
  }
  fold(label.size());
  std::uint64_t word = 0;
  std::size_t byte_index = 0;
  for (char c : label) {
    word |= static_cast<std::uint64_t>(static_cast<unsigned char>(c)) << (8 * byte_index);
    if (++byte_index == 8) {
      fold(word);
      word = 0;
      byte_index = 0;
    }
  }
  if (byte_index != 0) {
    fold(word);
  }
}

std::string trace_digest::hex() const {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(state_));
  return text;
}

namespace {

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

std::string to_json_line(const trace_record& record) {
  std::string out = "{\"kind\":";
  append_json_string(out, trace_kind_name(record.kind));
  out += ",\"code\":" + std::to_string(static_cast<std::uint32_t>(record.kind));
  out += ",\"time_ns\":" + std::to_string(record.time_ns);
  out += ",\"fields\":[";
  for (std::size_t i = 0; i < record.fields.size(); ++i) {
    out += (i == 0 ? "" : ",") + std::to_string(record.fields[i]);
  }
  out += "]";
  if (!record.label.empty()) {
    out += ",\"label\":";
    append_json_string(out, record.label);
  }
  if (!record.task.empty()) {
    out += ",\"task\":";
    append_json_string(out, record.task);
  }
  if (!record.host.empty()) {
    out += ",\"host\":";
    append_json_string(out, record.host);
  }
  out += "}";
  return out;
}

}  // namespace moonpool::sim
