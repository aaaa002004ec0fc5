#include "moonpool/sim/detail/trace_kinds.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace moonpool::sim::detail {
namespace {

// By kind number: the descriptions of that kind, in registration order.
// Filled before main() by the layers' registrars, read-only afterwards.
std::map<std::uint32_t, std::vector<const trace_kind_info*>>& by_kind() {
  static std::map<std::uint32_t, std::vector<const trace_kind_info*>> index;
  return index;
}

// Whether `label` is `words`, or `words` and a space and more.
bool starts_with_words(std::string_view label, std::string_view words) noexcept {
  return label.starts_with(words) && (label.size() == words.size() || label[words.size()] == ' ');
}

bool matches(const trace_match& match, const std::array<std::uint64_t, 4>& fields,
             std::string_view label) noexcept {
  if (match.field >= 0 && (match.field > 3 || fields[match.field] != match.value)) {
    return false;
  }
  return match.label_prefix.empty() || starts_with_words(label, match.label_prefix);
}

std::string code_text(trace_kind kind) {
  return std::to_string(static_cast<std::uint32_t>(kind));
}

constexpr value_name join_statuses[] = {
    {0, "running"}, {1, "finished"}, {2, "failed"}, {3, "cancelled"}, {4, "destroyed"}};
constexpr value_name escape_kinds[] = {{1, "entropy"}, {2, "socket"}, {3, "thread"}};

// The world's own kinds (trace.hpp). Other layers add variants of `event`
// for the events they schedule.
constexpr trace_kind_info core_kinds[] = {
    {trace_kind::schedule, "sched.pick", {"ready", "picked", "task_id"}},
    {trace_kind::timer_fired, "timer.fired", {"seq", "op"}},
    {trace_kind::task_spawned, "task.spawn", {"task_id", "parent_id"}, "name"},
    {trace_kind::task_finished, "task.finish", {"task_id", named_field("outcome", join_statuses)}},
    {trace_kind::event, "world.event", {"seq", "a", "b", "what"}},
    {trace_kind::asio_timer, "asio.timer", {}},
    {trace_kind::escape, "world.escape", {named_field("what", escape_kinds)}, "detail"},
    {trace_kind::random_draws,
     "random.draws",
     {"simulation_stream", "scheduling_stream", "configuration_stream"}},
    trace_kind_info{trace_kind::user_log, "user.log", {}, "message"}.unhashed(),
};
const trace_kinds_registrar core_registered{core_kinds};

}  // namespace

void register_trace_kinds(std::span<const trace_kind_info> table) noexcept {
  try {
    for (const trace_kind_info& info : table) {
      by_kind()[static_cast<std::uint32_t>(info.kind)].push_back(&info);
    }
  } catch (...) {
    // Out of memory before main(): the records stay readable as kind.<n>.
  }
}

std::string_view written_label(const trace_kind_info& info, std::string_view label) noexcept {
  for (const std::string_view omitted : {info.match.label_prefix, info.label_omits}) {
    if (!omitted.empty() && starts_with_words(label, omitted)) {
      label.remove_prefix(std::min(label.size(), omitted.size() + 1));
      break;
    }
  }
  return label;
}

const trace_kind_info* describe_trace_record(trace_kind kind,
                                             const std::array<std::uint64_t, 4>& fields,
                                             std::string_view label) noexcept {
  const auto& index = by_kind();
  const auto it = index.find(static_cast<std::uint32_t>(kind));
  if (it == index.end()) {
    return nullptr;
  }
  const trace_kind_info* plain = nullptr;
  for (const trace_kind_info* info : it->second) {
    if (!info->is_variant()) {
      plain = plain != nullptr ? plain : info;
    } else if (matches(info->match, fields, label)) {
      return info;
    }
  }
  return plain;
}

const trace_kind_info* describe_trace_record(const trace_record& record) noexcept {
  return describe_trace_record(record.kind, record.fields, record.label);
}

std::vector<const trace_kind_info*> registered_trace_kinds() {
  std::vector<const trace_kind_info*> all;
  for (const auto& [code, infos] : by_kind()) {
    std::vector<const trace_kind_info*> plain_first = infos;
    std::stable_partition(plain_first.begin(), plain_first.end(),
                          [](const trace_kind_info* info) { return !info->is_variant(); });
    all.insert(all.end(), plain_first.begin(), plain_first.end());
  }
  return all;
}

std::vector<std::string> trace_kind_problems() {
  return trace_kind_problems(registered_trace_kinds());
}

std::vector<std::string> trace_kind_problems(std::span<const trace_kind_info* const> descriptions) {
  std::vector<std::string> problems;
  std::map<std::string_view, const trace_kind_info*> names;
  std::map<std::uint32_t, std::vector<const trace_kind_info*>> kinds;
  for (const trace_kind_info* info : descriptions) {
    kinds[static_cast<std::uint32_t>(info->kind)].push_back(info);
    const std::string what =
        "trace kind " + code_text(info->kind) + " ('" + std::string(info->name) + "')";
    if (info->name.empty() || info->name.find('.') == std::string_view::npos) {
      problems.push_back(what + " needs a dotted name, layer first (\"net.transmit\")");
    }
    if (const auto [it, added] = names.emplace(info->name, info); !added) {
      problems.push_back(what + " has the name of trace kind " + code_text(it->second->kind) +
                         "; give each its own");
    }
    std::set<std::string_view> keys;
    for (const trace_field& field : info->fields) {
      if (field.name.empty()) {
        continue;
      }
      if (std::find(reserved_trace_keys.begin(), reserved_trace_keys.end(), field.name) !=
              reserved_trace_keys.end() ||
          field.name == info->label) {
        problems.push_back(what + " names a field '" + std::string(field.name) +
                           "', a key every trace line may already hold; rename the field");
      }
      if (!keys.insert(field.name).second) {
        problems.push_back(what + " names two fields '" + std::string(field.name) + "'");
      }
      if (field.format == field_format::named && field.names.empty()) {
        problems.push_back(what + " has a named field '" + std::string(field.name) +
                           "' without names for its values");
      }
    }
  }
  for (const auto& [code, infos] : kinds) {
    const auto plain = std::count_if(infos.begin(), infos.end(), [](const trace_kind_info* info) {
      return !info->is_variant();
    });
    if (plain == 0) {
      problems.push_back("trace kind " + std::to_string(code) +
                         " has variants but no plain description; register one");
    } else if (plain > 1) {
      problems.push_back("trace kind " + std::to_string(code) + " is described " +
                         std::to_string(plain) + " times; describe it once");
    }
    for (std::size_t i = 0; i < infos.size(); ++i) {
      for (std::size_t j = i + 1; j < infos.size(); ++j) {
        const trace_match& a = infos[i]->match;
        const trace_match& b = infos[j]->match;
        if (infos[i]->is_variant() && a.field == b.field && a.value == b.value &&
            a.label_prefix == b.label_prefix) {
          problems.push_back("trace kind " + std::to_string(code) + " has two variants ('" +
                             std::string(infos[i]->name) + "', '" + std::string(infos[j]->name) +
                             "') that match the same records");
        }
      }
    }
  }
  return problems;
}

}  // namespace moonpool::sim::detail
