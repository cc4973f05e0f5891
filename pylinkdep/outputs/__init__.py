"""Output formats generated from resolved dependencies, one module per format: compiler
and linker flags, pkg-config, CMake config packages, Cargo lines, the consumer run-time
module; and a provider's export header, from its name."""
