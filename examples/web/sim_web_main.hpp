#pragma once
// What a sim-web binary's main needs: the entry point, defined once in
// sim_web_app.cpp for sim-web and sim-web-bug.

namespace sim_web {

// Builds the simulation (sim_web.hpp, sim_web_impl.hpp) and runs it with
// run_main; ack_before_sync is sim-web-bug's shortcut
// (store_options::ack_before_sync).
int run(int argc, char** argv, const char* name, bool ack_before_sync);

}  // namespace sim_web
