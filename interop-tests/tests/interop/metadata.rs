//! Peer metadata and routing ids, both ways.
//!
//! Every exchange already checks that a message from the peer shows its
//! Socket-Type, Identity (empty unless set) and, over tcp, Peer-Address, and
//! each peer checks our Socket-Type. These add routing ids: set on one side,
//! seen by the ROUTER on the other (as its first frame) and in `Identity`.

use ferrozmq::SocketType;
use interop_tests::exchange::{run, Case};
use interop_tests::peer::PeerKind;
use interop_tests::Transport;

const COUNT: u32 = 1_000;

fn case(peer: PeerKind, ours: SocketType, theirs: SocketType, transport: Transport) {
    run(&Case {
        peer,
        ours,
        theirs,
        transport,
        we_bind: ours == SocketType::Router,
        count: COUNT,
        routing_id: Some("routing-id-7"),
    });
}

#[test]
fn libzmq_dealer_routing_id_reaches_our_router() {
    case(
        PeerKind::Libzmq,
        SocketType::Router,
        SocketType::Dealer,
        Transport::Tcp,
    );
}

#[test]
fn pyzmq_dealer_routing_id_reaches_our_router_over_ipc() {
    case(
        PeerKind::Pyzmq,
        SocketType::Router,
        SocketType::Dealer,
        Transport::Ipc,
    );
}

#[test]
fn libzmq_req_routing_id_reaches_our_router_over_ipc() {
    case(
        PeerKind::Libzmq,
        SocketType::Router,
        SocketType::Req,
        Transport::Ipc,
    );
}

#[test]
fn pyzmq_req_routing_id_reaches_our_router() {
    case(
        PeerKind::Pyzmq,
        SocketType::Router,
        SocketType::Req,
        Transport::Tcp,
    );
}

#[test]
fn our_dealer_routing_id_reaches_libzmq_router() {
    case(
        PeerKind::Libzmq,
        SocketType::Dealer,
        SocketType::Router,
        Transport::Tcp,
    );
}

#[test]
fn our_req_routing_id_reaches_pyzmq_router_over_ipc() {
    case(
        PeerKind::Pyzmq,
        SocketType::Req,
        SocketType::Router,
        Transport::Ipc,
    );
}
