// sim-chat-dup-bug: the chat room that does not deduplicate. A message
// whose acknowledgement was lost (a dropped connection, a crash after the
// sync) is resent and enters the history twice: every client receives it
// twice.
#include "chat_main.hpp"

int main(int argc, char** argv) {
  return chat::run(argc, argv, "chat-dup-bug", chat::bugs{.no_deduplication = true});
}
