#pragma once
// Umbrella header for the production storage provider: real files (POSIX)
// under a root directory (moonpool::real::storage), its files
// (moonpool::real::file), and the open options and sync kinds it shares
// with the simulated storage.

#include "moonpool/real/storage/file.hpp"
#include "moonpool/real/storage/storage.hpp"
#include "moonpool/sim/storage/open_options.hpp"
