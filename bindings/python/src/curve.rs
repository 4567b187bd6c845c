//! CURVE key generation for Python: pyzmq's `zmq.curve_keypair` and
//! `zmq.curve_public`, both with keys as Z85 text in `bytes`.

use ferrozmq::{CurveKeyPair, CurveSecretKey, Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::error::check;

/// A new CURVE key pair as `(public, secret)`, each 40 Z85 characters in `bytes`.
#[pyfunction]
pub(crate) fn curve_keypair(py: Python<'_>) -> PyResult<(Py<PyBytes>, Py<PyBytes>)> {
    let keys = check(py, CurveKeyPair::generate())?;
    let public = PyBytes::new(py, keys.public.to_z85().as_bytes()).unbind();
    let secret = PyBytes::new(py, keys.secret.to_z85().as_bytes()).unbind();
    Ok((public, secret))
}

/// The public key (40 Z85 characters in `bytes`) of a secret key given
/// as 40 Z85 characters (`bytes` or `str`).
#[pyfunction]
pub(crate) fn curve_public(py: Python<'_>, secret_key: &Bound<'_, PyAny>) -> PyResult<Py<PyBytes>> {
    let text: String = if let Ok(raw) = secret_key.downcast::<PyBytes>() {
        String::from_utf8_lossy(raw.as_bytes()).into_owned()
    } else {
        secret_key.extract()?
    };
    let secret = check(
        py,
        CurveSecretKey::from_z85(&text).ok_or(Error::new(ErrorKind::Invalid)),
    )?;
    Ok(PyBytes::new(py, secret.public_key().to_z85().as_bytes()).unbind())
}
