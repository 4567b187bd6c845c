//! [`proxy`] and [`proxy_steerable`]: shuttle messages between a frontend and
//! a backend socket, optionally copying them to a capture socket.

use crate::error::{ErrorKind, Result};
use crate::multipart::Multipart;
use crate::poll_events::PollEvents;
use crate::poller::{poll, PollItem};
use crate::socket::{SendFlags, Socket};
use ferrozmq_engine::wait_slice;

/// Counters a steerable proxy reports on STATISTICS (libzmq's order).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Stats {
    frontend: Side,
    backend: Side,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Side {
    msg_in: u64,
    bytes_in: u64,
    msg_out: u64,
    bytes_out: u64,
}

/// Forwards messages both ways between `frontend` and `backend` until the
/// context is terminated (returns [`ErrorKind::Terminated`], as `zmq_proxy` does).
///
/// ```
/// use ferrozmq::{proxy, Context, ErrorKind, SocketType};
///
/// let ctx = Context::new();
/// let mut frontend = ctx.socket(SocketType::Pull)?;
/// frontend.bind("inproc://proxy-in")?;
/// let mut backend = ctx.socket(SocketType::Push)?;
/// backend.bind("inproc://proxy-out")?;
/// let device = std::thread::spawn(move || proxy(&mut frontend, &mut backend, None));
///
/// let mut producer = ctx.socket(SocketType::Push)?;
/// producer.connect("inproc://proxy-in")?;
/// let mut consumer = ctx.socket(SocketType::Pull)?;
/// consumer.connect("inproc://proxy-out")?;
/// producer.send("through the proxy")?;
/// assert_eq!(consumer.recv_string()?, "through the proxy");
///
/// ctx.shutdown(); // the proxy returns ETERM
/// let stopped = device.join().expect("proxy thread panicked");
/// assert_eq!(stopped.unwrap_err(), ErrorKind::Terminated);
/// # Ok::<(), ferrozmq::Error>(())
/// ```
pub fn proxy(
    frontend: &mut Socket,
    backend: &mut Socket,
    capture: Option<&mut Socket>,
) -> Result<()> {
    run(
        Ends::Two(frontend, backend),
        capture,
        None,
        &mut ProxyState::default(),
    )
}

/// Like [`proxy`], steered by commands on `control`: PAUSE, RESUME,
/// TERMINATE (returns `Ok`), STATISTICS (replies with eight u64 frames).
pub fn proxy_steerable(
    frontend: &mut Socket,
    backend: &mut Socket,
    capture: Option<&mut Socket>,
    control: &mut Socket,
) -> Result<()> {
    run(
        Ends::Two(frontend, backend),
        capture,
        Some(control),
        &mut ProxyState::default(),
    )
}

/// A proxy whose frontend and backend are the same socket (e.g. a REP that
/// echoes every request back), optionally steered by `control` as in
/// [`proxy_steerable`]; `zmq_proxy(s, s, ...)` in libzmq.
pub fn proxy_single(
    socket: &mut Socket,
    capture: Option<&mut Socket>,
    control: Option<&mut Socket>,
) -> Result<()> {
    run(
        Ends::Same(socket),
        capture,
        control,
        &mut ProxyState::default(),
    )
}

/// The proxied sockets: two, or one that is both frontend and backend.
enum Ends<'a> {
    Two(&'a mut Socket, &'a mut Socket),
    Same(&'a mut Socket),
}

/// What one pass of the loop saw.
#[derive(Debug, Default, Clone, Copy)]
struct Ready {
    front_in: bool,
    front_out: bool,
    back_in: bool,
    back_out: bool,
    control_in: bool,
}

/// Where a proxy is between calls: paused or not, its statistics, and
/// what it last saw ready. See [`proxy_resumable`].
#[derive(Debug, Default, Clone, Copy)]
pub struct ProxyState {
    stats: Stats,
    paused: bool,
    ready: Ready,
}

/// The loop of [`proxy`], [`proxy_steerable`] and [`proxy_single`]
/// (`backend` `None`: the frontend is both ends) with its state kept by the
/// caller: after a call fails with [`ErrorKind::Interrupted`] (a signal
/// came while it waited), the same call with the same `state` goes on
/// where it stopped, paused or not, with its statistics. A message is
/// never cut in two by an interruption: only the waits between messages
/// are interrupted.
pub fn proxy_resumable(
    frontend: &mut Socket,
    backend: Option<&mut Socket>,
    capture: Option<&mut Socket>,
    control: Option<&mut Socket>,
    state: &mut ProxyState,
) -> Result<()> {
    let ends = match backend {
        Some(backend) => Ends::Two(frontend, backend),
        None => Ends::Same(frontend),
    };
    run(ends, capture, control, state)
}

/// A message is moved only when its source has one and its target can take
/// it (as libzmq 4.3 does), so a target at its high-water mark, or with no
/// peer, never blocks the proxy: it waits for the target to become writable
/// instead, and stays steerable meanwhile.
fn run(
    mut ends: Ends<'_>,
    mut capture: Option<&mut Socket>,
    mut control: Option<&mut Socket>,
    state: &mut ProxyState,
) -> Result<()> {
    loop {
        // Wait for input, or for room where input is waiting for it.
        let ready = state.ready;
        let paused = state.paused;
        let front_blocked = ready.front_in && !ready.back_out;
        let back_blocked = ready.back_in && !ready.front_out;
        let wanted = |input: bool, blocked: bool, other_blocked: bool| {
            let mut ev = PollEvents::empty();
            if !paused && !blocked && input {
                ev |= PollEvents::READABLE;
            }
            if !paused && other_blocked {
                ev |= PollEvents::WRITABLE;
            }
            ev
        };
        wait(
            &mut ends,
            control.as_deref_mut(),
            wanted(true, front_blocked, back_blocked),
            wanted(true, back_blocked, front_blocked),
        )?;
        // A message's frames go whole: no wait in them is cut into slices.
        let terminated = wait_slice::unsliced(|| {
            step(
                &mut ends,
                capture.as_deref_mut(),
                control.as_deref_mut(),
                state,
            )
        })?;
        if terminated {
            return Ok(());
        }
    }
}

/// Handles what is ready after a wait: a control command, then a burst
/// each way. Returns whether the proxy was told to TERMINATE.
fn step(
    ends: &mut Ends<'_>,
    mut capture: Option<&mut Socket>,
    mut control: Option<&mut Socket>,
    state: &mut ProxyState,
) -> Result<bool> {
    state.ready = look(ends, control.as_deref_mut())?;
    if let (true, Some(c)) = (state.ready.control_in, control) {
        let command = c.recv_bytes()?;
        if let Some(cap) = capture.as_deref_mut() {
            cap.send(command.clone())?;
        }
        match &command[..] {
            b"PAUSE" => state.paused = true,
            b"RESUME" => state.paused = false,
            b"TERMINATE" => return Ok(true),
            b"STATISTICS" => reply_stats(c, &state.stats)?,
            _ => return Err(ErrorKind::Invalid.into()),
        }
    }
    if state.paused {
        return Ok(false);
    }
    let ProxyState { stats, ready, .. } = state;
    match ends {
        Ends::Two(front, back) => {
            if ready.front_in && ready.back_out {
                let (f, b) = (&mut stats.frontend, &mut stats.backend);
                forward(front, Some(back), capture.as_deref_mut(), f, b)?;
                ready.front_in = false;
            }
            if ready.back_in && ready.front_out {
                let (b, f) = (&mut stats.backend, &mut stats.frontend);
                forward(back, Some(front), capture.as_deref_mut(), b, f)?;
                ready.back_in = false;
            }
        }
        Ends::Same(socket) => {
            if ready.front_in {
                let (f, b) = (&mut stats.frontend, &mut stats.backend);
                forward(socket, None, capture, f, b)?;
                ready.front_in = false;
            }
        }
    }
    Ok(false)
}

/// Blocks until one of the wanted events (or a control command) is ready.
fn wait(
    ends: &mut Ends<'_>,
    control: Option<&mut Socket>,
    front_events: PollEvents,
    back_events: PollEvents,
) -> Result<()> {
    let mut items = match ends {
        Ends::Two(front, back) => vec![
            PollItem::socket(front, front_events),
            PollItem::socket(back, back_events),
        ],
        // libzmq ignores POLLOUT when both ends are one socket.
        Ends::Same(socket) => vec![PollItem::socket(
            socket,
            front_events & PollEvents::READABLE,
        )],
    };
    if let Some(c) = control {
        items.push(PollItem::socket(c, PollEvents::READABLE));
    }
    poll(&mut items, None)?;
    Ok(())
}

/// Everything that is ready now, without waiting.
fn look(ends: &mut Ends<'_>, control: Option<&mut Socket>) -> Result<Ready> {
    let mut ready = Ready::default();
    match ends {
        Ends::Two(front, back) => {
            let (f, b) = (front.events()?, back.events()?);
            ready.front_in = f.contains(PollEvents::READABLE);
            ready.front_out = f.contains(PollEvents::WRITABLE);
            ready.back_in = b.contains(PollEvents::READABLE);
            ready.back_out = b.contains(PollEvents::WRITABLE);
        }
        Ends::Same(socket) => ready.front_in = socket.events()?.contains(PollEvents::READABLE),
    }
    if let Some(c) = control {
        ready.control_in = c.events()?.contains(PollEvents::READABLE);
    }
    Ok(ready)
}

/// Moves a burst of whole messages from `from` to `to` (`None`: back into
/// `from`), as libzmq does: up to [`BURST`] messages, while any are waiting.
fn forward(
    from: &mut Socket,
    mut to: Option<&mut &mut Socket>,
    mut capture: Option<&mut Socket>,
    from_stats: &mut Side,
    to_stats: &mut Side,
) -> Result<()> {
    for _ in 0..BURST {
        loop {
            let frame = match from.try_recv() {
                Ok(f) => f,
                Err(e) if e.kind() == ErrorKind::Again => return Ok(()),
                Err(e) => return Err(e),
            };
            let more = frame.more();
            let flags = if more {
                SendFlags::MORE
            } else {
                SendFlags::empty()
            };
            from_stats.bytes_in += frame.len() as u64;
            to_stats.bytes_out += frame.len() as u64;
            if let Some(c) = capture.as_deref_mut() {
                c.send_with(frame.bytes().clone(), flags)?;
            }
            match to.as_deref_mut() {
                Some(to) => to.send_with(frame, flags)?,
                None => from.send_with(frame, flags)?,
            }
            if !more {
                from_stats.msg_in += 1;
                to_stats.msg_out += 1;
                break;
            }
        }
    }
    Ok(())
}

fn reply_stats(control: &mut Socket, stats: &Stats) -> Result<()> {
    let values = [
        stats.frontend.msg_in,
        stats.frontend.bytes_in,
        stats.frontend.msg_out,
        stats.frontend.bytes_out,
        stats.backend.msg_in,
        stats.backend.bytes_in,
        stats.backend.msg_out,
        stats.backend.bytes_out,
    ];
    control.send_multipart(
        values
            .iter()
            .map(|v| v.to_ne_bytes().to_vec())
            .collect::<Multipart>(),
    )
}

/// Most messages moved in one go before looking at the other side again (libzmq's `proxy_burst_size`).
const BURST: usize = 1000;
