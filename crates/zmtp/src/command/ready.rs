//! READY: the end of a handshake, carrying the sender's metadata.

use bytes::Bytes;

use super::{Metadata, IDENTITY, SOCKET_TYPE};
use crate::error::Result;
use crate::socket_type::SocketType;

/// Builds the metadata libzmq sends in READY (or PLAIN's INITIATE):
/// `Socket-Type`, `Identity` for REQ/DEALER/ROUTER, then user properties.
pub fn local_metadata(
    socket_type: SocketType,
    identity: &Bytes,
    user: &Metadata,
) -> Result<Metadata> {
    let mut m = Metadata::new();
    m.insert(
        SOCKET_TYPE,
        Bytes::from_static(socket_type.name().as_bytes()),
    )?;
    if socket_type.sends_identity() {
        m.insert(IDENTITY, identity.clone())?;
    }
    for (name, value) in user.iter() {
        m.insert(name, value.clone())?;
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;

    #[test]
    fn identity_only_for_routing_types() {
        let id = Bytes::from_static(b"me");
        let m = local_metadata(SocketType::Dealer, &id, &Metadata::new()).unwrap();
        assert_eq!(m.get_str(IDENTITY), Some("me"));
        let m = local_metadata(SocketType::Push, &id, &Metadata::new()).unwrap();
        assert!(m.get(IDENTITY).is_none());
        let mut user = Metadata::new();
        user.insert("X-App", Bytes::from_static(b"1")).unwrap();
        let m = local_metadata(SocketType::Pub, &id, &user).unwrap();
        assert_eq!(m.get_str("x-app"), Some("1"));
        assert!(matches!(
            Command::Ready(m).encode().get(1..6),
            Some(b"READY")
        ));
    }
}
