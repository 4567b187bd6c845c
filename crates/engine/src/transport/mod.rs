//! Transports: endpoint parsing and the byte streams that carry ZMTP.

mod bind;
mod endpoint;
mod stream;

pub(crate) use bind::bind;
pub(crate) use endpoint::tcp_endpoint_string;
pub use endpoint::{Endpoint, EndpointError};
pub(crate) use stream::{Listener, Stream};
