//! [`proxy`] and [`proxy_steerable`]: shuttle messages between a frontend and
//! a backend socket, optionally copying them to a capture socket.

use crate::error::{Error, Result};
use crate::poller::{poll, PollItem};
use crate::socket::{Socket, DONTWAIT, POLLIN, SNDMORE};

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
/// context is terminated (returns [`Error::Terminated`], as `zmq_proxy` does).
pub fn proxy(
    frontend: &mut Socket,
    backend: &mut Socket,
    capture: Option<&mut Socket>,
) -> Result<()> {
    run(frontend, backend, capture, None)
}

/// Like [`proxy`], steered by commands on `control`: PAUSE, RESUME,
/// TERMINATE (returns `Ok`), STATISTICS (replies with eight u64 frames).
pub fn proxy_steerable(
    frontend: &mut Socket,
    backend: &mut Socket,
    capture: Option<&mut Socket>,
    control: &mut Socket,
) -> Result<()> {
    run(frontend, backend, capture, Some(control))
}

fn run(
    frontend: &mut Socket,
    backend: &mut Socket,
    mut capture: Option<&mut Socket>,
    mut control: Option<&mut Socket>,
) -> Result<()> {
    let mut stats = Stats::default();
    let mut paused = false;
    loop {
        let (front_ready, back_ready, control_ready) = {
            let mut items = vec![
                PollItem::socket(frontend, POLLIN),
                PollItem::socket(backend, POLLIN),
            ];
            if let Some(c) = control.as_deref_mut() {
                items.push(PollItem::socket(c, POLLIN));
            }
            poll(&mut items, None)?;
            let ready = |i: usize| items.get(i).is_some_and(PollItem::is_readable);
            (ready(0), ready(1), ready(2))
        };
        if control_ready {
            if let Some(c) = control.as_deref_mut() {
                let command = c.recv_bytes(0)?;
                match &command[..] {
                    b"PAUSE" => paused = true,
                    b"RESUME" => paused = false,
                    b"TERMINATE" => return Ok(()),
                    b"STATISTICS" => reply_stats(c, &stats)?,
                    _ => return Err(Error::Invalid),
                }
            }
        }
        if paused {
            continue;
        }
        if front_ready {
            forward(
                frontend,
                backend,
                capture.as_deref_mut(),
                &mut stats.frontend,
                &mut stats.backend,
            )?;
        }
        if back_ready {
            forward(
                backend,
                frontend,
                capture.as_deref_mut(),
                &mut stats.backend,
                &mut stats.frontend,
            )?;
        }
    }
}

/// Moves one whole message from `from` to `to`.
fn forward(
    from: &mut Socket,
    to: &mut Socket,
    mut capture: Option<&mut Socket>,
    from_stats: &mut Side,
    to_stats: &mut Side,
) -> Result<()> {
    loop {
        let frame = match from.recv(DONTWAIT) {
            Ok(f) => f,
            Err(Error::Again) => return Ok(()),
            Err(e) => return Err(e),
        };
        let more = frame.more();
        let flags = if more { SNDMORE } else { 0 };
        from_stats.bytes_in += frame.len() as u64;
        to_stats.bytes_out += frame.len() as u64;
        if let Some(c) = capture.as_deref_mut() {
            c.send(frame.bytes().clone(), flags)?;
        }
        to.send(frame, flags)?;
        if !more {
            from_stats.msg_in += 1;
            to_stats.msg_out += 1;
            return Ok(());
        }
    }
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
    control.send_multipart(values.iter().map(|v| v.to_ne_bytes().to_vec()), 0)
}
