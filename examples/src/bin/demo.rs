//! The README's demo: REQ/REP, PUB/SUB and a PUSH/PULL pipeline over real
//! TCP on loopback, all in one process, printing what happens.

use std::thread;
use std::time::{Duration, Instant};

use ferrozmq::{Context, SocketType};

fn main() -> Result<(), ferrozmq::Error> {
    let ctx = Context::new();
    req_rep(&ctx)?;
    pub_sub(&ctx)?;
    pipeline(&ctx)?;
    println!("demo finished");
    Ok(())
}

/// A REP server on an ephemeral TCP port answers five requests.
fn req_rep(ctx: &Context) -> Result<(), ferrozmq::Error> {
    println!("== REQ/REP over tcp");
    let mut server = ctx.socket(SocketType::Rep)?;
    server.bind("tcp://127.0.0.1:*")?;
    let endpoint = server.last_endpoint().to_owned();
    println!("server: bound REP to {endpoint}");
    let handle = thread::spawn(move || -> Result<(), ferrozmq::Error> {
        for _ in 0..5 {
            let request = server.recv_string()?;
            println!("server: received {request:?}, replying \"World\"");
            server.send("World")?;
        }
        Ok(())
    });
    let mut client = ctx.socket(SocketType::Req)?;
    client.connect(&endpoint)?;
    for n in 0..5 {
        let started = Instant::now();
        client.send(format!("Hello {n}"))?;
        let reply = client.recv_string()?;
        println!("client: got {reply:?} in {:?}", started.elapsed());
    }
    handle
        .join()
        .unwrap_or(Err(ferrozmq::ErrorKind::Terminated.into()))
}

/// A publisher sends weather and sports; the subscriber only wants weather.
fn pub_sub(ctx: &Context) -> Result<(), ferrozmq::Error> {
    println!("== PUB/SUB over tcp");
    let mut publisher = ctx.socket(SocketType::Pub)?;
    publisher.bind("tcp://127.0.0.1:*")?;
    let endpoint = publisher.last_endpoint().to_owned();
    println!("publisher: bound PUB to {endpoint}");
    let mut subscriber = ctx.socket(SocketType::Sub)?;
    subscriber.set_rcvtimeo(Some(Duration::from_secs(2)))?;
    subscriber.subscribe("weather")?;
    subscriber.connect(&endpoint)?;
    println!("subscriber: subscribed to \"weather\"");
    // Subscriptions travel to the publisher; until they arrive it drops messages.
    thread::sleep(Duration::from_millis(200));
    for n in 0..3 {
        publisher.send(format!("sports {n}: 2-1"))?;
        publisher.send(format!("weather {n}: {} C", 18 + n))?;
        println!("publisher: sent sports {n} and weather {n}");
    }
    for _ in 0..3 {
        println!("subscriber: {}", subscriber.recv_string()?);
    }
    Ok(())
}

/// A ventilator pushes tasks to two workers, whose results reach a sink.
fn pipeline(ctx: &Context) -> Result<(), ferrozmq::Error> {
    println!("== PUSH/PULL pipeline over tcp");
    let mut sink = ctx.socket(SocketType::Pull)?;
    sink.bind("tcp://127.0.0.1:*")?;
    let sink_endpoint = sink.last_endpoint().to_owned();
    let mut ventilator = ctx.socket(SocketType::Push)?;
    ventilator.bind("tcp://127.0.0.1:*")?;
    let vent_endpoint = ventilator.last_endpoint().to_owned();
    let mut workers = Vec::new();
    for id in 0..2 {
        let ctx = ctx.clone();
        let (vent, sink) = (vent_endpoint.clone(), sink_endpoint.clone());
        workers.push(thread::spawn(move || -> Result<(), ferrozmq::Error> {
            let mut tasks = ctx.socket(SocketType::Pull)?;
            tasks.set_rcvtimeo(Some(Duration::from_secs(1)))?;
            tasks.connect(&vent)?;
            let mut results = ctx.socket(SocketType::Push)?;
            results.connect(&sink)?;
            while let Ok(task) = tasks.recv_string() {
                results.send(format!("worker {id} did {task}"))?;
            }
            Ok(())
        }));
    }
    // Let both workers connect so the load is shared.
    thread::sleep(Duration::from_millis(200));
    for task in 0..10 {
        ventilator.send(format!("task {task}"))?;
    }
    println!("ventilator: sent 10 tasks");
    for _ in 0..10 {
        println!("sink: {}", sink.recv_string()?);
    }
    for w in workers {
        w.join()
            .unwrap_or(Err(ferrozmq::ErrorKind::Terminated.into()))?;
    }
    Ok(())
}
