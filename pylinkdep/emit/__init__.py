"""Output formats generated from resolved dependencies, one module per format."""
