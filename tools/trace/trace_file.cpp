#include "trace_file.hpp"

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>

namespace moonpool::trace_tool {
namespace {

namespace json = boost::json;

std::string text_of(const json::value& value) {
  if (const json::string* s = value.if_string()) {
    return std::string(s->data(), s->size());
  }
  return json::serialize(value);
}

// Seeds are written as strings of digits; numbers are read too.
std::string seed_of(const json::value& value, const std::string& where) {
  if (const json::string* s = value.if_string()) {
    const std::string_view digits(s->data(), s->size());
    if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) {
      return std::string(digits);
    }
  } else if (const std::uint64_t* u = value.if_uint64()) {
    return std::to_string(*u);
  } else if (const std::int64_t* i = value.if_int64(); i != nullptr && *i >= 0) {
    return std::to_string(*i);
  }
  throw bad_input(where + ": \"seed\" must be a whole number or a string of digits");
}

std::uint64_t time_of(const json::value& value, const std::string& where) {
  if (const std::uint64_t* u = value.if_uint64()) {
    return *u;
  }
  if (const std::int64_t* i = value.if_int64(); i != nullptr && *i >= 0) {
    return static_cast<std::uint64_t>(*i);
  }
  throw bad_input(where + ": \"t_ns\" must be a whole number of nanoseconds");
}

trace_line parse_line(std::string_view text, const std::string& where) {
  json::parse_options options;
  options.allow_invalid_utf8 = true;  // labels hold whatever the program wrote
  boost::system::error_code ec;
  json::value value = json::parse(text, ec, {}, options);
  if (ec) {
    throw bad_input(where + ": not JSON (" + ec.message() +
                    "); a trace has one JSON object a line");
  }
  json::object* object = value.if_object();
  if (object == nullptr) {
    throw bad_input(where + ": not a JSON object; a trace has one JSON object a line");
  }
  if (object->contains("kind") && object->contains("code") && !object->contains("event")) {
    throw bad_input(where +
                    ": a trace line of an older moonpool (\"kind\", \"code\"); write the "
                    "trace again with this version's --trace");
  }
  const json::value* event = object->if_contains("event");
  const json::value* t_ns = object->if_contains("t_ns");
  if (event == nullptr || !event->is_string() || t_ns == nullptr) {
    throw bad_input(where + ": not a trace record (it needs \"t_ns\" and \"event\")");
  }
  trace_line line;
  line.t_ns = time_of(*t_ns, where);
  line.event = text_of(*event);
  for (const json::key_value_pair& member : *object) {
    const std::string_view key = member.key();
    if (key == "seed") {
      line.seed = seed_of(member.value(), where);
    } else if (key == "host") {
      line.host = text_of(member.value());
    } else if (key == "task") {
      line.task = text_of(member.value());
    } else if (key != "t_ns" && key != "t" && key != "event") {
      line.fields.emplace_back(std::string(key), text_of(member.value()));
    }
  }
  object->erase("seed");
  line.without_seed = json::serialize(*object);
  return line;
}

}  // namespace

std::vector<trace_line> read_trace(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw bad_input("cannot read '" + path + "': it is a directory; give a --trace file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw bad_input("cannot read '" + path + "': " + std::strerror(errno));
  }
  std::vector<trace_line> lines;
  std::string text;
  for (std::size_t number = 1; std::getline(in, text); ++number) {
    if (!text.empty() && text.back() == '\r') {
      text.pop_back();
    }
    if (text.find_first_not_of(" \t") == std::string::npos) {
      continue;
    }
    trace_line line = parse_line(text, path + ":" + std::to_string(number));
    line.line_number = number;
    lines.push_back(std::move(line));
  }
  if (in.bad()) {
    throw bad_input("cannot read '" + path + "': " + std::strerror(errno));
  }
  return lines;
}

}  // namespace moonpool::trace_tool
