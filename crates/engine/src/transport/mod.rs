//! Transports: endpoint parsing and the byte streams that carry ZMTP.

mod bind;
mod endpoint;
mod proxied;
mod socks;
mod stream;

pub(crate) use bind::{bind, IpcFile};
pub(crate) use endpoint::tcp_endpoint_string;
pub use endpoint::{Endpoint, EndpointError};
pub(crate) use proxied::{connect_to_proxy, ProxyConnect};
pub(crate) use socks::Handshake as SocksHandshake;
pub use socks::SocksProxy;
pub(crate) use stream::{Listener, Stream};
