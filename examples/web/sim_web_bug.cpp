// sim-web-bug: the same service with one shortcut, an answer before
// async_sync (store_options::ack_before_sync). A crash in between loses an
// acknowledged write, or issues its id again.
#include "sim_web_main.hpp"

int main(int argc, char** argv) {
  return sim_web::run(argc, argv, "web-bug", true);
}
