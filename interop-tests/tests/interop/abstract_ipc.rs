//! `ipc://@name`: Linux's abstract namespace, named the way libzmq names it,
//! so either side can bind and the other connect (and LAST_ENDPOINT agrees).

use ferrozmq::SocketType;
use interop_tests::exchange::{run, Case};
use interop_tests::peer::PeerKind;
use interop_tests::Transport;

fn case(peer: PeerKind, we_bind: bool) {
    run(&Case {
        peer,
        ours: SocketType::Pair,
        theirs: SocketType::Pair,
        transport: Transport::AbstractIpc,
        we_bind,
        count: 1_000,
        routing_id: None,
    });
}

#[test]
fn libzmq_we_bind() {
    case(PeerKind::Libzmq, true);
}

#[test]
fn libzmq_they_bind() {
    case(PeerKind::Libzmq, false);
}

#[test]
fn pyzmq_we_bind() {
    case(PeerKind::Pyzmq, true);
}

#[test]
fn pyzmq_they_bind() {
    case(PeerKind::Pyzmq, false);
}
