//! Weather update client: connects a SUB socket to the weather server,
//! subscribes to one zip code, collects a number of updates and prints the
//! average temperature.
//!
//! ```text
//! cargo run --release -p ferrozmq-examples --bin wuclient -- [ZIPCODE] [ENDPOINT] [UPDATES]
//! ```
//!
//! Defaults: zip code 10001, endpoint tcp://localhost:5556 (the `wuserver`
//! example; use tcp://localhost:8100 to go through `wuproxy`), 100 updates.
//! The subscription is the zip code followed by a space, so "10001 " does
//! not also match "100012" should zip codes ever grow. The server filters:
//! only the chosen zip code's updates cross the network.

use ferrozmq::{Context, SocketType};

fn main() -> Result<(), ferrozmq::Error> {
    let mut args = std::env::args().skip(1);
    let zipcode = args.next().unwrap_or_else(|| "10001".to_owned());
    let endpoint = args
        .next()
        .unwrap_or_else(|| "tcp://localhost:5556".to_owned());
    let updates: u32 = match args.next() {
        Some(arg) => arg.parse().map_err(|_| ferrozmq::ErrorKind::Invalid)?,
        None => 100,
    };

    let ctx = Context::new();
    let mut subscriber = ctx.socket(SocketType::Sub)?;
    println!("Collecting updates from the weather server at {endpoint}...");
    subscriber.connect(&endpoint)?;
    subscriber.subscribe(format!("{zipcode} "))?;

    let mut total_temperature = 0i64;
    for _ in 0..updates {
        let update = subscriber.recv_string()?;
        let mut fields = update.split_whitespace().skip(1);
        let temperature: i64 = fields
            .next()
            .and_then(|t| t.parse().ok())
            .ok_or(ferrozmq::ErrorKind::Invalid)?;
        total_temperature += temperature;
    }
    let average = total_temperature as f64 / f64::from(updates.max(1));
    println!("Average temperature for zipcode '{zipcode}' was {average:.1}F");
    Ok(())
}
