#pragma once
// Names for trace records, for the people and tools that read a trace.
//
// A trace record is a kind number, a time, four 64-bit fields and a label:
// that is what trace_hash digests. Readers need more: which event it is
// ("net.transmit") and what each field means ("conn", "side", "bytes",
// "arrival_ns"). Each layer describes the kinds it defines in a table next
// to their numbers and registers the table from the source file that emits
// them (a trace_kinds_registrar at namespace scope), so the registry never
// needs a list of every layer. None of this is hashed: renaming an event or
// a field changes what a --trace file says, never a seed's trace_hash.
//
// The registry is written only while static objects are constructed,
// before main(), and only read afterwards.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "moonpool/sim/trace.hpp"

namespace moonpool::sim::detail {

// How a field's value is written for readers.
enum class field_format : std::uint8_t {
  number,  // as is
  host,    // a host id, written as the host's name (or address)
  named,   // a code, written as its name from the field's table
};

// One value of a `named` field and its name.
struct value_name {
  std::uint64_t value;
  std::string_view name;
};

// One of a record's four fields.
struct trace_field {
  constexpr trace_field() = default;
  // A plain number; implicit so that tables read {"conn", "side", "bytes"}.
  constexpr trace_field(const char* field_name) : name(field_name) {}  // NOLINT
  constexpr trace_field(std::string_view field_name, field_format field_format_,
                        std::span<const value_name> value_names = {})
      : name(field_name), format(field_format_), names(value_names) {}

  std::string_view name;  // empty: the field is not used and not written
  field_format format = field_format::number;
  std::span<const value_name> names;  // for field_format::named
};

constexpr trace_field host_field(std::string_view name) {
  return trace_field(name, field_format::host);
}
constexpr trace_field named_field(std::string_view name, std::span<const value_name> names) {
  return trace_field(name, field_format::named, names);
}

// Which records of a kind a description applies to. A kind's plain
// description matches every record; a variant (one kind number whose
// records come in several shapes, like the world's generic events) matches
// on a field's value or on how the label starts.
struct trace_match {
  int field = -1;  // 0..3: the field that must hold `value`; -1: any
  std::uint64_t value = 0;
  std::string_view label_prefix;  // the label is this, or this and a space; empty: any
};

constexpr trace_match when_field(int field, std::uint64_t value) {
  return trace_match{field, value, {}};
}
constexpr trace_match when_label(std::string_view prefix) {
  return trace_match{-1, 0, prefix};
}

struct trace_kind_info {
  // Tables list descriptions as {kind, name, fields, label key, match};
  // omitting_label() and unhashed() set the rarer parts.
  constexpr trace_kind_info(trace_kind kind_, std::string_view name_,
                            std::array<trace_field, 4> fields_ = {},
                            std::string_view label_ = "label", trace_match match_ = {})
      : kind(kind_), name(name_), fields(fields_), label(label_), match(match_) {}

  [[nodiscard]] constexpr trace_kind_info omitting_label(std::string_view words) const {
    trace_kind_info copy = *this;
    copy.label_omits = words;
    return copy;
  }
  [[nodiscard]] constexpr trace_kind_info unhashed() const {
    trace_kind_info copy = *this;
    copy.hashed = false;
    return copy;
  }
  [[nodiscard]] constexpr bool is_variant() const noexcept {
    return match.field >= 0 || !match.label_prefix.empty();
  }

  trace_kind kind;
  std::string_view name;  // dotted, layer first: "net.transmit"
  std::array<trace_field, 4> fields;
  // The key the label is written under; empty: the label is not written
  // (it repeats what the fields or the record's notes already say).
  std::string_view label;
  trace_match match;
  // Words the label starts with that repeat the event's name
  // ("storage.open" of "storage.open /wal"): not written. A variant's
  // match.label_prefix is left out the same way.
  std::string_view label_omits;
  // False for records kept out of trace_hash (user.log).
  bool hashed = true;
};

// The keys every JSON trace line may hold besides a record's own fields:
// no field is named after one of them.
inline constexpr std::array<std::string_view, 7> reserved_trace_keys = {
    "seed", "t_ns", "t", "host", "task", "event", "label"};

// Adds descriptions to the registry; each layer calls it once for its table
// (through a trace_kinds_registrar). The table must outlive the program
// (a namespace-scope constexpr array).
void register_trace_kinds(std::span<const trace_kind_info> table) noexcept;

struct trace_kinds_registrar {
  explicit trace_kinds_registrar(std::span<const trace_kind_info> table) noexcept {
    register_trace_kinds(table);
  }
};

// The label as readers get it: without the words `info` says it omits.
[[nodiscard]] std::string_view written_label(const trace_kind_info& info,
                                             std::string_view label) noexcept;

// The description of a record: the first registered variant that matches,
// else the kind's plain description; null for a kind nobody registered.
[[nodiscard]] const trace_kind_info* describe_trace_record(
    trace_kind kind, const std::array<std::uint64_t, 4>& fields, std::string_view label) noexcept;
[[nodiscard]] const trace_kind_info* describe_trace_record(const trace_record& record) noexcept;

// Every registered description, by kind number, variants after the plain
// description in registration order (tests and documentation).
[[nodiscard]] std::vector<const trace_kind_info*> registered_trace_kinds();

// What is wrong with a set of descriptions, one sentence each (a name
// given twice, a kind described twice, a field named after a reserved key,
// a variant whose kind has no plain description); empty when nothing is.
[[nodiscard]] std::vector<std::string> trace_kind_problems(
    std::span<const trace_kind_info* const> descriptions);
// The same for the registry.
[[nodiscard]] std::vector<std::string> trace_kind_problems();

}  // namespace moonpool::sim::detail
