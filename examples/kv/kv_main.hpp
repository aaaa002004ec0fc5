#pragma once
// What a sim-kv binary's main needs: the bugs it may switch on and the
// entry point, defined once in kv_app.cpp for every binary of the family.

namespace kv {

// The two shortcuts sim-kv-bug and sim-kv-rename-bug take.
struct bugs {
  // Acknowledge a put once its record is written, before async_sync.
  bool ack_before_sync = false;
  // Rename the compacted log over the old one without syncing the directory.
  bool rename_without_directory_sync = false;
};

// Builds the simulation (kv_app.hpp) and runs it with run_main.
int run(int argc, char** argv, const char* name, bugs b);

}  // namespace kv
