// sim-chat: the chat room that acknowledges a message only once it is
// durable. Passes every seed under network chaos and server reboots.
#include "chat_main.hpp"

int main(int argc, char** argv) {
  return chat::run(argc, argv, "chat", chat::bugs{});
}
