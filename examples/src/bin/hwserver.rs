//! Hello World server: binds REP on tcp://*:5555, answers each "Hello" with "World".
//!
//! Run with `cargo run -p ferrozmq-examples --bin hwserver` beside `hwclient`.

use ferrozmq::{Context, SocketType};

fn main() -> Result<(), ferrozmq::Error> {
    let ctx = Context::new();
    let mut responder = ctx.socket(SocketType::Rep)?;
    responder.bind("tcp://*:5555")?;
    loop {
        let request = responder.recv_string()?;
        println!("Received {request}");
        std::thread::sleep(std::time::Duration::from_millis(100));
        responder.send("World")?;
    }
}
