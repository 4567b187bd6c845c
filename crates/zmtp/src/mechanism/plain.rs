//! PLAIN (RFC 24): user name and password in clear, checked by ZAP.
//!
//! ```text
//! client                      server
//! HELLO(user, password)  -->
//!                        <--  WELCOME        (or ERROR)
//! INITIATE(metadata)     -->
//!                        <--  READY(metadata)
//! ```

use bytes::Bytes;

use super::{HandshakeStatus, Mechanism, ZapReply, ZapRequest};
use crate::command::{Command, Hello, Metadata};
use crate::error::{Error, Result};
use crate::greeting::MechanismName;

/// The client side of PLAIN.
#[derive(Debug)]
pub struct PlainClient {
    local: Metadata,
    hello: Option<Hello>,
    state: ClientState,
    peer: Option<Metadata>,
}

#[derive(Debug, PartialEq, Eq)]
enum ClientState {
    SendHello,
    WaitWelcome,
    SendInitiate,
    WaitReady,
    Ready,
}

impl PlainClient {
    /// A PLAIN client; user name and password must each fit in 255 octets.
    pub fn new(local: Metadata, username: Bytes, password: Bytes) -> Result<PlainClient> {
        if username.len() > 255 || password.len() > 255 {
            return Err(Error::Misuse(
                "PLAIN user name and password are at most 255 octets",
            ));
        }
        Ok(PlainClient {
            local,
            hello: Some(Hello { username, password }),
            state: ClientState::SendHello,
            peer: None,
        })
    }
}

impl Mechanism for PlainClient {
    fn name(&self) -> MechanismName {
        MechanismName::PLAIN
    }

    fn as_server(&self) -> bool {
        false
    }

    fn poll_command(&mut self) -> Option<Bytes> {
        match self.state {
            ClientState::SendHello => {
                self.state = ClientState::WaitWelcome;
                self.hello.take().map(|h| Command::Hello(h).encode())
            }
            ClientState::SendInitiate => {
                self.state = ClientState::WaitReady;
                Some(Command::Initiate(self.local.clone()).encode())
            }
            _ => None,
        }
    }

    fn handle_command(&mut self, body: &Bytes) -> Result<()> {
        match (&self.state, Command::decode(body)?) {
            (_, Command::Error(reason)) => Err(Error::PeerError(reason)),
            (ClientState::WaitWelcome, Command::Welcome) => {
                self.state = ClientState::SendInitiate;
                Ok(())
            }
            (ClientState::WaitReady, Command::Ready(m)) => {
                self.peer = Some(m);
                self.state = ClientState::Ready;
                Ok(())
            }
            _ => Err(Error::PeerMisbehaved(
                "unexpected command in PLAIN handshake",
            )),
        }
    }

    fn handle_zap_reply(&mut self, _reply: ZapReply) -> Result<()> {
        Err(Error::Misuse("PLAIN client does not use ZAP"))
    }

    fn status(&self) -> HandshakeStatus {
        match self.state {
            ClientState::Ready => HandshakeStatus::Ready,
            _ => HandshakeStatus::InProgress,
        }
    }

    fn peer_metadata(&self) -> Option<&Metadata> {
        self.peer.as_ref()
    }
}

/// The server side of PLAIN.
#[derive(Debug)]
pub struct PlainServer {
    local: Metadata,
    state: ServerState,
    credentials: Option<Hello>,
    outgoing: Option<Bytes>,
    peer: Option<Metadata>,
    zap_reply: Option<ZapReply>,
}

#[derive(Debug, PartialEq, Eq)]
enum ServerState {
    WaitHello,
    ZapToSend,
    ZapWaiting,
    WaitInitiate,
    Ready,
    Failed,
}

impl PlainServer {
    /// A PLAIN server announcing `local` in its READY.
    pub fn new(local: Metadata) -> PlainServer {
        PlainServer {
            local,
            state: ServerState::WaitHello,
            credentials: None,
            outgoing: None,
            peer: None,
            zap_reply: None,
        }
    }
}

impl Mechanism for PlainServer {
    fn name(&self) -> MechanismName {
        MechanismName::PLAIN
    }

    fn as_server(&self) -> bool {
        true
    }

    fn poll_command(&mut self) -> Option<Bytes> {
        self.outgoing.take()
    }

    fn handle_command(&mut self, body: &Bytes) -> Result<()> {
        match (&self.state, Command::decode(body)?) {
            (_, Command::Error(reason)) => Err(Error::PeerError(reason)),
            (ServerState::WaitHello, Command::Hello(hello)) => {
                self.credentials = Some(hello);
                self.state = ServerState::ZapToSend;
                Ok(())
            }
            (ServerState::WaitInitiate, Command::Initiate(m)) => {
                self.peer = Some(m);
                self.outgoing = Some(Command::Ready(self.local.clone()).encode());
                self.state = ServerState::Ready;
                Ok(())
            }
            _ => Err(Error::PeerMisbehaved(
                "unexpected command in PLAIN handshake",
            )),
        }
    }

    fn poll_zap_request(&mut self) -> Option<ZapRequest> {
        if self.state != ServerState::ZapToSend {
            return None;
        }
        self.state = ServerState::ZapWaiting;
        let hello = self.credentials.take()?;
        Some(ZapRequest {
            mechanism: "PLAIN",
            credentials: vec![hello.username, hello.password],
        })
    }

    fn handle_zap_reply(&mut self, reply: ZapReply) -> Result<()> {
        if self.state != ServerState::ZapWaiting {
            return Err(Error::Misuse("ZAP reply without a request"));
        }
        if !reply.is_accepted() {
            self.state = ServerState::Failed;
            self.outgoing = reply.error_command();
            return Err(reply.refusal());
        }
        self.zap_reply = Some(reply);
        self.outgoing = Some(Command::Welcome.encode());
        self.state = ServerState::WaitInitiate;
        Ok(())
    }

    fn status(&self) -> HandshakeStatus {
        // READY may still sit in `outgoing`; the connection drains commands
        // before it looks at the status, so it always leaves first.
        match self.state {
            ServerState::Ready => HandshakeStatus::Ready,
            _ => HandshakeStatus::InProgress,
        }
    }

    fn peer_metadata(&self) -> Option<&Metadata> {
        self.peer.as_ref()
    }

    fn zap_result(&self) -> Option<&ZapReply> {
        self.zap_reply.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(client: &mut PlainClient, server: &mut PlainServer, zap: ZapReply) -> Result<()> {
        let hello = client.poll_command().unwrap();
        assert_eq!(&hello[..], b"\x05HELLO\x05admin\x06secret");
        server.handle_command(&hello)?;
        let req = server.poll_zap_request().unwrap();
        assert_eq!(
            req.credentials,
            vec![Bytes::from("admin"), Bytes::from("secret")]
        );
        let refused = server.handle_zap_reply(zap);
        client.handle_command(&server.poll_command().unwrap())?;
        refused?;
        server.handle_command(&client.poll_command().unwrap())?;
        client.handle_command(&server.poll_command().unwrap())?;
        Ok(())
    }

    fn pair() -> (PlainClient, PlainServer) {
        let mut md = Metadata::new();
        md.insert("Socket-Type", Bytes::from("REQ")).unwrap();
        let client = PlainClient::new(md, "admin".into(), "secret".into()).unwrap();
        let mut smd = Metadata::new();
        smd.insert("Socket-Type", Bytes::from("REP")).unwrap();
        (client, PlainServer::new(smd))
    }

    #[test]
    fn full_handshake() {
        let (mut c, mut s) = pair();
        exchange(&mut c, &mut s, ZapReply::accepted()).unwrap();
        assert_eq!(c.status(), HandshakeStatus::Ready);
        assert_eq!(s.status(), HandshakeStatus::Ready);
        assert_eq!(
            c.peer_metadata().unwrap().get_str("socket-type"),
            Some("REP")
        );
        assert_eq!(
            s.peer_metadata().unwrap().get_str("socket-type"),
            Some("REQ")
        );
    }

    #[test]
    fn refused_credentials_send_error() {
        let (mut c, mut s) = pair();
        let err = exchange(&mut c, &mut s, ZapReply::refused("400")).unwrap_err();
        assert_eq!(err, Error::PeerError("400".into()));
    }

    #[test]
    fn out_of_order_commands_fail() {
        let (mut c, mut s) = pair();
        assert!(s
            .handle_command(&Bytes::from_static(b"\x08INITIATE"))
            .is_err());
        c.poll_command();
        assert!(c.handle_command(&Bytes::from_static(b"\x05READY")).is_err());
        assert!(PlainClient::new(Metadata::new(), vec![0u8; 256].into(), Bytes::new()).is_err());
    }
}
