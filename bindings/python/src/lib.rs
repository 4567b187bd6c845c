//! `ferrozmq._ferrozmq`: the Rust core of the Python module.
//!
//! The classes here are the thin, fast part of pyzmq's API (a context, a
//! socket whose blocking calls release the GIL, a zero-copy frame, poll and
//! proxy); the pure-Python package `ferrozmq` (bindings/python/python)
//! subclasses them and adds everything else pyzmq users expect.

mod buffer;
mod context;
mod curve;
mod deadline;
mod drain;
mod error;
mod fastcall;
mod frame;
mod options;
mod poll;
mod proxy;
mod release;
mod socket;
mod tracker;
mod truthy;

use pyo3::prelude::*;

/// The extension module, imported as `ferrozmq._ferrozmq`.
#[pymodule]
fn _ferrozmq(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<context::Context>()?;
    m.add_class::<socket::Socket>()?;
    fastcall::install(m.py(), &m.py().get_type::<socket::Socket>())?;
    m.add_class::<frame::Frame>()?;
    m.add_class::<tracker::Completion>()?;
    m.add("_FrameBuffer", buffer::frame_buffer_type(m.py())?)?;
    m.add_function(wrap_pyfunction!(poll::zmq_poll, m)?)?;
    m.add_function(wrap_pyfunction!(proxy::proxy, m)?)?;
    m.add_function(wrap_pyfunction!(error::strerror, m)?)?;
    m.add_function(wrap_pyfunction!(curve::curve_keypair, m)?)?;
    m.add_function(wrap_pyfunction!(curve::curve_public, m)?)?;
    m.add_function(wrap_pyfunction!(options::socket_option_table, m)?)?;
    m.add_function(wrap_pyfunction!(options::context_option_table, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

/// The extension's Rust allocator: messages are allocated by the Python
/// thread and freed by an I/O thread (or the other way round), a pattern
/// glibc's malloc handles poorly (arena locks, `malloc_consolidate`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
