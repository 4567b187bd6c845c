//! The driver on a fake clock: every decision and every monitor event it
//! makes, with no socket or thread.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ferrozmq_zmtp::{Config, Error as ZmtpError, SocketType, ZapFault, ZapReply};

use super::{Backlog, Driver, Failure, Phase, SocketState, ZapVerdict};
use crate::monitor::{HandshakeFailure, SocketEvent};
use crate::options::SessionOptions;
use crate::zap::ZapAnswer;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn options() -> SessionOptions {
    let mut o = SessionOptions::new(Config::new(SocketType::Dealer));
    o.reconnect_ivl = Some(ms(100));
    o.reconnect_ivl_max = ms(400);
    o.handshake_ivl = Some(ms(1000));
    o.net.connect_timeout = Some(ms(300));
    o
}

/// The driver's events, each reconnect delay with its jitter (below the
/// 100 ms ZMQ_RECONNECT_IVL of [`options`]) checked and taken off.
fn events(d: &mut Driver) -> Vec<SocketEvent> {
    std::iter::from_fn(|| d.poll_event())
        .map(without_jitter)
        .collect()
}

/// A ConnectRetried delay rounded down to its interval, a multiple of the
/// 100 ms ZMQ_RECONNECT_IVL of [`options`] (libzmq adds a jitter below it).
pub(super) fn without_jitter(event: SocketEvent) -> SocketEvent {
    match event {
        SocketEvent::ConnectRetried(delay) => {
            let whole = u32::try_from(delay.as_millis() / 100).unwrap();
            SocketEvent::ConnectRetried(ms(100) * whole)
        }
        other => other,
    }
}

fn addr(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

const FD: i32 = 7;

fn open() -> SocketState {
    SocketState {
        closed: false,
        pipe_closed: false,
        linger: None,
        default_linger: None,
    }
}

fn closed(linger: Option<Duration>) -> SocketState {
    SocketState {
        closed: true,
        pipe_closed: false,
        linger: Some(linger),
        default_linger: None,
    }
}

fn backlog(queued: bool) -> Backlog {
    Backlog {
        queued,
        unsent: false,
        has_pipe: true,
    }
}

/// A connecter that failed its first connect at `t0`.
fn failed_once(t0: Instant) -> Driver {
    let mut d = Driver::new(true, &options());
    assert!(d.connect_due(t0, false));
    d.connect_started(t0, true);
    d.connect_failed();
    assert_eq!(d.next_address(), None);
    assert!(d.schedule_reconnect(t0, false));
    d
}

/// A connecter whose handshake is under way since `t0`.
fn handshaking(t0: Instant) -> Driver {
    let mut d = Driver::new(true, &options());
    assert!(d.connect_due(t0, false));
    d.connect_started(t0, true);
    d.connect_done();
    d.connected(FD);
    d.handshake_started(t0);
    events(&mut d);
    d
}

#[test]
fn reconnects_with_backoff_up_to_reconnect_ivl_max() {
    let t0 = Instant::now();
    let mut d = failed_once(t0);
    assert_eq!(
        events(&mut d),
        [
            SocketEvent::ConnectDelayed,
            SocketEvent::ConnectRetried(ms(100))
        ]
    );
    assert_eq!(d.phase(), Phase::Idle);
    let mut now = d.poll_timeout().expect("a reconnect is timed");
    assert!(
        (t0 + ms(100)..t0 + ms(200)).contains(&now),
        "100 ms + jitter"
    );
    assert!(!d.connect_due(now - ms(1), false));

    let mut delays = Vec::new();
    for _ in 0..4 {
        assert!(d.connect_due(now, false));
        d.connect_started(now, true);
        d.connect_failed();
        assert!(d.schedule_reconnect(now, false));
        let Some(SocketEvent::ConnectRetried(ivl)) = events(&mut d).pop() else {
            panic!("a retry is reported");
        };
        delays.push(ivl);
        now = d.poll_timeout().expect("a reconnect is timed");
    }
    assert_eq!(delays, [ms(200), ms(400), ms(400), ms(400)]);

    // A completed handshake starts the backoff over.
    assert!(d.connect_due(now, false));
    d.connect_started(now, true);
    d.connect_done();
    d.handshake_started(now);
    assert!(!d.handshake_succeeded());
    assert!(d.lost(&Failure::Closed, FD));
    assert!(d.schedule_reconnect(now, false));
    assert_eq!(
        events(&mut d).pop(),
        Some(SocketEvent::ConnectRetried(ms(100)))
    );
}

#[test]
fn without_reconnect_ivl_or_as_an_accepted_session_it_ends() {
    let t0 = Instant::now();
    let mut o = options();
    o.reconnect_ivl = None;
    let mut never = Driver::new(true, &o);
    assert!(!never.schedule_reconnect(t0, false));
    assert_eq!(never.phase(), Phase::Ended);
    let mut accepted = Driver::new(false, &options());
    assert!(!accepted.connect_due(t0, false));
    assert!(!accepted.schedule_reconnect(t0, false));
    assert!(accepted.is_finished(t0, backlog(true)));
    assert_eq!(events(&mut accepted), []);
}

#[test]
fn tries_every_resolved_address_in_turn_before_backing_off() {
    let t0 = Instant::now();
    let mut d = Driver::new(true, &options());
    assert!(d.connect_due(t0, false));
    d.resolving();
    assert_eq!(d.phase(), Phase::Resolving);
    d.resolved(VecDeque::from([addr(1), addr(2)]));
    let mut tried = Vec::new();
    while let Some(a) = d.next_address() {
        tried.push(a);
        d.connect_started(t0, true);
        d.connect_failed();
    }
    assert_eq!(tried, [addr(1), addr(2)]);
    assert!(d.schedule_reconnect(t0, false));
    assert_eq!(
        events(&mut d),
        [
            SocketEvent::ConnectDelayed,
            SocketEvent::ConnectDelayed,
            SocketEvent::ConnectRetried(ms(100))
        ]
    );

    // A connection ends the round: the addresses left are not tried.
    d.resolved(VecDeque::from([addr(1), addr(2)]));
    assert_eq!(d.next_address(), Some(addr(1)));
    d.connect_done();
    assert_eq!(d.next_address(), None);
}

#[test]
fn a_tcp_connect_gives_up_at_connect_timeout() {
    let t0 = Instant::now();
    let mut d = Driver::new(true, &options());
    assert!(d.connect_due(t0, false));
    d.connect_started(t0, true);
    assert_eq!(d.poll_timeout(), Some(t0 + ms(300)));
    assert!(!d.connect_expired(t0 + ms(299)));
    assert!(d.connect_expired(t0 + ms(300)));
    d.connect_failed();
    assert_eq!(d.poll_timeout(), None);

    // ipc connects have no timeout.
    d.connect_started(t0, false);
    assert_eq!(d.poll_timeout(), None);
}

#[test]
fn a_handshake_runs_out_at_handshake_ivl() {
    let t0 = Instant::now();
    let mut d = handshaking(t0);
    assert_eq!(d.phase(), Phase::Handshaking);
    assert_eq!(d.poll_timeout(), Some(t0 + ms(1000)));
    assert!(!d.handshake_expired(t0 + ms(999)));
    assert!(d.handshake_expired(t0 + ms(1000)));
    assert!(d.lost(&Failure::Timeout, FD));
    assert_eq!(
        events(&mut d),
        [
            SocketEvent::HandshakeFailed(HandshakeFailure::NoDetail(libc::ETIMEDOUT)),
            SocketEvent::Disconnected(FD)
        ]
    );
    assert_eq!(d.poll_timeout(), None);
}

#[test]
fn a_heartbeat_timeout_is_a_lost_link_that_is_retried() {
    let t0 = Instant::now();
    let mut d = handshaking(t0);
    assert!(!d.handshake_succeeded());
    assert_eq!(events(&mut d), [SocketEvent::HandshakeSucceeded]);
    assert_eq!(d.poll_timeout(), None, "the handshake timer is off");
    let failure = Failure::from_zmtp(ZmtpError::HeartbeatTimeout);
    assert!(d.lost(&failure, FD), "a timeout is retried");
    assert_eq!(events(&mut d), [SocketEvent::Disconnected(FD)]);
    assert!(d.schedule_reconnect(t0 + ms(5), false));
    let at = d.poll_timeout().expect("a reconnect is timed");
    assert!(
        (t0 + ms(105)..t0 + ms(205)).contains(&at),
        "100 ms + jitter"
    );
}

#[test]
fn a_second_handshake_is_a_reconnection() {
    let t0 = Instant::now();
    let mut d = handshaking(t0);
    assert!(!d.handshake_succeeded());
    assert!(d.lost(&Failure::Closed, FD));
    d.handshake_started(t0);
    assert!(d.handshake_succeeded());
}

#[test]
fn zap_denial_refuses_and_waits_for_the_peer_to_go() {
    let t0 = Instant::now();
    let mut d = handshaking(t0);
    assert_eq!(d.zap_answer(ZapAnswer::Pending), ZapVerdict::Wait);
    let denied = ZapReply::refused("400");
    assert_eq!(
        d.zap_answer(ZapAnswer::Reply(denied.clone())),
        ZapVerdict::Refuse(denied)
    );
    assert_eq!(d.phase(), Phase::Refused);
    assert_eq!(
        events(&mut d),
        [SocketEvent::HandshakeFailed(HandshakeFailure::Auth(400))]
    );
    // The refused peer leaving reports only the disconnection.
    assert!(d.lost(&Failure::Closed, FD));
    assert_eq!(events(&mut d), [SocketEvent::Disconnected(FD)]);

    let mut temporary = handshaking(t0);
    let verdict = temporary.zap_answer(ZapAnswer::Reply(ZapReply::refused("300")));
    assert!(matches!(verdict, ZapVerdict::Refuse(_)));
    assert_eq!(
        events(&mut temporary),
        [SocketEvent::HandshakeFailed(HandshakeFailure::Auth(300))]
    );
}

#[test]
fn zap_acceptance_malformed_replies_and_absent_handlers() {
    let t0 = Instant::now();
    let mut d = handshaking(t0);
    let ok = ZapReply::accepted();
    assert_eq!(
        d.zap_answer(ZapAnswer::Reply(ok.clone())),
        ZapVerdict::Accept(ok)
    );
    assert_eq!(d.zap_answer(ZapAnswer::Gone), ZapVerdict::Abandon);
    assert_eq!(events(&mut d), []);

    assert_eq!(
        d.zap_answer(ZapAnswer::Malformed(ZapFault::MalformedReply)),
        ZapVerdict::Fail
    );
    assert_eq!(
        events(&mut d),
        [SocketEvent::HandshakeFailed(HandshakeFailure::Protocol(
            0x2000_0001
        ))]
    );
    assert!(!d.lost(&Failure::Reported, FD), "not retried");
    assert_eq!(events(&mut d), [SocketEvent::Disconnected(FD)]);

    let mut plain = handshaking(t0);
    assert_eq!(plain.zap_unavailable("PLAIN"), ZapVerdict::Fail);
    assert_eq!(
        events(&mut plain),
        [SocketEvent::HandshakeFailed(HandshakeFailure::NoDetail(
            libc::EFAULT
        ))]
    );
    for mechanism in ["NULL", "CURVE"] {
        let mut d = handshaking(t0);
        assert!(matches!(
            d.zap_unavailable(mechanism),
            ZapVerdict::Accept(_)
        ));
        assert_eq!(events(&mut d), []);
    }
}

#[test]
fn each_way_of_losing_a_handshake_reports_as_libzmq() {
    let t0 = Instant::now();
    let peer_error = |reason: &str| Failure::Protocol(ZmtpError::PeerError(reason.into()));
    let cases = [
        (
            Failure::Io(libc::ECONNRESET),
            Some(HandshakeFailure::NoDetail(libc::ECONNRESET)),
            true,
        ),
        (
            Failure::Closed,
            Some(HandshakeFailure::NoDetail(libc::EPIPE)),
            true,
        ),
        (peer_error("400"), Some(HandshakeFailure::Auth(400)), false),
        (peer_error("Invalid"), None, false),
        (
            Failure::Protocol(ZmtpError::AuthenticationFailed("x".into())),
            Some(HandshakeFailure::Protocol(
                ZmtpError::AuthenticationFailed("x".into()).protocol_code(),
            )),
            false,
        ),
        (Failure::Reported, None, false),
    ];
    for (failure, reported, retried) in cases {
        let mut d = handshaking(t0);
        assert_eq!(d.lost(&failure, FD), retried, "{failure:?}");
        let mut expected: Vec<_> = reported
            .into_iter()
            .map(SocketEvent::HandshakeFailed)
            .collect();
        expected.push(SocketEvent::Disconnected(FD));
        assert_eq!(events(&mut d), expected, "{failure:?}");
    }
    // After the handshake, a loss is only a disconnection.
    let mut d = handshaking(t0);
    d.handshake_succeeded();
    events(&mut d);
    assert!(d.lost(&Failure::Io(libc::ECONNRESET), FD));
    assert_eq!(events(&mut d), [SocketEvent::Disconnected(FD)]);
}

#[test]
fn raw_connections_report_every_loss_as_a_failed_handshake() {
    let mut d = Driver::new(false, &options());
    d.raw_started();
    assert_eq!(d.phase(), Phase::Ready);
    d.raw_lost(&Failure::Closed, FD);
    d.raw_lost(&Failure::Io(libc::ECONNRESET), FD);
    assert_eq!(
        events(&mut d),
        [
            SocketEvent::HandshakeFailed(HandshakeFailure::NoDetail(libc::EPIPE)),
            SocketEvent::Disconnected(FD),
            SocketEvent::HandshakeFailed(HandshakeFailure::NoDetail(0)),
            SocketEvent::Disconnected(FD),
        ]
    );
}

#[test]
fn linger_bounds_a_closing_session() {
    let t0 = Instant::now();
    let mut d = Driver::new(true, &options());
    d.observe_socket(t0, open());
    assert!(d.wants_connection(false));
    assert!(!d.is_finished(t0, backlog(true)));

    d.observe_socket(t0, closed(Some(ms(200))));
    assert_eq!(d.poll_timeout(), Some(t0 + ms(200)));
    // Still connecting for the messages that wait, not for nothing.
    assert!(d.wants_connection(true));
    assert!(!d.wants_connection(false));
    assert!(!d.is_finished(t0 + ms(199), backlog(true)));
    assert!(d.is_finished(t0 + ms(200), backlog(true)), "linger expired");
    assert!(d.is_finished(t0, backlog(false)), "nothing left to send");
    let never_connected = Backlog {
        queued: true,
        unsent: true,
        has_pipe: false,
    };
    assert!(d.is_finished(t0, never_connected));
}

#[test]
fn the_linger_at_close_bounds_an_earlier_disconnect() {
    let t0 = Instant::now();
    let mut d = Driver::new(true, &options());
    d.terminate();
    let disconnected = SocketState {
        linger: Some(None),
        ..open()
    };
    d.observe_socket(t0, disconnected);
    assert!(d.poll_timeout().unwrap() > t0 + Duration::from_secs(3600));
    d.observe_socket(t0 + ms(10), closed(Some(ms(50))));
    assert_eq!(d.poll_timeout(), Some(t0 + ms(60)));
}

#[test]
fn a_closed_pipe_lingers_for_the_default() {
    let t0 = Instant::now();
    let mut d = Driver::new(false, &options());
    let state = SocketState {
        pipe_closed: true,
        default_linger: Some(ms(30)),
        ..open()
    };
    d.observe_socket(t0, state);
    assert!(d.is_finished(t0, backlog(false)));
    assert_eq!(d.poll_timeout(), Some(t0 + ms(30)));
}
