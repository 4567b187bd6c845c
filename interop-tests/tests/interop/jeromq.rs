//! A ZMTP/2.0 peer: JeroMQ 0.3.6 (Debian's `libjeromq-java`), which predates
//! ZMTP 3. PUSH/PULL and REQ/REP both ways, plus a DEALER's identity frame
//! becoming our ROUTER's routing id. JeroMQ emulates ipc over tcp, so tcp only.

use ferrozmq::SocketType;
use interop_tests::exchange::{run, Case};
use interop_tests::peer::PeerKind;
use interop_tests::Transport;

const COUNT: u32 = 2_000;

fn case(ours: SocketType, theirs: SocketType, we_bind: bool) {
    run(&Case {
        peer: PeerKind::Jeromq,
        ours,
        theirs,
        transport: Transport::Tcp,
        we_bind,
        count: COUNT,
        routing_id: None,
    });
}

#[test]
fn we_push_we_bind() {
    case(SocketType::Push, SocketType::Pull, true);
}

#[test]
fn we_push_they_bind() {
    case(SocketType::Push, SocketType::Pull, false);
}

#[test]
fn we_pull_we_bind() {
    case(SocketType::Pull, SocketType::Push, true);
}

#[test]
fn we_pull_they_bind() {
    case(SocketType::Pull, SocketType::Push, false);
}

#[test]
fn we_req_we_bind() {
    case(SocketType::Req, SocketType::Rep, true);
}

#[test]
fn we_req_they_bind() {
    case(SocketType::Req, SocketType::Rep, false);
}

#[test]
fn we_rep_we_bind() {
    case(SocketType::Rep, SocketType::Req, true);
}

#[test]
fn we_rep_they_bind() {
    case(SocketType::Rep, SocketType::Req, false);
}

#[test]
fn dealer_identity_reaches_our_router() {
    run(&Case {
        peer: PeerKind::Jeromq,
        ours: SocketType::Router,
        theirs: SocketType::Dealer,
        transport: Transport::Tcp,
        we_bind: true,
        count: COUNT,
        routing_id: Some("jeromq-dealer"),
    });
}
