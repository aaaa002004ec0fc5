// sim-chat-bug: the chat room that acknowledges a batch of messages before
// async_sync. A crash in between loses messages their senders were told
// are safe, and some client never receives them.
#include "chat_main.hpp"

int main(int argc, char** argv) {
  return chat::run(argc, argv, "chat-bug", chat::bugs{.ack_before_sync = true});
}
