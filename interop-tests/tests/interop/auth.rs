//! ferrozmq's ready-made authenticator (`ferrozmq::auth`) judging real
//! clients: libzmq's (`peers/c/curve.c`, Debian's library) and pyzmq's
//! (`peers/python/curve.py`, `auth.py`) CURVE, PLAIN and NULL clients
//! against our REP server. Allowed clients get answers with their user id,
//! refused ones get nothing, and the server keeps serving.

use std::ffi::OsString;
use std::sync::OnceLock;
use std::time::Duration;

use ferrozmq::auth::{load_certificate, Authenticator, CurveKeys};
use ferrozmq::{Context, CurveKeyPair, Socket, SocketOption, SocketType};
use interop_tests::peer::{c_program, python_program, Peer, PeerKind};

/// Our REP server answering "echo BODY USER-ID", on its own thread.
fn echo_server(ctx: &Context, setup: impl FnOnce(&mut Socket)) -> String {
    let mut server = ctx.socket(SocketType::Rep).unwrap();
    server.set_option(SocketOption::Linger, 0).unwrap();
    setup(&mut server);
    server.bind("tcp://127.0.0.1:*").unwrap();
    let endpoint = server.last_endpoint().to_owned();
    std::thread::spawn(move || {
        while let Ok(msg) = server.recv() {
            let user = msg.property("User-Id").unwrap_or("").to_owned();
            let text = format!("echo {} {user}", String::from_utf8_lossy(msg.data()));
            if server.send(text.as_str()).is_err() {
                return;
            }
        }
    });
    endpoint
}

/// Runs a peer program to its end and returns what it printed (None: the
/// peer is not installed here).
fn run(kind: PeerKind, program: &str, args: &[&str]) -> Option<Vec<String>> {
    static C_PEER: OnceLock<Result<Vec<OsString>, String>> = OnceLock::new();
    let program = match kind {
        PeerKind::Libzmq => C_PEER.get_or_init(|| c_program("curve")).clone(),
        _ => python_program(program),
    };
    Some(Peer::spawn_program(kind, program, args)?.finish(Duration::from_secs(30)))
}

fn curve_clients_judged_by_key(kind: PeerKind) {
    let ctx = Context::new();
    let auth = Authenticator::start(&ctx).unwrap();
    let server_keys = CurveKeyPair::generate().unwrap();
    let good = CurveKeyPair::generate().unwrap();
    let stranger = CurveKeyPair::generate().unwrap();
    auth.set_curve_keys("", CurveKeys::allowed([good.public]));
    let endpoint = echo_server(&ctx, |s| s.set_curve_server(&server_keys).unwrap());
    let server = server_keys.public.to_z85();
    let client = |keys: &CurveKeyPair| {
        let (public, secret) = (keys.public.to_z85(), keys.secret.to_z85());
        let args = ["client", "REQ", &endpoint, &server, &public, &secret, "2"];
        run(kind, "curve.py", &args)
    };
    let Some(lines) = client(&good) else { return };
    let user = good.public.to_z85();
    assert_eq!(
        lines,
        [
            format!("reply echo req 0 {user}"),
            format!("reply echo req 1 {user}"),
            "done".into()
        ]
    );
    assert_eq!(client(&stranger).unwrap(), ["timeout"]);
    // Any key, once configured so.
    auth.set_curve_keys("", CurveKeys::Any);
    assert_eq!(client(&stranger).unwrap().last().unwrap(), "done");
    assert_eq!(client(&good).unwrap().last().unwrap(), "done");
    auth.stop().unwrap();
}

#[test]
fn libzmq_curve_clients_judged_by_key() {
    curve_clients_judged_by_key(PeerKind::Libzmq);
}

#[test]
fn pyzmq_curve_clients_judged_by_key() {
    curve_clients_judged_by_key(PeerKind::Pyzmq);
}

#[test]
fn pyzmq_plain_clients_judged_by_password_and_null_by_address() {
    let ctx = Context::new();
    let auth = Authenticator::start(&ctx).unwrap();
    auth.set_plain_passwords("", [("admin", "secret")]);
    let plain = echo_server(&ctx, |s| {
        s.set_option(SocketOption::PlainServer, 1).unwrap()
    });
    let py = |args: &[&str]| run(PeerKind::Pyzmq, "auth.py", args);
    let Some(lines) = py(&["plain", &plain, "admin", "secret"]) else {
        return;
    };
    assert_eq!(lines, ["reply echo hi admin"]);
    assert_eq!(
        py(&["plain", &plain, "admin", "wrong"]).unwrap(),
        ["timeout"]
    );
    assert_eq!(
        py(&["plain", &plain, "root", "secret"]).unwrap(),
        ["timeout"]
    );
    assert_eq!(
        py(&["plain", &plain, "admin", "secret"]).unwrap(),
        ["reply echo hi admin"]
    );

    let null = echo_server(&ctx, |s| {
        s.set_option_bytes(SocketOption::ZapDomain, b"global")
            .unwrap()
    });
    assert_eq!(py(&["null", &null]).unwrap(), ["reply echo hi anonymous"]);
    auth.deny("127.0.0.1".parse().unwrap());
    assert_eq!(py(&["null", &null]).unwrap(), ["timeout"]);
    auth.stop().unwrap();
}

#[test]
fn pyzmq_certificate_files_configure_our_authenticator() {
    let dir = std::env::temp_dir().join(format!("ferrozmq-auth-certs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // pyzmq writes client.key, client.key_secret, server.key, server.key_secret.
    let made = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zmq.auth\n\
             for name in ('client', 'server'):\n    \
             zmq.auth.create_certificates(sys.argv[1], name)",
        ])
        .arg(&dir)
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: pyzmq cannot write certificates here");
        return;
    }
    let pair = |name: &str| {
        let (public, secret) = load_certificate(dir.join(format!("{name}.key_secret"))).unwrap();
        CurveKeyPair {
            public,
            secret: secret.unwrap(),
        }
    };
    let (client_keys, server_keys) = (pair("client"), pair("server"));
    let ctx = Context::new();
    let auth = Authenticator::start(&ctx).unwrap();
    let allowed = CurveKeys::from_certificates(&dir).unwrap();
    assert_eq!(
        allowed,
        CurveKeys::allowed([client_keys.public, server_keys.public])
    );
    auth.set_curve_keys("", allowed);
    let endpoint = echo_server(&ctx, |s| s.set_curve_server(&server_keys).unwrap());
    let (server, public, secret) = (
        server_keys.public.to_z85(),
        client_keys.public.to_z85(),
        client_keys.secret.to_z85(),
    );
    let args = ["client", "REQ", &endpoint, &server, &public, &secret, "1"];
    let lines = run(PeerKind::Pyzmq, "curve.py", &args).unwrap();
    assert_eq!(lines, [format!("reply echo req 0 {public}"), "done".into()]);
    auth.stop().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
