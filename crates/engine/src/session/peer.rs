//! What the socket learns about a connected peer: its routing id and the
//! properties `zmq_msg_gets` reads (ZMTP metadata, ZAP's user id and
//! metadata, the peer's address).

use bytes::Bytes;
use ferrozmq_zmtp::PeerInfo as ZmtpPeer;

use super::{Role, Session};
use crate::pipe::PeerInfo;
use crate::transport::Stream;

impl Session {
    /// The peer info a connected `stream` gives before any handshake: the
    /// source fd, the Peer-Address property, and ZMQ_CONNECT_ROUTING_ID.
    pub(super) fn stream_peer_info(&self, stream: &Stream) -> PeerInfo {
        let mut info = PeerInfo::default();
        if let Some(rid) = self.connect_routing_id() {
            info.routing_id = rid.clone();
        }
        info.source_fd = Some(stream.raw_fd());
        let address = stream.peer_address();
        if !address.is_empty() {
            info.properties
                .push(("Peer-Address".into(), Bytes::from(address)));
        }
        info
    }

    /// ZMQ_CONNECT_ROUTING_ID, for a session made by `connect`.
    pub(super) fn connect_routing_id(&self) -> Option<&Bytes> {
        match self.role {
            Role::Connecter(_) => self.options.connect_routing_id.as_ref(),
            Role::Accepted(_) => None,
        }
    }
}

/// Adds what the handshake told about the peer: its routing id (unless
/// `connect_routing_id` names it), its READY metadata, then ZAP's user id
/// and metadata, in libzmq's order.
pub(super) fn add_zmtp_peer(
    info: &mut PeerInfo,
    peer: &ZmtpPeer,
    connect_routing_id: Option<&Bytes>,
) {
    if connect_routing_id.is_none() {
        info.routing_id = peer.routing_id.clone();
    }
    let mut props = Vec::new();
    for (name, value) in peer.metadata.iter() {
        props.push((name.to_owned(), value.clone()));
    }
    if !peer.user_id.is_empty() {
        props.push(("User-Id".into(), peer.user_id.clone()));
    }
    for (name, value) in peer.zap_metadata.iter() {
        props.push((name.to_owned(), value.clone()));
    }
    // The handshake's properties come first, as before the address.
    props.append(&mut info.properties);
    info.properties = props;
}
