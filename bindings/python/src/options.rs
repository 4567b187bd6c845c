//! The Rust option tables as Python sees them, so the pure-Python constants
//! can be checked against (or built from) the one table in ferrozmq.

use ferrozmq::{ContextOption, OptionKind, SocketOption};
use pyo3::prelude::*;

/// Every socket option ferrozmq implements as `(name, number, kind)`: the
/// name as pyzmq spells it (`"SNDHWM"`), libzmq's number, and how the value
/// travels (`"int"`, `"int64"`, `"bytes"`, `"str"` or `"curve_key"`).
#[pyfunction]
pub(crate) fn socket_option_table() -> Vec<(&'static str, i32, &'static str)> {
    SocketOption::ALL
        .iter()
        .map(|o| (o.name(), o.raw(), kind_name(o.kind())))
        .collect()
}

/// Every context option as `(name, number)`.
#[pyfunction]
pub(crate) fn context_option_table() -> Vec<(&'static str, i32)> {
    ContextOption::ALL
        .iter()
        .map(|o| (o.name(), o.raw()))
        .collect()
}

fn kind_name(kind: OptionKind) -> &'static str {
    match kind {
        OptionKind::Int => "int",
        OptionKind::Int64 => "int64",
        OptionKind::Bytes => "bytes",
        OptionKind::Str => "str",
        _ => "curve_key",
    }
}
