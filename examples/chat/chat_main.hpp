#pragma once
// What a sim-chat binary's main needs: the bugs it may switch on and the
// entry point, defined once in chat_app.cpp for every binary of the family.

namespace chat {

// The shortcuts sim-chat-bug and sim-chat-dup-bug take.
struct bugs {
  // Acknowledge a batch once written, before its sync: a crash in between
  // loses messages their senders were told are safe.
  bool ack_before_sync = false;
  // Append every message, resends included: a message whose
  // acknowledgement was lost enters the history twice.
  bool no_deduplication = false;
};

// Builds the simulation (chat_app.hpp) and runs it with run_main.
int run(int argc, char** argv, const char* name, bugs b);

}  // namespace chat
