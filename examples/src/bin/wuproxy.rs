//! Weather update proxy: subscribes to the weather server on its XSUB
//! side and republishes every update on its XPUB side. Subscriptions flow
//! the other way, from the clients through the proxy to the server, so the
//! server still sends only what some client wants.
//!
//! ```text
//! cargo run --release -p ferrozmq-examples --bin wuserver
//! cargo run --release -p ferrozmq-examples --bin wuproxy -- [FRONTEND] [BACKEND]
//! cargo run --release -p ferrozmq-examples --bin wuclient -- 10001 tcp://localhost:8100
//! ```
//!
//! Defaults: FRONTEND tcp://localhost:5556 (connected to the server),
//! BACKEND tcp://*:8100 (bound for the clients). It runs until interrupted.

use ferrozmq::{proxy, Context, SocketType};

fn main() -> Result<(), ferrozmq::Error> {
    let mut args = std::env::args().skip(1);
    let frontend_ep = args
        .next()
        .unwrap_or_else(|| "tcp://localhost:5556".to_owned());
    let backend_ep = args.next().unwrap_or_else(|| "tcp://*:8100".to_owned());

    let ctx = Context::new();
    // This is where the weather server sits.
    let mut frontend = ctx.socket(SocketType::XSub)?;
    frontend.connect(&frontend_ep)?;
    // This is our public endpoint for subscribers.
    let mut backend = ctx.socket(SocketType::XPub)?;
    backend.bind(&backend_ep)?;
    println!("Proxying weather updates from {frontend_ep} to {backend_ep}");

    // Runs until the context is terminated.
    proxy(&mut frontend, &mut backend, None)
}
