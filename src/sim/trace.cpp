#include "moonpool/sim/trace.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "moonpool/sim/detail/trace_kinds.hpp"
#include "moonpool/sim/random.hpp"

namespace moonpool::sim {

namespace {

// A 64 x 64 -> 128-bit product folded to 64 bits (wyhash's "mum"): one
// multiply that mixes every bit of both words.
__extension__ using u128 = unsigned __int128;
std::uint64_t fold_multiply(std::uint64_t a, std::uint64_t b) noexcept {
  const u128 product = static_cast<u128>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

// A distinct key per word position, so that moving a value to another field
// changes the digest (wyhash's secrets and splitmix64's constants).
constexpr std::array<std::uint64_t, 8> position_keys = {
    0xA0761D6478BD642FULL, 0xE7037ED1A0B428DBULL, 0x8EBC6AF09C88C6E3ULL, 0x589965CC75374CC3ULL,
    0x1D8E4E27C47D124FULL, 0x9E3779B97F4A7C15ULL, 0xBF58476D1CE4E5B9ULL, 0x94D049BB133111EBULL};

}  // namespace

// Every handler run and event adds a record, so this is on the engine's
// hottest path. The record's words are mixed in pairs by independent
// multiplies (they run side by side), and only their sum joins the running
// state, through one mix64: one short dependent step per record, where
// folding word by word made a chain of seven or more.
void trace_digest::add(trace_kind kind, std::uint64_t time_ns,
                       const std::array<std::uint64_t, 4>& fields,
                       std::string_view label) noexcept {
  std::uint64_t record = fold_multiply(static_cast<std::uint64_t>(kind) ^ position_keys[0],
                                       time_ns ^ position_keys[1]) ^
                         fold_multiply(fields[0] ^ position_keys[2], fields[1] ^ position_keys[3]) ^
                         fold_multiply(fields[2] ^ position_keys[4], fields[3] ^ position_keys[5]);
  if (!label.empty()) {
    // The label in 16-byte blocks, each with its place, then its length.
    std::uint64_t block = 0;
    for (std::size_t at = 0; at < label.size(); at += 16, ++block) {
      std::uint64_t words[2] = {0, 0};
      const std::size_t take = std::min<std::size_t>(16, label.size() - at);
      for (std::size_t i = 0; i < take; ++i) {
        words[i / 8] |= static_cast<std::uint64_t>(static_cast<unsigned char>(label[at + i]))
                        << (8 * (i % 8));
      }
      record ^= fold_multiply(words[0] ^ position_keys[6] ^ block,
                              words[1] ^ position_keys[7] ^ (block << 32));
    }
    record ^= fold_multiply(label.size() ^ position_keys[3], position_keys[6]);
  }
  state_ = mix64(state_ ^ record);
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

void append_key(std::string& out, std::string_view key) {
  out += ',';
  append_json_string(out, key);
  out += ':';
}

// The name of a named field's value; empty when it has none.
std::string_view value_name_of(const detail::trace_field& field, std::uint64_t value) {
  if (field.format != detail::field_format::named) {
    return {};
  }
  for (const detail::value_name& named : field.names) {
    if (named.value == value) {
      return named.name;
    }
  }
  return {};
}

}  // namespace

std::string trace_time_text(std::uint64_t time_ns) {
  char text[40];
  std::snprintf(text, sizeof text, "%llu.%09llus",
                static_cast<unsigned long long>(time_ns / 1'000'000'000),
                static_cast<unsigned long long>(time_ns % 1'000'000'000));
  return text;
}

std::string to_json_line(const trace_record& record) {
  const detail::trace_kind_info* info = detail::describe_trace_record(record);
  std::string out = "{\"t_ns\":" + std::to_string(record.time_ns);
  out += ",\"t\":\"" + trace_time_text(record.time_ns) + "\"";
  if (!record.host.empty()) {
    out += ",\"host\":";
    append_json_string(out, record.host);
  }
  if (!record.task.empty()) {
    out += ",\"task\":";
    append_json_string(out, record.task);
  }
  out += ",\"event\":";
  if (info != nullptr) {
    append_json_string(out, info->name);
  } else {
    append_json_string(out, "kind." + std::to_string(static_cast<std::uint32_t>(record.kind)));
  }
  std::vector<bool> note_written(record.notes.size(), false);
  for (std::size_t i = 0; i < record.fields.size(); ++i) {
    if (info == nullptr) {
      append_key(out, "f" + std::to_string(i));
      out += std::to_string(record.fields[i]);
      continue;
    }
    const detail::trace_field& field = info->fields[i];
    if (field.name.empty()) {
      continue;
    }
    append_key(out, field.name);
    // A note under the field's name (a host's name) stands for the number.
    const auto note = std::find_if(record.notes.begin(), record.notes.end(),
                                   [&](const trace_note& n) { return n.key == field.name; });
    if (note != record.notes.end()) {
      note_written[static_cast<std::size_t>(note - record.notes.begin())] = true;
      append_json_string(out, note->text);
    } else if (const std::string_view name = value_name_of(field, record.fields[i]);
               !name.empty()) {
      append_json_string(out, name);
    } else {
      out += std::to_string(record.fields[i]);
    }
  }
  for (std::size_t i = 0; i < record.notes.size(); ++i) {
    if (!note_written[i]) {
      append_key(out, record.notes[i].key);
      append_json_string(out, record.notes[i].text);
    }
  }
  const std::string_view label_key = info != nullptr ? info->label : "label";
  const std::string_view label =
      info != nullptr ? detail::written_label(*info, record.label) : record.label;
  if (!label.empty() && !label_key.empty()) {
    append_key(out, label_key);
    append_json_string(out, label);
  }
  out += "}";
  return out;
}

}  // namespace moonpool::sim
