//! Pipeline ventilator: pushes 100 tasks (a workload in ms) to workers on
//! tcp://*:5557, after telling the sink on tcp://localhost:5558 that a batch starts.

use ferrozmq::{Context, SocketType};

fn main() -> Result<(), ferrozmq::Error> {
    let ctx = Context::new();
    let mut sender = ctx.socket(SocketType::Push)?;
    sender.bind("tcp://*:5557")?;
    let mut sink = ctx.socket(SocketType::Push)?;
    sink.connect("tcp://localhost:5558")?;
    println!("Press Enter when the workers are ready...");
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    println!("Sending tasks to workers...");
    sink.send("0")?;
    let mut total_ms = 0u64;
    let mut seed = 0x2545_f491_u64;
    for _ in 0..100 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let workload = 1 + (seed >> 33) % 100;
        total_ms += workload;
        sender.send(workload.to_string())?;
    }
    println!("Total expected cost: {total_ms} msec");
    Ok(())
}
