//! Transports: endpoint parsing and the byte streams that carry ZMTP.

mod bind;
mod connect;
mod endpoint;
mod filter;
mod net_options;
mod open_failure;
mod proxied;
mod resolve;
mod socks;
mod stream;

pub(crate) use bind::bind;
pub(crate) use connect::{dial_route, ipc_connect, ipc_sockaddr, tcp_connect};
pub(crate) use endpoint::tcp_endpoint_string;
pub use endpoint::{Endpoint, EndpointError};
pub use filter::{AddressMask, IpcFilters};
pub use net_options::{Keepalive, NetOptions};
pub(crate) use open_failure::OpenFailure;
pub(crate) use proxied::ProxyConnect;
pub(crate) use resolve::{Addresses, Lookup, Resolution, Resolver};
pub(crate) use socks::Handshake as SocksHandshake;
pub use socks::SocksProxy;
pub(crate) use stream::{Listener, Stream};
