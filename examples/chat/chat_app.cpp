// The sim-chat family's simulation, compiled once for sim-chat,
// sim-chat-bug and sim-chat-dup-bug (chat_app.hpp).
#include "chat_app.hpp"
