//! `Socket.drain()` (ferrozmq extension, issue 14): its result and the
//! queue statistics as Python dicts.

use ferrozmq::{Drained, QueueStats};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

/// `Socket.queue_stats()`'s dict: ``outbound``, ``inbound``,
/// ``dropped_hwm``, ``dropped_unroutable`` and ``peers``, a list of dicts
/// with ``pipe_id``, ``routing_id`` (bytes or None), ``endpoint``,
/// ``outbound``, ``inbound`` and ``dropped_hwm``.
pub(crate) fn stats_dict<'py>(py: Python<'py>, q: &QueueStats) -> PyResult<Bound<'py, PyDict>> {
    let peers = PyList::empty(py);
    for p in &q.peers {
        let d = PyDict::new(py);
        d.set_item("pipe_id", p.pipe_id)?;
        d.set_item(
            "routing_id",
            p.routing_id.as_deref().map(|id| PyBytes::new(py, id)),
        )?;
        d.set_item("endpoint", &p.endpoint)?;
        d.set_item("outbound", p.outbound)?;
        d.set_item("inbound", p.inbound)?;
        d.set_item("dropped_hwm", p.dropped_hwm)?;
        peers.append(d)?;
    }
    let d = PyDict::new(py);
    d.set_item("outbound", q.outbound)?;
    d.set_item("inbound", q.inbound)?;
    d.set_item("dropped_hwm", q.dropped_hwm)?;
    d.set_item("dropped_unroutable", q.dropped_unroutable)?;
    d.set_item("peers", peers)?;
    Ok(d)
}

/// `Socket.drain()`'s dict: ``messages``, every message handed back (a
/// list of frames, as bytes), peer after peer; ``unsent``, the same per
/// peer (dicts with ``pipe_id``, ``routing_id``, ``endpoint`` and
/// ``messages``); ``stats``, the queues when the socket stopped, as
/// ``queue_stats()`` reports them.
pub(crate) fn drained_dict<'py>(py: Python<'py>, d: &Drained) -> PyResult<Bound<'py, PyDict>> {
    let all = PyList::empty(py);
    let unsent = PyList::empty(py);
    for u in &d.unsent {
        let messages = PyList::empty(py);
        for m in &u.messages {
            let frames = PyList::new(py, m.iter().map(|f| PyBytes::new(py, f)))?;
            messages.append(&frames)?;
            all.append(frames)?;
        }
        let peer = PyDict::new(py);
        peer.set_item("pipe_id", u.pipe_id)?;
        peer.set_item(
            "routing_id",
            u.routing_id.as_deref().map(|id| PyBytes::new(py, id)),
        )?;
        peer.set_item("endpoint", &u.endpoint)?;
        peer.set_item("messages", messages)?;
        unsent.append(peer)?;
    }
    let out = PyDict::new(py);
    out.set_item("messages", all)?;
    out.set_item("unsent", unsent)?;
    out.set_item("stats", stats_dict(py, &d.stats)?)?;
    Ok(out)
}
