//! Runnable examples for ferrozmq; see `src/bin/`. Each is a small program in
//! the style of the ZeroMQ guide.
