// sim-kv-rename-bug: the store that renames its compacted log over the old
// one without syncing the directory. A crash can bring the old log back,
// and with it lose every write acknowledged since the compaction.
#include "kv_main.hpp"

int main(int argc, char** argv) {
  return kv::run(argc, argv, "kv-rename-bug", kv::bugs{.rename_without_directory_sync = true});
}
