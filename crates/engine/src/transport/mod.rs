//! Transports: endpoint parsing and the byte streams that carry ZMTP.

mod bind;
mod endpoint;
mod stream;

pub(crate) use bind::bind;
pub use endpoint::{tcp_endpoint_string, Endpoint, EndpointError};
pub(crate) use stream::{Listener, Stream};
