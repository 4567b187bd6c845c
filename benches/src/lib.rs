//! Shared pieces of the `thr` and `lat` benchmark tools: command-line
//! parsing, endpoint naming, and the one-line machine-readable report that
//! `benches/compare.sh` parses (the C tool `benches/c/zmqperf.c` prints the
//! same format).

use std::fmt;
use std::time::Duration;

/// A transport the tools can measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// `tcp://127.0.0.1:*` (ephemeral port, read back with LAST_ENDPOINT).
    Tcp,
    /// `ipc:///tmp/...` (a per-process path, removed afterwards).
    Ipc,
    /// `inproc://...` (both sockets in the same context).
    Inproc,
}

impl Transport {
    /// Parses `tcp`, `ipc` or `inproc`.
    pub fn parse(s: &str) -> Option<Transport> {
        match s {
            "tcp" => Some(Transport::Tcp),
            "ipc" => Some(Transport::Ipc),
            "inproc" => Some(Transport::Inproc),
            _ => None,
        }
    }

    /// The endpoint the receiving side binds; `tag` keeps concurrent runs apart.
    pub fn bind_endpoint(self, tag: &str) -> String {
        match self {
            Transport::Tcp => "tcp://127.0.0.1:*".to_owned(),
            Transport::Ipc => format!("ipc://{}", self.ipc_path(tag)),
            Transport::Inproc => format!("inproc://ferrozmq-bench-{tag}"),
        }
    }

    /// The filesystem path used for ipc (to remove it afterwards).
    pub fn ipc_path(self, tag: &str) -> String {
        format!(
            "{}/ferrozmq-bench-{}-{tag}.sock",
            std::env::temp_dir().display(),
            std::process::id()
        )
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Tcp => "tcp",
            Transport::Ipc => "ipc",
            Transport::Inproc => "inproc",
        })
    }
}

/// `<transport> <size> <count>` as given on the command line.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    /// Which transport.
    pub transport: Transport,
    /// Message size in bytes.
    pub size: usize,
    /// Number of messages (thr) or round trips (lat).
    pub count: u64,
}

impl Args {
    /// Parses `std::env::args()`; on a bad command line returns the usage text.
    pub fn from_env(tool: &str, what: &str) -> Result<Args, String> {
        let argv: Vec<String> = std::env::args().skip(1).collect();
        Args::parse(&argv).ok_or_else(|| {
            format!(
                "usage: {tool} <tcp|ipc|inproc> <message-size-bytes> <{what}>\n\
                 prints one line: impl=ferrozmq mode={tool} transport=... size=... count=... ..."
            )
        })
    }

    fn parse(argv: &[String]) -> Option<Args> {
        let [transport, size, count] = argv else {
            return None;
        };
        let args = Args {
            transport: Transport::parse(transport)?,
            size: size.parse().ok()?,
            count: count.parse().ok()?,
        };
        (args.count > 0).then_some(args)
    }
}

/// An integer from the environment (`BENCH_TIMEOUT_MS`, `BENCH_HWM`).
pub fn env_int(name: &str) -> Option<i32> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Sets SNDHWM and RCVHWM to `BENCH_HWM` when it is set (0 = unlimited);
/// otherwise leaves the defaults (1000, as libzmq). Returns the value set.
pub fn apply_hwm(socket: &mut ferrozmq::Socket) -> ferrozmq::Result<Option<i32>> {
    let Some(hwm) = env_int("BENCH_HWM") else {
        return Ok(None);
    };
    socket.set_option(ferrozmq::SocketOption::SndHwm, hwm)?;
    socket.set_option(ferrozmq::SocketOption::RcvHwm, hwm)?;
    Ok(Some(hwm))
}

/// The implementation name printed as `impl=`.
pub const IMPL: &str = "ferrozmq";

/// The version printed as `version=`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The `thr` report line.
pub fn throughput_line(args: &Args, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(1e-9);
    let msgs_per_sec = args.count as f64 / secs;
    let mbit_per_sec = msgs_per_sec * args.size as f64 * 8.0 / 1e6;
    format!(
        "impl={IMPL} version={VERSION} mode=thr transport={} size={} count={} \
         elapsed_s={secs:.6} msgs_per_sec={msgs_per_sec:.0} mbit_per_sec={mbit_per_sec:.3}",
        args.transport, args.size, args.count
    )
}

/// The `lat` report line from each round trip's duration in nanoseconds.
pub fn latency_line(args: &Args, round_trips_ns: &mut [u64]) -> String {
    round_trips_ns.sort_unstable();
    let n = round_trips_ns.len().max(1);
    let pick = |q: f64| -> f64 {
        let i = ((n - 1) as f64 * q).round() as usize;
        round_trips_ns.get(i).copied().unwrap_or(0) as f64 / 1e3
    };
    let median = if n % 2 == 0 {
        let lo = round_trips_ns.get(n / 2 - 1).copied().unwrap_or(0);
        let hi = round_trips_ns.get(n / 2).copied().unwrap_or(0);
        (lo + hi) as f64 / 2e3
    } else {
        pick(0.5)
    };
    let mean = round_trips_ns.iter().sum::<u64>() as f64 / n as f64 / 1e3;
    format!(
        "impl={IMPL} version={VERSION} mode=lat transport={} size={} count={} \
         median_us={median:.3} mean_us={mean:.3} p99_us={:.3} min_us={:.3} max_us={:.3}",
        args.transport,
        args.size,
        args.count,
        pick(0.99),
        pick(0.0),
        pick(1.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arguments() {
        let argv: Vec<String> = ["tcp", "64", "1000"].map(String::from).to_vec();
        let args = Args::parse(&argv).unwrap();
        assert_eq!(args.transport, Transport::Tcp);
        assert_eq!(args.size, 64);
        assert_eq!(args.count, 1000);
        assert!(Args::parse(&["udp", "1", "1"].map(String::from)).is_none());
        assert!(Args::parse(&["ipc", "1", "0"].map(String::from)).is_none());
        assert!(Args::parse(&["ipc", "1"].map(String::from)).is_none());
    }

    #[test]
    fn latency_statistics() {
        let args = Args {
            transport: Transport::Inproc,
            size: 1,
            count: 4,
        };
        let line = latency_line(&args, &mut [4000, 1000, 3000, 2000]);
        assert!(line.contains("median_us=2.500"), "{line}");
        assert!(line.contains("mean_us=2.500"), "{line}");
        assert!(line.contains("min_us=1.000"), "{line}");
        assert!(line.contains("max_us=4.000"), "{line}");
    }

    #[test]
    fn throughput_figures() {
        let args = Args {
            transport: Transport::Tcp,
            size: 1000,
            count: 1000,
        };
        let line = throughput_line(&args, Duration::from_secs(1));
        assert!(line.contains("msgs_per_sec=1000 "), "{line}");
        assert!(line.contains("mbit_per_sec=8.000"), "{line}");
    }
}
