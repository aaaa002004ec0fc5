// sim-web: the items service of web-server, built from the same headers,
// under network chaos, storage chaos and attrition (sim_web.hpp). Passes
// every seed.
#include "sim_web_main.hpp"

int main(int argc, char** argv) {
  return sim_web::run(argc, argv, "web", false);
}
