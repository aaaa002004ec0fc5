#pragma once
// Umbrella header for simulated storage: a host's file system
// (moonpool::sim::storage), its files (moonpool::sim::file), open options,
// and the storage configuration with its fault catalogue.

#include "moonpool/sim/storage/file.hpp"
#include "moonpool/sim/storage/open_options.hpp"
#include "moonpool/sim/storage/storage.hpp"
#include "moonpool/sim/storage/storage_config.hpp"
#include "moonpool/sim/storage/storage_faults.hpp"
