//! Graceful shutdown that loses nothing: a producer PUSHes numbered jobs to
//! workers; asked to stop, it gives its queues a grace period to empty,
//! then drains the socket (no new messages in, the undelivered ones handed
//! back) and writes what is left to a spool file. Started again, it sends
//! the spooled messages first.
//!
//!     graceful_shutdown ENDPOINT SPOOL FIRST COUNT [GRACE_MS]
//!
//! Connects to ENDPOINT (the workers bind), resends what SPOOL holds, then
//! sends `job-FIRST` .. `job-(FIRST+COUNT-1)` and stops (a line on stdin
//! stops it sooner). Spool format: per message, its frame count, then each
//! frame's length and bytes (u32 little-endian).
//!
//! Delivery is at least once: a crash between resending the spool and
//! removing it sends those messages again on the next start.

use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrozmq::{Context, SocketType};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, endpoint, spool, first, count, rest @ ..] = args.as_slice() else {
        return Err("usage: graceful_shutdown ENDPOINT SPOOL FIRST COUNT [GRACE_MS]".into());
    };
    let (first, count): (u64, u64) = (first.parse()?, count.parse()?);
    let grace = Duration::from_millis(rest.first().map_or(Ok(1000), |g| g.parse())?);
    let spool = Path::new(spool);

    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::spawn(move || {
        let mut line = String::new();
        if io::stdin().read_line(&mut line).is_ok_and(|n| n > 0) {
            flag.store(true, Ordering::SeqCst);
        }
    });

    let ctx = Context::new();
    let mut push = ctx.socket(SocketType::Push)?;
    push.set_sndhwm(0)?; // queue while no worker is there
    push.connect(endpoint)?;

    let resent = read_spool(spool)?;
    for message in &resent {
        push.send_multipart(message.clone())?;
    }
    println!("resent {} spooled messages", resent.len());
    let _ = fs::remove_file(spool);

    for i in first..first + count {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        push.send(format!("job-{i}"))?;
    }

    // Asked to stop: a grace period for the workers to take what is queued.
    let deadline = Instant::now() + grace;
    while push.queue_stats()?.outbound > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let drained = push.drain()?;
    let left: Vec<Vec<Vec<u8>>> = drained
        .messages()
        .map(|m| m.iter().map(|f| f.to_vec()).collect())
        .collect();
    if !left.is_empty() {
        write_spool(spool, &left)?;
    }
    println!(
        "stopped: {} messages were queued, {} spooled to {}",
        drained.stats.outbound,
        left.len(),
        spool.display()
    );
    push.close();
    Ok(())
}

/// The messages in the spool file (none if there is no file).
fn read_spool(path: &Path) -> io::Result<Vec<Vec<Vec<u8>>>> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut input = bytes.as_slice();
    let mut messages = Vec::new();
    while !input.is_empty() {
        let frames = read_u32(&mut input)?;
        let mut message = Vec::new();
        for _ in 0..frames {
            let len = read_u32(&mut input)? as usize;
            let mut frame = vec![0; len];
            input.read_exact(&mut frame)?;
            message.push(frame);
        }
        messages.push(message);
    }
    Ok(messages)
}

/// Writes the spool beside its final name, then renames it: a crash
/// leaves the old spool or the new one, never half of one.
fn write_spool(path: &Path, messages: &[Vec<Vec<u8>>]) -> io::Result<()> {
    let mut out = Vec::new();
    for message in messages {
        out.extend_from_slice(&(message.len() as u32).to_le_bytes());
        for frame in message {
            out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
            out.extend_from_slice(frame);
        }
    }
    let tmp = path.with_extension("tmp");
    fs::write(&tmp, out)?;
    fs::File::open(&tmp)?.sync_all()?;
    fs::rename(tmp, path)
}

fn read_u32(input: &mut &[u8]) -> io::Result<u32> {
    let mut b = [0; 4];
    input.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}
