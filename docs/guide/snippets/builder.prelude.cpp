// Builder calls shown on their own: the body of a function that is given
// the simulation being built, as main() has it.
void snippet_SNIPPET_NAME(moonpool::sim::SimulationBuilder& sim) {
