//! tcp bind addresses resolved as libzmq resolves them: interface names
//! (`tcp://lo:*`), IP literals (an IPv6 one only with ZMQ_IPV6, an IPv4 one
//! mapped with it), and host names refused with ENODEV. Each endpoint is
//! bound by pyzmq's libzmq and by us, and the outcomes must be the same.

use std::time::Duration;

use ferrozmq::{Context, SocketType};
use interop_tests::peer::{python_program, Peer, PeerKind};

const ENDPOINTS: [&str; 11] = [
    "tcp://lo:*",
    "tcp://localhost:*",
    "tcp://127.0.0.1:*",
    "tcp://[::1]:*",
    "tcp://[::1%lo]:*",
    "tcp://[::1%1]:*",
    "tcp://*:*",
    "tcp://no-such-interface:*",
    "tcp://[fe80::1%no-such-interface]:*",
    "tcp://[::1%0]:*",
    "tcp://example.invalid:*",
];

fn our_outcome(ctx: &Context, endpoint: &str, ipv6: bool) -> String {
    let mut socket = ctx.socket(SocketType::Pull).unwrap();
    socket.set_ipv6(ipv6).unwrap();
    match socket.bind(endpoint) {
        Ok(()) => {
            let last = socket.last_endpoint();
            let (address, _) = last.rsplit_once(':').unwrap();
            format!("ok {address}:*")
        }
        Err(e) => format!("errno {}", e.errno()),
    }
}

#[test]
fn pyzmq_and_we_resolve_bind_addresses_alike() {
    let program = python_program("bind_names.py");
    let Some(mut peer) = Peer::spawn_program(PeerKind::Pyzmq, program, &ENDPOINTS) else {
        return;
    };
    let theirs = peer.finish(Duration::from_secs(30));
    let ctx = Context::new();
    let ours: Vec<String> = ENDPOINTS
        .iter()
        .flat_map(|endpoint| [false, true].map(|ipv6| (endpoint, ipv6)))
        .map(|(endpoint, ipv6)| {
            let outcome = our_outcome(&ctx, endpoint, ipv6);
            format!("{endpoint} {} -> {outcome}", u8::from(ipv6))
        })
        .collect();
    assert_eq!(ours, theirs);
    // Interface names must have been tried, not all refused alike.
    assert!(ours.contains(&"tcp://lo:* 0 -> ok tcp://127.0.0.1:*".to_owned()));
}
