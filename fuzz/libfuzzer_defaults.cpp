// Default libFuzzer flags for the fuzz preset's binaries (not linked into
// the standalone driver's build).
//
// libFuzzer enforces -rss_limit_mb with a thread it starts through
// pthread_create. moonpool's escape interposer (src/sim/escape_interposer.cpp)
// defines pthread_create and forwards it to the C library, past the
// interceptor of the statically linked ASan runtime, so ASan never learns of
// that thread and its leak check at exit reports the thread's state as
// leaked. Unless the command line says otherwise, these binaries therefore
// run without the thread (-rss_limit_mb=0) and bound memory with
// -malloc_limit_mb, which the allocator hook enforces without a thread.

#include <string_view>
#include <vector>

namespace {

bool given(int argc, char** argv, std::string_view flag) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]).starts_with(flag)) {
      return true;
    }
  }
  return false;
}

}  // namespace

// libFuzzer calls this before it parses its flags; the new argv must
// outlive the run, hence the static.
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  static std::vector<char*> arguments(*argv, *argv + *argc);
  static char no_rss_thread[] = "-rss_limit_mb=0";
  static char malloc_limit[] = "-malloc_limit_mb=2048";
  if (!given(*argc, *argv, "-rss_limit_mb=")) {
    arguments.push_back(no_rss_thread);
  }
  if (!given(*argc, *argv, "-malloc_limit_mb=")) {
    arguments.push_back(malloc_limit);
  }
  *argc = static_cast<int>(arguments.size());
  arguments.push_back(nullptr);
  *argv = arguments.data();
  return 0;
}
