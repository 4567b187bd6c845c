//! Hello World client: connects REQ to tcp://localhost:5555, sends "Hello" 10 times.

use ferrozmq::{Context, SocketType};

fn main() -> Result<(), ferrozmq::Error> {
    let ctx = Context::new();
    let mut requester = ctx.socket(SocketType::Req)?;
    requester.connect("tcp://localhost:5555")?;
    for n in 0..10 {
        println!("Sending Hello {n}...");
        requester.send("Hello")?;
        let reply = requester.recv_string()?;
        println!("Received {reply} {n}");
    }
    Ok(())
}
