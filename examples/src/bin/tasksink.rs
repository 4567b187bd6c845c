//! Pipeline sink: binds PULL on tcp://*:5558, waits for the batch start, then
//! collects 100 results and prints the elapsed time.

use std::time::Instant;

use ferrozmq::{Context, SocketType};

fn main() -> Result<(), ferrozmq::Error> {
    let ctx = Context::new();
    let mut receiver = ctx.socket(SocketType::Pull)?;
    receiver.bind("tcp://*:5558")?;
    receiver.recv()?;
    let start = Instant::now();
    for n in 0..100 {
        receiver.recv()?;
        print!("{}", if n % 10 == 0 { ':' } else { '.' });
    }
    println!("\nTotal elapsed time: {} msec", start.elapsed().as_millis());
    Ok(())
}
