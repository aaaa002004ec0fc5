// The JSON report (docs/runner.md, "The report"), written and read back.
// Reading is what merging shard reports needs (report_merge.hpp): a report
// read and written again is the same text, so every field written below is
// read below, and a field that is missing or of the wrong type is an error
// naming it.

#include <boost/json.hpp>
#include <charconv>
#include <cstdio>
#include <stdexcept>

#include "../../common/decimal.hpp"
#include "moonpool/sim/runner/report.hpp"

namespace moonpool::sim {
namespace {

boost::json::object to_json_object(const storage_fault_counts& counts) {
  boost::json::object o;
  for (const storage_fault_count_field& field : storage_fault_count_fields) {
    o[field.name] = counts.*field.member;
  }
  return o;
}

// A 64-bit key as 16 hex digits: JSON numbers lose bits in many readers.
std::string hex64(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

boost::json::object to_json_object(const explore::exploration_config& c, bool with_jobs) {
  boost::json::object settings{{"energy", c.global_energy},
                               {"max_depth", c.max_depth},
                               {"branching", explore::to_string(c.branch)},
                               {"splitting", c.timelines_per_split ? "fixed" : "adaptive"},
                               {"batch", c.adaptive.batch_size},
                               {"rare_step", c.adaptive.rare_step},
                               {"confidence", c.adaptive.confidence},
                               {"min_split", c.adaptive.barren_after()},
                               {"max_split", c.adaptive.max_timelines},
                               {"mark_energy", c.adaptive.per_mark_energy}};
  if (with_jobs) {
    settings["jobs"] = c.jobs;
  }
  if (c.timelines_per_split) {
    settings["fixed"] = *c.timelines_per_split;
  }
  return settings;
}

boost::json::object to_json_object(const run_plan& plan) {
  boost::json::object o;
  boost::json::array seeds;
  for (const std::uint64_t seed : plan.seeds) {
    seeds.push_back(boost::json::string(std::to_string(seed)));
  }
  o["seeds"] = std::move(seeds);
  o["iterations"] = plan.iterations ? boost::json::value(*plan.iterations) : nullptr;
  o["base_seed"] = std::to_string(plan.base_seed);
  o["time_limit_ns"] =
      plan.time_limit ? boost::json::value(plan.time_limit->count()) : boost::json::value(nullptr);
  o["until_stable"] =
      plan.until_stable
          ? boost::json::value(boost::json::object{{"plateau", plan.until_stable->first},
                                                   {"cap", plan.until_stable->second}})
          : boost::json::value(nullptr);
  o["explore"] = plan.exploration.has_value();
  o["exploration"] = plan.exploration ? boost::json::value(to_json_object(*plan.exploration, false))
                                      : boost::json::value(nullptr);
  o["isolate"] = plan.isolate;
  o["check_determinism"] = plan.check_determinism;
  o["seed_timeout_ns"] = plan.seed_timeout.count();
  return o;
}

boost::json::object to_json_object(const root_exploration& e) {
  return boost::json::object{{"timelines", e.timelines},
                             {"fork_points", e.fork_points},
                             {"bugs", e.bugs},
                             {"energy_left", e.energy_left},
                             {"max_depth_reached", e.max_depth_reached},
                             {"branching", e.branching},
                             {"recipes", e.recipes}};
}

boost::json::object to_json_object(const assertion_row& a) {
  boost::json::object row;
  row["name"] = a.name;
  row["kind"] = a.kind;
  row["pass"] = a.pass;
  row["fail"] = a.fail;
  row["status"] = a.status;
  row["reached"] = a.reached;
  if (a.kind == "sometimes_all") {
    row["frontier"] = a.frontier;
    row["conditions"] = a.conditions;
  }
  if (a.kind == "sometimes_each") {
    row["buckets"] = a.buckets;
    boost::json::array keys;
    for (const std::uint64_t key : a.bucket_keys) {
      keys.push_back(boost::json::string(hex64(key)));
    }
    row["bucket_keys"] = std::move(keys);
  }
  if (a.watermark) {
    row["watermark"] = *a.watermark;
    row["maximize"] = a.maximize;
  }
  return row;
}

boost::json::object to_json_object(const SimulationReport& report,
                                   const explore::exploration_summary& summary) {
  boost::json::object e;
  e["timelines"] = summary.timelines;
  e["fork_points"] = summary.fork_points;
  e["bugs"] = summary.bugs;
  e["energy_left"] = summary.energy_left;
  e["max_depth_reached"] = summary.max_depth_reached;
  e["coverage_signal"] = summary.coverage_signal;
  e["roots"] = summary.roots;
  e["branching"] = summary.branching;
  e["seconds"] = summary.seconds;
  e["timelines_per_s"] =
      summary.seconds > 0 ? static_cast<double>(summary.timelines) / summary.seconds : 0.0;
  if (summary.first_bug_seconds && summary.first_bug_timeline) {
    e["first_bug_seconds"] = *summary.first_bug_seconds;
    e["first_bug_timeline"] = *summary.first_bug_timeline;
  } else {
    e["first_bug_seconds"] = nullptr;
    e["first_bug_timeline"] = nullptr;
  }
  e["config"] = to_json_object(summary.config, true);
  e["wall_ns"] = report.wall.count();
  boost::json::array recipes;
  boost::json::array failures;
  for (const explore::found_bug& bug : summary.recipes) {
    recipes.push_back(boost::json::string(explore::format_recipe(bug.where)));
    failures.push_back(boost::json::object{{"recipe", explore::format_recipe(bug.where)},
                                           {"replay", replay_command(report.program, bug.where)},
                                           {"error", bug.error},
                                           {"trace_hash", bug.trace_hash},
                                           {"same_failures", bug.same_failures},
                                           {"found_after_seconds", bug.found_after_seconds},
                                           {"found_at_timeline", bug.found_at_timeline}});
  }
  e["recipes"] = std::move(recipes);
  e["failures"] = std::move(failures);
  return e;
}

// One object of the report being read, with its path for error messages
// ("seeds[3]", "exploration.config").
class json_fields {
 public:
  json_fields(const boost::json::value& value, std::string path) : path_(std::move(path)) {
    if (!value.is_object()) {
      fail(path_, "is not an object");
    }
    object_ = &value.get_object();
  }

  [[noreturn]] static void fail(const std::string& path, const std::string& what) {
    throw std::invalid_argument("'" + path + "' " + what);
  }

  [[nodiscard]] bool has(std::string_view key) const { return object_->contains(key); }
  [[nodiscard]] bool is_null(std::string_view key) const { return at(key).is_null(); }

  [[nodiscard]] const boost::json::value& at(std::string_view key) const {
    const boost::json::value* found = object_->if_contains(key);
    if (found == nullptr) {
      fail(path(key), "is missing");
    }
    return *found;
  }
  [[nodiscard]] std::string path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  [[nodiscard]] json_fields object(std::string_view key) const {
    return json_fields(at(key), path(key));
  }
  [[nodiscard]] const boost::json::array& array(std::string_view key) const {
    const boost::json::value& v = at(key);
    if (!v.is_array()) {
      fail(path(key), "is not an array");
    }
    return v.get_array();
  }
  [[nodiscard]] std::string text(std::string_view key) const { return text_of(at(key), path(key)); }
  [[nodiscard]] bool flag(std::string_view key) const {
    const boost::json::value& v = at(key);
    if (!v.is_bool()) {
      fail(path(key), "is not true or false");
    }
    return v.get_bool();
  }
  [[nodiscard]] std::uint64_t u64(std::string_view key) const { return u64_of(at(key), path(key)); }
  [[nodiscard]] std::uint32_t u32(std::string_view key) const {
    const std::uint64_t value = u64(key);
    if (value > UINT32_MAX) {
      fail(path(key), "is above 2^32");
    }
    return static_cast<std::uint32_t>(value);
  }
  [[nodiscard]] std::int64_t i64(std::string_view key) const {
    const boost::json::value& v = at(key);
    if (v.is_int64()) {
      return v.get_int64();
    }
    if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
      return static_cast<std::int64_t>(v.get_uint64());
    }
    fail(path(key), "is not a 64-bit whole number");
  }
  [[nodiscard]] double number(std::string_view key) const {
    const boost::json::value& v = at(key);
    if (!v.is_number()) {
      fail(path(key), "is not a number");
    }
    return v.to_number<double>();
  }
  // A seed or other 64-bit value written as decimal text (or, as every
  // reader of seeds accepts, as a number).
  [[nodiscard]] std::uint64_t u64_text(std::string_view key) const {
    return u64_text_of(at(key), path(key));
  }

  static std::string text_of(const boost::json::value& v, const std::string& where) {
    if (!v.is_string()) {
      fail(where, "is not a string");
    }
    return std::string(v.get_string());
  }
  static std::uint64_t u64_of(const boost::json::value& v, const std::string& where) {
    if (v.is_uint64()) {
      return v.get_uint64();
    }
    if (v.is_int64() && v.get_int64() >= 0) {
      return static_cast<std::uint64_t>(v.get_int64());
    }
    fail(where, "is not a whole number from 0 to 2^64-1");
  }
  static std::uint64_t u64_text_of(const boost::json::value& v, const std::string& where) {
    if (!v.is_string()) {
      return u64_of(v, where);
    }
    const std::optional<std::uint64_t> value = moonpool::detail::parse_decimal_u64(v.get_string());
    if (!value) {
      fail(where, "is not a whole number from 0 to 2^64-1 in decimal digits");
    }
    return *value;
  }

 private:
  const boost::json::object* object_ = nullptr;
  std::string path_;
};

std::string item(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

explore::exploration_config read_config(const json_fields& f) {
  explore::exploration_config c;
  c.global_energy = f.u64("energy");
  c.max_depth = f.u32("max_depth");
  const std::string branching = f.text("branching");
  if (branching == "auto") {
    c.branch = explore::branching::automatic;
  } else if (branching == "fork") {
    c.branch = explore::branching::fork;
  } else if (branching == "reexecute") {
    c.branch = explore::branching::reexecute;
  } else {
    json_fields::fail(f.path("branching"), "is not auto, fork or reexecute");
  }
  const std::string splitting = f.text("splitting");
  if (splitting == "fixed") {
    c.timelines_per_split = f.u32("fixed");
  } else if (splitting != "adaptive") {
    json_fields::fail(f.path("splitting"), "is not fixed or adaptive");
  }
  c.adaptive.batch_size = f.u32("batch");
  c.adaptive.rare_step = f.number("rare_step");
  c.adaptive.confidence = f.number("confidence");
  c.adaptive.min_timelines = f.u32("min_split");
  c.adaptive.max_timelines = f.u32("max_split");
  c.adaptive.per_mark_energy = f.u32("mark_energy");
  if (f.has("jobs")) {
    c.jobs = f.u32("jobs");
  }
  return c;
}

run_plan read_plan(const json_fields& f) {
  run_plan plan;
  const boost::json::array& seeds = f.array("seeds");
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    plan.seeds.push_back(json_fields::u64_text_of(seeds[i], item(f.path("seeds"), i)));
  }
  if (!f.is_null("iterations")) {
    plan.iterations = f.u64("iterations");
  }
  plan.base_seed = f.u64_text("base_seed");
  if (!f.is_null("time_limit_ns")) {
    plan.time_limit = std::chrono::nanoseconds(f.i64("time_limit_ns"));
  }
  if (!f.is_null("until_stable")) {
    const json_fields stable = f.object("until_stable");
    plan.until_stable = {stable.u64("plateau"), stable.u64("cap")};
  }
  if (f.flag("explore")) {
    plan.exploration = read_config(f.object("exploration"));
  }
  plan.isolate = f.flag("isolate");
  plan.check_determinism = f.flag("check_determinism");
  plan.seed_timeout = std::chrono::nanoseconds(f.i64("seed_timeout_ns"));
  return plan;
}

storage_fault_counts read_storage_faults(const json_fields& f) {
  storage_fault_counts counts;
  for (const storage_fault_count_field& field : storage_fault_count_fields) {
    counts.*field.member = f.u64(field.name);
  }
  return counts;
}

seed_result read_seed(const json_fields& f) {
  seed_result s;
  s.seed = f.has("seed_text") ? f.u64_text("seed_text") : f.u64_text("seed");
  s.index = f.u64("index");
  s.ok = f.flag("ok");
  s.error = f.text("error");
  s.events = f.u64("events");
  s.sim_time = std::chrono::nanoseconds(f.i64("sim_time_ns"));
  s.wall = std::chrono::nanoseconds(f.i64("wall_ns"));
  s.trace_hash = f.text("trace_hash");
  if (f.has("recipe_steps_applied")) {
    s.recipe_steps_applied = f.u64("recipe_steps_applied");
  }
  if (f.has("storage_faults")) {
    s.storage_faults = read_storage_faults(f.object("storage_faults"));
  }
  if (f.has("exploration")) {
    const json_fields e = f.object("exploration");
    s.exploration = root_exploration{
        e.u64("timelines"),         e.u64("fork_points"), e.u64("bugs"),   e.u64("energy_left"),
        e.u32("max_depth_reached"), e.text("branching"),  e.u64("recipes")};
  }
  return s;
}

assertion_row read_assertion(const json_fields& f) {
  assertion_row a;
  a.name = f.text("name");
  a.kind = f.text("kind");
  a.pass = f.u64("pass");
  a.fail = f.u64("fail");
  a.status = f.text("status");
  a.reached = f.flag("reached");
  if (a.kind == "sometimes_all") {
    a.frontier = f.u64("frontier");
    a.conditions = f.u64("conditions");
  }
  if (a.kind == "sometimes_each") {
    a.buckets = f.u64("buckets");
    const boost::json::array& keys = f.array("bucket_keys");
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const std::string where = item(f.path("bucket_keys"), i);
      const std::string key = json_fields::text_of(keys[i], where);
      std::uint64_t value = 0;
      const auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), value, 16);
      if (key.size() != 16 || ec != std::errc() || end != key.data() + key.size()) {
        json_fields::fail(where, "is not 16 hex digits");
      }
      a.bucket_keys.push_back(value);
    }
  }
  if (f.has("watermark")) {
    a.watermark = f.i64("watermark");
    a.maximize = f.flag("maximize");
  }
  return a;
}

explore::recipe read_recipe(const json_fields& f, std::string_view key) {
  try {
    return explore::parse_recipe(f.text(key));
  } catch (const std::invalid_argument& e) {
    json_fields::fail(f.path(key), std::string("is not a recipe: ") + e.what());
  }
}

explore::exploration_summary read_exploration(const json_fields& f) {
  explore::exploration_summary e;
  e.timelines = f.u64("timelines");
  e.fork_points = f.u64("fork_points");
  e.bugs = f.u64("bugs");
  e.energy_left = f.u64("energy_left");
  e.max_depth_reached = f.u32("max_depth_reached");
  e.coverage_signal = f.text("coverage_signal");
  e.roots = f.u64("roots");
  e.branching = f.text("branching");
  e.seconds = f.number("seconds");
  if (!f.is_null("first_bug_seconds") && !f.is_null("first_bug_timeline")) {
    e.first_bug_seconds = f.number("first_bug_seconds");
    e.first_bug_timeline = f.u64("first_bug_timeline");
  }
  e.config = read_config(f.object("config"));
  const boost::json::array& failures = f.array("failures");
  for (std::size_t i = 0; i < failures.size(); ++i) {
    const json_fields b(failures[i], item(f.path("failures"), i));
    explore::found_bug bug;
    bug.where = read_recipe(b, "recipe");
    bug.error = b.text("error");
    bug.trace_hash = b.text("trace_hash");
    bug.same_failures = b.u64("same_failures");
    bug.found_after_seconds = b.number("found_after_seconds");
    bug.found_at_timeline = b.u64("found_at_timeline");
    e.recipes.push_back(std::move(bug));
  }
  return e;
}

}  // namespace

std::string SimulationReport::to_json() const {
  boost::json::object root;
  root["name"] = name;
  root["program"] = program;
  root["shard"] = boost::json::object{{"index", shard_index}, {"count", shard_count}};
  root["plan"] = to_json_object(plan);
  root["incomplete"] = incomplete;
  root["iterations"] = iterations;
  root["passed"] = passed;
  root["failed"] = failed;
  // Seeds twice: as numbers, and as text, which no JSON reader rounds
  // (jq 1.6 and JavaScript keep 53 bits of a number).
  boost::json::array failing;
  boost::json::array failing_text;
  for (std::uint64_t seed : failing_seeds) {
    failing.push_back(seed);
    failing_text.push_back(boost::json::string(std::to_string(seed)));
  }
  root["failing_seeds"] = std::move(failing);
  root["failing_seeds_text"] = std::move(failing_text);
  boost::json::array seed_rows;
  for (const seed_result& s : seeds) {
    boost::json::object row;
    row["seed"] = s.seed;
    row["seed_text"] = std::to_string(s.seed);
    row["index"] = s.index;
    row["ok"] = s.ok;
    row["error"] = s.error;
    row["events"] = s.events;
    row["sim_time_ns"] = s.sim_time.count();
    row["wall_ns"] = s.wall.count();
    row["trace_hash"] = s.trace_hash;
    if (!s.ok) {
      row["replay"] = replay_of(s);
    }
    if (s.recipe_steps_applied) {
      row["recipe_steps_applied"] = *s.recipe_steps_applied;
    }
    if (s.storage_faults != storage_fault_counts{}) {
      row["storage_faults"] = to_json_object(s.storage_faults);
    }
    if (s.exploration) {
      row["exploration"] = to_json_object(*s.exploration);
    }
    seed_rows.push_back(std::move(row));
  }
  root["seeds"] = std::move(seed_rows);
  root["storage_faults"] = to_json_object(storage_faults());
  boost::json::array assertion_rows;
  for (const assertion_row& a : assertions) {
    assertion_rows.push_back(to_json_object(a));
  }
  root["assertions"] = std::move(assertion_rows);
  root["convergence_timeout"] = convergence_timeout;
  root["stop_reason"] = stop_reason;
  if (!coverage_signal.empty()) {
    root["coverage_signal"] = coverage_signal;
  }
  if (exploration) {
    root["exploration"] = to_json_object(*this, *exploration);
  }
  if (replayed) {
    root["replayed_recipe"] = explore::format_recipe(*replayed);
    root["recipe_steps"] = replayed->steps.size();
  }
  root["wall_ns"] = wall.count();
  return boost::json::serialize(root);
}

SimulationReport SimulationReport::from_json(std::string_view json) {
  boost::system::error_code ec;
  const boost::json::value value = boost::json::parse(json, ec);
  if (ec) {
    throw std::invalid_argument("not JSON: " + ec.message());
  }
  if (!value.is_object()) {
    throw std::invalid_argument("not a moonpool report: the JSON is not an object");
  }
  const json_fields f(value, "");
  if (!f.has("plan") || !f.has("shard")) {
    throw std::invalid_argument(
        "not a moonpool report with a run plan (no 'plan' or 'shard'): written by an older "
        "moonpool or another program; run the simulation again to get one");
  }
  SimulationReport r;
  r.name = f.text("name");
  r.program = f.text("program");
  const json_fields shard = f.object("shard");
  r.shard_index = shard.u64("index");
  r.shard_count = shard.u64("count");
  if (r.shard_count == 0 || r.shard_index >= r.shard_count) {
    json_fields::fail("shard", "is not a shard I/N with 0 <= I < N");
  }
  r.plan = read_plan(f.object("plan"));
  r.incomplete = f.flag("incomplete");
  r.iterations = f.u64("iterations");
  r.passed = f.u64("passed");
  r.failed = f.u64("failed");
  const char* failing_key = f.has("failing_seeds_text") ? "failing_seeds_text" : "failing_seeds";
  const boost::json::array& failing = f.array(failing_key);
  for (std::size_t i = 0; i < failing.size(); ++i) {
    r.failing_seeds.push_back(json_fields::u64_text_of(failing[i], item(failing_key, i)));
  }
  const boost::json::array& seeds = f.array("seeds");
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    r.seeds.push_back(read_seed(json_fields(seeds[i], item("seeds", i))));
  }
  const boost::json::array& assertions = f.array("assertions");
  for (std::size_t i = 0; i < assertions.size(); ++i) {
    r.assertions.push_back(read_assertion(json_fields(assertions[i], item("assertions", i))));
  }
  r.convergence_timeout = f.flag("convergence_timeout");
  r.stop_reason = f.text("stop_reason");
  if (f.has("coverage_signal")) {
    r.coverage_signal = f.text("coverage_signal");
  }
  if (f.has("exploration")) {
    r.exploration = read_exploration(f.object("exploration"));
  }
  if (f.has("replayed_recipe")) {
    r.replayed = read_recipe(f, "replayed_recipe");
  }
  r.wall = std::chrono::nanoseconds(f.i64("wall_ns"));
  return r;
}

}  // namespace moonpool::sim
