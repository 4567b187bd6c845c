//! Pipeline worker: pulls tasks from tcp://localhost:5557, "works" (sleeps),
//! and pushes a result to the sink on tcp://localhost:5558.

use std::time::Duration;

use ferrozmq::{Context, SocketType};

fn main() -> Result<(), ferrozmq::Error> {
    let ctx = Context::new();
    let mut receiver = ctx.socket(SocketType::Pull)?;
    receiver.connect("tcp://localhost:5557")?;
    let mut sender = ctx.socket(SocketType::Push)?;
    sender.connect("tcp://localhost:5558")?;
    loop {
        let task = receiver.recv_string()?;
        let ms: u64 = task.parse().unwrap_or(0);
        std::thread::sleep(Duration::from_millis(ms));
        sender.send("")?;
    }
}
