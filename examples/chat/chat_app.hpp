#pragma once
// sim-chat: a Beast WebSocket chat room with a durable history
// (chat_server.hpp, chat_log.hpp) and three clients that check it
// (chat_client.hpp), under swarm network chaos and server reboots, graceful
// and crash.
//
// Claims, checked by every seed: no acknowledged message is lost (each
// reaches every client by the end of the check phase), none is delivered
// twice, and each client receives every sender's messages in order.
//
// crash_and_wipe is left out: a history kept on one disk cannot survive
// losing that disk (it takes replication), so after a wipe there is no
// property left to check about acknowledged messages.

#include <memory>

#include "chat_client.hpp"
#include "chat_server.hpp"

namespace chat {

int run(int argc, char** argv, const char* name, bugs b) {
  namespace sim = moonpool::sim;
  // Before any WebSocket stream exists: masks from a fixed seed, not from
  // std::random_device.
  sim::seed_websocket_prng();
  sim::attrition_config attrition;
  attrition.graceful_weight = 1.0;
  attrition.crash_weight = 2.0;
  attrition.crash_and_wipe_weight = 0.0;
  attrition.interval_min = 1s;
  attrition.interval_max = 4s;
  attrition.recovery_min = 100ms;
  attrition.recovery_max = 2s;
  attrition.grace_min = 10ms;
  attrition.grace_max = 500ms;
  sim::SimulationBuilder builder;
  builder.name(name)
      .iterations(100)
      .processes(1, [b] { return std::make_unique<Server>(b); })
      .chaos_duration(run_duration)
      .enable_chaos(
          {sim::chaos::network(sim::chaos_mode::swarm), sim::chaos::attrition(attrition)});
  for (std::uint64_t id = 0; id < client_count; ++id) {
    builder.workload([id] { return std::make_unique<Client>(id); });
  }
  return sim::run_main(argc, argv, builder);
}

}  // namespace chat
