//! The fcall language front end: source text to an AST with a span on every node, and
//! diagnostics rendered against the source. No libtorch here, so it builds and tests fast.
