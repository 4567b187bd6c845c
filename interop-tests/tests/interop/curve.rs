//! CURVE against Debian's libzmq (`peers/c/curve.c`) and pyzmq's libzmq
//! (`peers/python/curve.py`): each side as server in turn, with a ZAP handler on the server side that admits one
//! client key, for REQ/REP, DEALER/ROUTER and PUB/SUB over tcp. A wrong
//! server key or an unknown client key gets no traffic through, and the
//! server keeps serving its good peers.

use std::ffi::OsString;
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

use ferrozmq::{
    Context, CurveKeyPair, CurvePublicKey, Error, ErrorKind, Socket, SocketOption, SocketType,
};
use interop_tests::peer::{c_program, python_program, Peer, PeerKind};

fn peer(kind: PeerKind, args: &[&str]) -> Option<Peer> {
    // Built once per run: tests run in parallel.
    static C_PEER: OnceLock<Result<Vec<OsString>, String>> = OnceLock::new();
    let program = match kind {
        PeerKind::Libzmq => C_PEER.get_or_init(|| c_program("curve")).clone(),
        _ => python_program("curve.py"),
    };
    Peer::spawn_program(kind, program, args)
}

/// Starts their CURVE server of `kind` that admits `allowed`.
fn their_server(
    peer_kind: PeerKind,
    kind: &str,
    keys: &CurveKeyPair,
    allowed: &CurvePublicKey,
) -> Option<(Peer, String)> {
    let secret = keys.secret.to_z85();
    let mut server = peer(peer_kind, &["server", kind, &secret, &allowed.to_z85()])?;
    let endpoint = server.bound_endpoint();
    Some((server, endpoint))
}

fn our_client(
    ctx: &Context,
    kind: SocketType,
    endpoint: &str,
    keys: &CurveKeyPair,
    server: &CurvePublicKey,
) -> Socket {
    let mut client = ctx.socket(kind).unwrap();
    client.set_option(SocketOption::Linger, 0).unwrap();
    client.set_option(SocketOption::RcvTimeo, 2000).unwrap();
    client.set_curve_client(keys, server).unwrap();
    client.connect(endpoint).unwrap();
    client
}

/// Sends a request and returns the reply's last frame (DEALER adds the
/// empty delimiter REQ would add).
fn ask(client: &mut Socket, dealer: bool, text: &str) -> Result<String, Error> {
    if dealer {
        client.send_multipart([&b""[..], text.as_bytes()])?;
        let reply = client.recv_multipart()?;
        Ok(String::from_utf8(reply.last().unwrap().to_vec()).unwrap())
    } else {
        client.send(text)?;
        client.recv_string()
    }
}

fn their_server_checks_our_key(peer_kind: PeerKind, their_kind: &str, ours: SocketType) {
    let server_keys = CurveKeyPair::generate().unwrap();
    let good = CurveKeyPair::generate().unwrap();
    let Some((_server, endpoint)) = their_server(peer_kind, their_kind, &server_keys, &good.public)
    else {
        return;
    };
    let ctx = Context::new();
    let dealer = ours == SocketType::Dealer;
    let mut client = our_client(&ctx, ours, &endpoint, &good, &server_keys.public);
    assert_eq!(
        ask(&mut client, dealer, "one").unwrap(),
        "echo one their-user"
    );

    // An unknown client key: refused by their ZAP handler.
    let stranger = CurveKeyPair::generate().unwrap();
    let mut refused = our_client(&ctx, ours, &endpoint, &stranger, &server_keys.public);
    refused.set_option(SocketOption::RcvTimeo, 500).unwrap();
    // Its session ends at the server's ERROR (no retry, as in libzmq), which
    // may come before the send: then the send finds no pipe and times out.
    refused.set_option(SocketOption::SndTimeo, 500).unwrap();
    assert_eq!(
        ask(&mut refused, dealer, "let me in").map_err(|e| e.kind()),
        Err(ErrorKind::Again)
    );

    // The wrong server key: their server cannot open our HELLO.
    let impostor = CurveKeyPair::generate().unwrap().public;
    let mut lost = our_client(&ctx, ours, &endpoint, &good, &impostor);
    lost.set_option(SocketOption::RcvTimeo, 500).unwrap();
    lost.set_option(SocketOption::SndTimeo, 500).unwrap();
    assert_eq!(
        ask(&mut lost, dealer, "anyone?").map_err(|e| e.kind()),
        Err(ErrorKind::Again)
    );

    // The good client is still served.
    for i in 0..20 {
        let text = format!("again {i}");
        assert_eq!(
            ask(&mut client, dealer, &text).unwrap(),
            format!("echo {text} their-user")
        );
    }
}

fn their_pub_server_to_our_sub(peer_kind: PeerKind) {
    let server_keys = CurveKeyPair::generate().unwrap();
    let good = CurveKeyPair::generate().unwrap();
    let Some((_server, endpoint)) = their_server(peer_kind, "PUB", &server_keys, &good.public)
    else {
        return;
    };
    let ctx = Context::new();
    let mut sub = our_client(&ctx, SocketType::Sub, &endpoint, &good, &server_keys.public);
    sub.subscribe("news").unwrap();
    for _ in 0..5 {
        assert!(sub.recv_string().unwrap().starts_with("news "));
    }
}

/// Our ZAP handler: admits `allowed` with user id "rust-user", refuses others.
fn start_zap(ctx: &Context, allowed: CurvePublicKey) -> thread::JoinHandle<()> {
    let mut handler = ctx.socket(SocketType::Rep).unwrap();
    handler.bind("inproc://zeromq.zap.01").unwrap();
    thread::spawn(move || {
        while let Ok(request) = handler.recv_multipart() {
            let ok = request.len() == 7
                && &request[5][..] == b"CURVE"
                && &request[6][..] == allowed.as_bytes();
            let (code, user) = if ok {
                ("200", "rust-user")
            } else {
                ("400", "")
            };
            let reply = [
                b"1.0".as_slice(),
                &request[1],
                code.as_bytes(),
                b"",
                user.as_bytes(),
                b"",
            ];
            if handler.send_multipart(reply).is_err() {
                break;
            }
        }
    })
}

/// Our echo server of `kind` that answers "echo BODY USER-ID".
fn our_server(
    ctx: &Context,
    kind: SocketType,
    keys: &CurveKeyPair,
) -> (thread::JoinHandle<()>, String) {
    let mut server = ctx.socket(kind).unwrap();
    server.set_option(SocketOption::Linger, 0).unwrap();
    server.set_curve_server(keys).unwrap();
    server.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = server.last_endpoint().to_owned();
    let handle = thread::spawn(move || {
        if kind == SocketType::Pub {
            for n in 0..6000 {
                if server.send(format!("news {n}").as_str()).is_err() {
                    return;
                }
                thread::sleep(Duration::from_millis(10));
            }
            return;
        }
        while let Ok(frames) = recv_with_user(&mut server) {
            let (mut frames, user) = frames;
            let body = frames.pop().unwrap();
            let text = format!("echo {} {user}", String::from_utf8_lossy(&body));
            let mut reply: Vec<&[u8]> = frames.iter().map(|f| &f[..]).collect();
            reply.push(text.as_bytes());
            if server.send_multipart(reply).is_err() {
                return;
            }
        }
    });
    (handle, endpoint)
}

/// One multipart message and the User-Id of its last frame.
fn recv_with_user(server: &mut Socket) -> Result<(Vec<bytes::Bytes>, String), Error> {
    let mut frames = Vec::new();
    loop {
        let msg = server.recv()?;
        let user = msg.property("User-Id").unwrap_or("").to_owned();
        let more = msg.more();
        frames.push(msg.into_bytes());
        if !more {
            return Ok((frames, user));
        }
    }
}

fn their_client(
    peer_kind: PeerKind,
    kind: &str,
    endpoint: &str,
    server: &CurvePublicKey,
    keys: &CurveKeyPair,
    count: u32,
) -> Option<Vec<String>> {
    let mut client = peer(
        peer_kind,
        &[
            "client",
            kind,
            endpoint,
            &server.to_z85(),
            &keys.public.to_z85(),
            &keys.secret.to_z85(),
            &count.to_string(),
        ],
    )?;
    Some(client.finish(Duration::from_secs(30)))
}

fn our_server_checks_their_key(peer_kind: PeerKind, ours: SocketType, their_kind: &str) {
    let ctx = Context::new();
    let server_keys = CurveKeyPair::generate().unwrap();
    let good = CurveKeyPair::generate().unwrap();
    let _zap = start_zap(&ctx, good.public);
    let (_server, endpoint) = our_server(&ctx, ours, &server_keys);

    let Some(lines) = their_client(
        peer_kind,
        their_kind,
        &endpoint,
        &server_keys.public,
        &good,
        5,
    ) else {
        return;
    };
    assert_eq!(lines.last().map(String::as_str), Some("done"), "{lines:?}");
    assert_eq!(lines[0], "reply echo req 0 rust-user");

    let stranger = CurveKeyPair::generate().unwrap();
    let lines = their_client(
        peer_kind,
        their_kind,
        &endpoint,
        &server_keys.public,
        &stranger,
        1,
    )
    .unwrap();
    assert_eq!(lines, ["timeout"]);
    let impostor = CurveKeyPair::generate().unwrap().public;
    let lines = their_client(peer_kind, their_kind, &endpoint, &impostor, &good, 1).unwrap();
    assert_eq!(lines, ["timeout"]);

    let lines = their_client(
        peer_kind,
        their_kind,
        &endpoint,
        &server_keys.public,
        &good,
        3,
    )
    .unwrap();
    assert_eq!(lines.last().map(String::as_str), Some("done"), "{lines:?}");
}

fn our_pub_server_to_their_sub(peer_kind: PeerKind) {
    let ctx = Context::new();
    let server_keys = CurveKeyPair::generate().unwrap();
    let good = CurveKeyPair::generate().unwrap();
    let _zap = start_zap(&ctx, good.public);
    let (_server, endpoint) = our_server(&ctx, SocketType::Pub, &server_keys);
    let Some(lines) = their_client(peer_kind, "SUB", &endpoint, &server_keys.public, &good, 5)
    else {
        return;
    };
    assert_eq!(lines.last().map(String::as_str), Some("done"), "{lines:?}");
}

/// The six cases for one implementation.
macro_rules! curve_cases {
    ($name:ident, $kind:expr) => {
        mod $name {
            use super::*;

            #[test]
            fn their_rep_server_checks_our_req_key() {
                their_server_checks_our_key($kind, "REP", SocketType::Req);
            }

            #[test]
            fn their_router_server_checks_our_dealer_key() {
                their_server_checks_our_key($kind, "ROUTER", SocketType::Dealer);
            }

            #[test]
            fn their_pub_to_our_sub() {
                their_pub_server_to_our_sub($kind);
            }

            #[test]
            fn our_rep_server_checks_their_req_key() {
                our_server_checks_their_key($kind, SocketType::Rep, "REQ");
            }

            #[test]
            fn our_router_server_checks_their_dealer_key() {
                our_server_checks_their_key($kind, SocketType::Router, "DEALER");
            }

            #[test]
            fn our_pub_to_their_sub() {
                our_pub_server_to_their_sub($kind);
            }
        }
    };
}

curve_cases!(libzmq, PeerKind::Libzmq);
curve_cases!(pyzmq, PeerKind::Pyzmq);
