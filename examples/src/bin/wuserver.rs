//! Weather update server: binds a PUB socket on tcp://*:5556 and
//! ipc://weather.ipc and publishes random weather updates forever, each one
//! text message "zipcode temperature relhumidity" (e.g. "10001 23 41").
//!
//! ```text
//! cargo run --release -p ferrozmq-examples --bin wuserver
//! cargo run --release -p ferrozmq-examples --bin wuclient -- 10001   # another shell
//! ```
//!
//! Zip codes are five digits, uniformly random, so a subscriber to one of
//! them sees about one update in 100,000. Pass a smaller range, e.g.
//! `wuserver 100`, to make a client's updates come faster (zip codes 00000
//! to 00099). It runs until interrupted (Ctrl-C).

use std::time::{SystemTime, UNIX_EPOCH};

use ferrozmq::{Context, SocketType};

fn main() -> Result<(), ferrozmq::Error> {
    let zipcodes: u64 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().map_err(|_| ferrozmq::ErrorKind::Invalid)?,
        None => 100_000,
    };
    let ctx = Context::new();
    let mut publisher = ctx.socket(SocketType::Pub)?;
    publisher.bind("tcp://*:5556")?;
    publisher.bind("ipc://weather.ipc")?;
    println!("Publishing weather for {zipcodes} zip codes on tcp://*:5556 and ipc://weather.ipc");

    let mut rng = Rng::from_clock();
    loop {
        let zipcode = rng.below(zipcodes.max(1));
        let temperature = i64::try_from(rng.below(215)).unwrap_or(0) - 80;
        let relhumidity = rng.below(50) + 10;
        // A PUB never blocks: with no subscriber (or a slow one) updates are dropped.
        publisher.send(format!("{zipcode:05} {temperature} {relhumidity}"))?;
    }
}

/// A small xorshift generator; the examples use no random-number crate.
struct Rng(u64);

impl Rng {
    fn from_clock() -> Rng {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Rng(u64::from(nanos) | 1)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}
