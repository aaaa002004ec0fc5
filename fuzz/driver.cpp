// The standalone driver of the fuzz targets, linked in every build that is
// not the fuzz preset (which links libFuzzer instead). It calls the
// target's LLVMFuzzerTestOneInput on every file it is given (directories:
// every file in them, in name order), then on a fixed number of seeded
// mutations of those files. No wall clock, no OS entropy, no coverage
// feedback: the same arguments run the same inputs, so CTest can run it as
// a smoke test and a failure replays.
//
//   fuzz-<name> [--mutations N] [--seed S] [--max-len BYTES] PATH...
//
// A failing input (the target aborts, or the process gets a fatal signal)
// is printed escaped on stderr and saved as crash-<hash> in the working
// directory; `fuzz-<name> crash-<hash>` runs it alone, as does the libFuzzer
// binary of the fuzz preset.

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using bytes = std::vector<std::uint8_t>;

struct named_input {
  std::string name;
  bytes data;
};

// --- what the crash handler reports -------------------------------------------------
// Written before every run, read only by the signal handler.
const bytes* running_input = nullptr;
std::array<char, 512> running_origin{};

void write_all(int fd, const char* text, std::size_t length) {
  while (length > 0) {
    const ssize_t written = write(fd, text, length);
    if (written <= 0) {
      return;
    }
    text += written;
    length -= static_cast<std::size_t>(written);
  }
}

void write_text(int fd, const char* text) {
  write_all(fd, text, std::strlen(text));
}

std::uint64_t fnv1a(const bytes& data) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const std::uint8_t byte : data) {
    hash = (hash ^ byte) * 0x100000001b3ULL;
  }
  return hash;
}

// Async-signal-safe: only write(2), open(2) and stack buffers.
void on_fatal_signal(int signal_number) {
  if (running_input != nullptr) {
    const bytes& input = *running_input;
    char name[32] = "crash-";
    const std::uint64_t hash = fnv1a(input);
    for (int i = 0; i < 16; ++i) {
      name[6 + i] = "0123456789abcdef"[(hash >> (60 - 4 * i)) & 0xf];
    }
    name[22] = '\0';
    write_text(2, "\nfuzz driver: the target failed on ");
    write_text(2, running_origin.data());
    write_text(2, "; saved as ");
    write_text(2, name);
    write_text(2, " in the working directory; escaped input:\n");
    for (std::size_t i = 0; i < input.size() && i < 4096; ++i) {
      const std::uint8_t byte = input[i];
      char piece[5] = {static_cast<char>(byte), '\0'};
      if (byte < 0x20 || byte >= 0x7f || byte == '\\') {
        piece[0] = '\\';
        piece[1] = 'x';
        piece[2] = "0123456789abcdef"[byte >> 4];
        piece[3] = "0123456789abcdef"[byte & 0xf];
        piece[4] = '\0';
      }
      write_text(2, piece);
    }
    write_text(2, "\n");
    const int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      write_all(fd, reinterpret_cast<const char*>(input.data()), input.size());
      close(fd);
    }
  }
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

void install_crash_handlers() {
  for (const int signal_number : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    sigemptyset(&action.sa_mask);
    sigaction(signal_number, &action, nullptr);
  }
}

void run_one(const bytes& input, const std::string& origin) {
  running_input = &input;
  std::snprintf(running_origin.data(), running_origin.size(), "%s (%zu bytes)", origin.c_str(),
                input.size());
  LLVMFuzzerTestOneInput(input.data(), input.size());
  running_input = nullptr;
}

// --- inputs --------------------------------------------------------------------------

bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Every regular file under `path` (a file or a directory), in name order;
// names starting with '.' are skipped.
void collect(const std::filesystem::path& path, std::vector<named_input>& out) {
  if (!std::filesystem::is_directory(path)) {
    out.push_back({path.string(), read_file(path)});
    return;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    out.push_back({file.string(), read_file(file)});
  }
}

// --- mutations -----------------------------------------------------------------------

// xorshift64: a fixed sequence from a fixed seed.
class xorshift {
 public:
  explicit xorshift(std::uint64_t seed) : state_(seed == 0 ? 0x9E3779B97F4A7C15ULL : seed) {}
  std::uint64_t next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return state_;
  }
  // Uniform enough in [0, n); n > 0.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

// Bytes that parsers tend to treat specially (the first is NUL: a
// string_view over the whole array keeps it).
constexpr char interesting_text[] = "\0\n\r\t -+:@,/=.0159ex\x7f\x80\xff";
constexpr std::string_view interesting_bytes{interesting_text, sizeof interesting_text - 1};
// Numbers at the edges of the parsers' ranges.
constexpr std::array<std::string_view, 10> interesting_numbers{
    "0",
    "1",
    "-1",
    "18446744073709551615",
    "18446744073709551616",
    "4294967295",
    "4294967296",
    "1e308",
    "inf",
    "nan",
};

class mutator {
 public:
  mutator(std::uint64_t seed, std::size_t max_len) : random_(seed), max_len_(max_len) {}

  // One to four stacked edits of `base`, with `other` to splice from.
  bytes mutate(bytes data, const bytes& other) {
    const std::size_t edits = 1 + random_.below(4);
    for (std::size_t i = 0; i < edits; ++i) {
      edit(data, other);
    }
    if (data.size() > max_len_) {
      data.resize(max_len_);
    }
    return data;
  }

 private:
  std::size_t position(const bytes& data) { return random_.below(data.size() + 1); }
  std::uint8_t interesting() {
    return static_cast<std::uint8_t>(interesting_bytes[random_.below(interesting_bytes.size())]);
  }
  // A chunk of `source`: [begin, begin + length).
  std::pair<std::size_t, std::size_t> chunk(const bytes& source) {
    if (source.empty()) {
      return {0, 0};
    }
    const std::size_t begin = random_.below(source.size());
    const std::size_t length = 1 + random_.below(std::min<std::size_t>(source.size() - begin, 32));
    return {begin, length};
  }

  void edit(bytes& data, const bytes& other) {
    const auto at = [&](std::size_t p) { return data.begin() + static_cast<std::ptrdiff_t>(p); };
    switch (random_.below(data.empty() ? 3 : 10)) {
      case 0:
        data.insert(at(position(data)), static_cast<std::uint8_t>(random_.next()));
        return;
      case 1:
        data.insert(at(position(data)), interesting());
        return;
      case 2: {  // insert a chunk of the other input (its tokens: flags, numbers)
        const auto [begin, length] = chunk(other);
        const auto from = other.begin() + static_cast<std::ptrdiff_t>(begin);
        data.insert(at(position(data)), from, from + static_cast<std::ptrdiff_t>(length));
        return;
      }
      case 3:
        data[random_.below(data.size())] ^= static_cast<std::uint8_t>(1u << random_.below(8));
        return;
      case 4:
        data[random_.below(data.size())] = interesting();
        return;
      case 5:
        data[random_.below(data.size())] = static_cast<std::uint8_t>(random_.next());
        return;
      case 6: {  // erase a chunk
        const auto [begin, length] = chunk(data);
        data.erase(at(begin), at(begin + length));
        return;
      }
      case 7: {  // duplicate a chunk of itself
        const auto [begin, length] = chunk(data);
        const bytes copy(at(begin), at(begin + length));
        data.insert(at(position(data)), copy.begin(), copy.end());
        return;
      }
      case 8: {  // splice: this input's head, the other's tail
        const std::size_t head = position(data);
        const std::size_t tail = random_.below(other.size() + 1);
        data.resize(head);
        data.insert(data.end(), other.begin() + static_cast<std::ptrdiff_t>(tail), other.end());
        return;
      }
      default: {  // a number with an edge value
        const std::string_view number =
            interesting_numbers[random_.below(interesting_numbers.size())];
        data.insert(at(position(data)), number.begin(), number.end());
        return;
      }
    }
  }

  xorshift random_;
  std::size_t max_len_;
};

struct arguments {
  std::uint64_t mutations = 1000;
  std::uint64_t seed = 1;
  std::uint64_t max_len = 4096;
  std::vector<std::string> paths;
};

bool parse_number(const char* text, std::uint64_t& value) {
  char* end = nullptr;
  value = std::strtoull(text, &end, 10);
  return end != text && *end == '\0' && text[0] != '-';
}

bool parse_arguments(int argc, char** argv, arguments& args) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view word = argv[i];
    std::uint64_t value = 0;
    if (word == "--mutations" || word == "--seed" || word == "--max-len") {
      if (i + 1 >= argc || !parse_number(argv[i + 1], value)) {
        std::fprintf(stderr, "%s expects a whole number\n", argv[i]);
        return false;
      }
      ++i;
      if (word == "--mutations") {
        args.mutations = value;
      } else if (word == "--seed") {
        args.seed = value;
      } else {
        args.max_len = value;
      }
    } else if (word.starts_with("-")) {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return false;
    } else {
      args.paths.emplace_back(word);
    }
  }
  return !args.paths.empty();
}

}  // namespace

int main(int argc, char** argv) {
  arguments args;
  if (!parse_arguments(argc, argv, args)) {
    std::fprintf(stderr,
                 "usage: %s [--mutations N] [--seed S] [--max-len BYTES] CORPUS_DIR_OR_FILE...\n"
                 "runs every input file, then N seeded mutations of them (default 1000)\n",
                 argv[0]);
    return 2;
  }
  install_crash_handlers();

  std::vector<named_input> corpus;
  for (const std::string& path : args.paths) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      std::fprintf(stderr, "%s: no such file or directory\n", path.c_str());
      return 2;
    }
    collect(path, corpus);
  }
  for (const named_input& input : corpus) {
    run_one(input.data, "corpus file " + input.name);
  }

  // Mutations of the corpus, and of earlier mutations (a walk goes deeper
  // than one edit from the seeds).
  const named_input empty{"(empty)", {}};
  mutator mutate(args.seed, static_cast<std::size_t>(args.max_len));
  xorshift pick(args.seed ^ 0x5bd1e995ULL);
  bytes previous;
  for (std::uint64_t i = 0; i < args.mutations; ++i) {
    const named_input& base = corpus.empty() ? empty : corpus[pick.below(corpus.size())];
    const named_input& other = corpus.empty() ? empty : corpus[pick.below(corpus.size())];
    const bool walk = !previous.empty() && pick.below(4) == 0;
    bytes input = mutate.mutate(walk ? previous : base.data, other.data);
    run_one(input, "mutation " + std::to_string(i) + " (seed " + std::to_string(args.seed) +
                       ") of " + (walk ? std::string("the previous mutation") : base.name));
    previous = std::move(input);
  }
  std::printf(
      "fuzz driver: %zu corpus inputs and %llu mutations (seed %llu) ran; no property failed\n",
      corpus.size(), static_cast<unsigned long long>(args.mutations),
      static_cast<unsigned long long>(args.seed));
  return 0;
}
