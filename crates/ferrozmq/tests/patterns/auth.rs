//! The ready-made authenticator (`ferrozmq::auth`) with our own clients:
//! CURVE keys per domain or any key, PLAIN passwords, NULL with IP allow and
//! deny lists, live reconfiguration, stopping; and the `curve_keygen` tool.

use ferrozmq::auth::{Authenticator, CurveKeys};
use ferrozmq::{
    Context, CurveKeyPair, CurveSecretKey, Error, ErrorKind, Socket, SocketOption, SocketType,
};

use crate::common::*;

/// A REQ client that gives up after 500 ms, connected to `ep`.
fn client(ctx: &Context, ep: &str, setup: impl FnOnce(&mut Socket)) -> Socket {
    let mut c = socket(ctx, SocketType::Req);
    c.set_option(SocketOption::RcvTimeo, 500).unwrap();
    c.set_option(SocketOption::Linger, 0).unwrap();
    setup(&mut c);
    c.connect(ep).unwrap();
    c
}

/// An echo server thread answering "BODY USER-ID" until the context ends.
fn echo_server(ctx: &Context, setup: impl FnOnce(&mut Socket)) -> String {
    let mut server = socket(ctx, SocketType::Rep);
    server.set_option(SocketOption::RcvTimeo, -1).unwrap();
    server.set_option(SocketOption::Linger, 0).unwrap();
    setup(&mut server);
    let ep = bind(&mut server, "tcp");
    std::thread::spawn(move || {
        while let Ok(msg) = server.recv() {
            let user = msg.property("User-Id").unwrap_or("").to_owned();
            let text = format!("{} {user}", String::from_utf8_lossy(msg.data()));
            if server.send(text.as_str()).is_err() {
                return;
            }
        }
    });
    ep
}

/// The reply to "hi", or the error (EAGAIN when refused).
fn ask(c: &mut Socket) -> Result<String, Error> {
    c.send("hi")?;
    c.recv_string()
}

#[test]
fn curve_keys_per_domain_and_any_key() {
    let ctx = Context::new();
    let auth = Authenticator::start(&ctx).unwrap();
    let server_keys = CurveKeyPair::generate().unwrap();
    let good = CurveKeyPair::generate().unwrap();
    let stranger = CurveKeyPair::generate().unwrap();
    auth.set_curve_keys("", CurveKeys::allowed([good.public]));
    auth.set_curve_keys("open", CurveKeys::Any);
    let strict = echo_server(&ctx, |s| s.set_curve_server(&server_keys).unwrap());
    let open = echo_server(&ctx, |s| {
        s.set_curve_server(&server_keys).unwrap();
        s.set_option_bytes(SocketOption::ZapDomain, b"open")
            .unwrap();
    });
    let as_client = |keys: &CurveKeyPair| {
        let keys = keys.clone();
        let server = server_keys.public;
        move |c: &mut Socket| c.set_curve_client(&keys, &server).unwrap()
    };

    let mut c = client(&ctx, &strict, as_client(&good));
    assert_eq!(ask(&mut c).unwrap(), format!("hi {}", good.public.to_z85()));
    let mut c = client(&ctx, &strict, as_client(&stranger));
    assert_eq!(ask(&mut c).map_err(|e| e.kind()), Err(ErrorKind::Again));
    let mut c = client(&ctx, &open, as_client(&stranger));
    assert_eq!(
        ask(&mut c).unwrap(),
        format!("hi {}", stranger.public.to_z85())
    );

    // Reconfigured while running: the next handshake sees the new keys.
    auth.set_curve_keys("", CurveKeys::allowed([stranger.public]));
    let mut c = client(&ctx, &strict, as_client(&stranger));
    assert!(ask(&mut c).is_ok());
    let mut c = client(&ctx, &strict, as_client(&good));
    assert_eq!(ask(&mut c).map_err(|e| e.kind()), Err(ErrorKind::Again));
    auth.stop().unwrap();
}

#[test]
fn plain_passwords_and_null_address_lists() {
    let ctx = Context::new();
    let auth = Authenticator::start(&ctx).unwrap();
    auth.set_plain_passwords("", [("admin", "secret"), ("guest", "guest")]);
    let plain = echo_server(&ctx, |s| {
        s.set_option(SocketOption::PlainServer, 1).unwrap()
    });
    let as_user = |user: &'static str, password: &'static str| {
        move |c: &mut Socket| {
            c.set_option_bytes(SocketOption::PlainUsername, user.as_bytes())
                .unwrap();
            c.set_option_bytes(SocketOption::PlainPassword, password.as_bytes())
                .unwrap();
        }
    };
    let mut c = client(&ctx, &plain, as_user("admin", "secret"));
    assert_eq!(ask(&mut c).unwrap(), "hi admin");
    let mut c = client(&ctx, &plain, as_user("admin", "wrong"));
    assert_eq!(ask(&mut c).map_err(|e| e.kind()), Err(ErrorKind::Again));
    let mut c = client(&ctx, &plain, as_user("nobody", "secret"));
    assert_eq!(ask(&mut c).map_err(|e| e.kind()), Err(ErrorKind::Again));

    // NULL asks ZAP only with a domain set (libzmq 4.3).
    let null = echo_server(&ctx, |s| {
        s.set_option_bytes(SocketOption::ZapDomain, b"global")
            .unwrap()
    });
    let mut c = client(&ctx, &null, |_| {});
    assert_eq!(ask(&mut c).unwrap(), "hi anonymous");
    auth.deny("127.0.0.1".parse().unwrap());
    let mut c = client(&ctx, &null, |_| {});
    assert_eq!(ask(&mut c).map_err(|e| e.kind()), Err(ErrorKind::Again));
    // An allow list overrides the deny list, and must still name us.
    auth.allow("127.0.0.1".parse().unwrap());
    let mut c = client(&ctx, &null, |_| {});
    assert!(ask(&mut c).is_ok());
    // Allowed addresses still need a PLAIN password.
    let mut c = client(&ctx, &plain, as_user("guest", "wrong"));
    assert_eq!(ask(&mut c).map_err(|e| e.kind()), Err(ErrorKind::Again));
    drop(auth);
}

#[test]
fn one_handler_per_context_and_a_clean_stop() {
    let ctx = Context::new();
    let auth = Authenticator::start(&ctx).unwrap();
    assert_eq!(
        Authenticator::start(&ctx).unwrap_err(),
        ErrorKind::AddrInUse
    );
    auth.stop().unwrap();
    // The endpoint is free again, and the context terminates.
    let again = Authenticator::start(&ctx).unwrap();
    drop(again);
    ctx.term().unwrap();
}

#[test]
fn curve_keygen_prints_a_matching_z85_pair() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_curve_keygen"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(lines[0], "== CURVE PUBLIC KEY ==");
    assert_eq!(lines[2], "== CURVE SECRET KEY ==");
    let secret = CurveSecretKey::from_z85(lines[3]).unwrap();
    assert_eq!(secret.public_key().to_z85(), lines[1]);
    let usage = std::process::Command::new(env!("CARGO_BIN_EXE_curve_keygen"))
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2));
}
