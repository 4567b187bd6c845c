//! CURVE over tcp: typed keys, the key options in both forms, ZAP seeing the
//! client's public key, and refused peers not disturbing good ones.

use std::thread;
use std::time::Duration;

use bytes::Bytes;
use ferrozmq::{
    poll, Context, CurveKeyPair, CurvePublicKey, ErrorKind, OptionValue, PollEvents, PollItem,
    Socket, SocketOption, SocketType,
};

use crate::common::*;

/// A ZAP handler that accepts CURVE clients whose key is `allowed`.
fn start_curve_zap(ctx: &Context, allowed: CurvePublicKey) -> thread::JoinHandle<usize> {
    start_zap(ctx, move |request| {
        assert_eq!(&request[5][..], b"CURVE");
        assert_eq!(request.len(), 7);
        if &request[6][..] == allowed.as_bytes() {
            ("200", "curve-user")
        } else {
            ("400", "")
        }
    })
}

fn curve_client(ctx: &Context, ep: &str, keys: &CurveKeyPair, server: &CurvePublicKey) -> Socket {
    let mut client = socket(ctx, SocketType::Req);
    client.set_curve_client(keys, server).unwrap();
    client.set_option(SocketOption::RcvTimeo, 500).unwrap();
    client.connect(ep).unwrap();
    client
}

#[test]
fn curve_reqrep_with_zap_on_the_client_key() {
    let ctx = Context::new();
    let server_keys = CurveKeyPair::generate().unwrap();
    let good_keys = CurveKeyPair::generate().unwrap();
    let handler = start_curve_zap(&ctx, good_keys.public);
    let mut server = socket(&ctx, SocketType::Rep);
    server.set_curve_server(&server_keys).unwrap();
    server.set_option(SocketOption::RcvTimeo, 2000).unwrap();
    let ep = bind(&mut server, "tcp");

    // An unknown client key is refused by ZAP; a wrong server key fails in HELLO.
    let mut stranger = curve_client(
        &ctx,
        &ep,
        &CurveKeyPair::generate().unwrap(),
        &server_keys.public,
    );
    // Their requests are never delivered: do not linger on them at the end.
    stranger.set_option(SocketOption::Linger, 0).unwrap();
    stranger.send("let me in").unwrap();
    let wrong_server = CurveKeyPair::generate().unwrap().public;
    let mut lost = curve_client(&ctx, &ep, &good_keys, &wrong_server);
    lost.set_option(SocketOption::Linger, 0).unwrap();
    lost.send("anyone?").unwrap();

    let mut good = curve_client(&ctx, &ep, &good_keys, &server_keys.public);
    for i in 0..3 {
        good.send(format!("hello {i}").as_str()).unwrap();
        let msg = server.recv().unwrap();
        assert_eq!(msg.data(), format!("hello {i}").as_bytes());
        assert_eq!(msg.property("User-Id"), Some("curve-user"));
        server.send("welcome").unwrap();
        assert_eq!(good.recv_string().unwrap(), "welcome");
    }
    // Neither gets a reply (had the server taken their requests, the good
    // client's exchanges, which came after, would have shown them).
    let mut items = [
        PollItem::socket(&mut stranger, PollEvents::READABLE),
        PollItem::socket(&mut lost, PollEvents::READABLE),
    ];
    assert_eq!(
        poll(&mut items, Some(Duration::from_millis(200))).unwrap(),
        0
    );
    assert_eq!(stranger.try_recv().unwrap_err(), ErrorKind::Again);
    assert_eq!(lost.try_recv().unwrap_err(), ErrorKind::Again);
    drop((stranger, lost, good, server));
    ctx.term().unwrap();
    assert!(handler.join().unwrap() >= 2);
}

#[test]
fn curve_pubsub_subscriptions_travel_encrypted() {
    let ctx = Context::new();
    let server_keys = CurveKeyPair::generate().unwrap();
    let client_keys = CurveKeyPair::generate().unwrap();
    let mut publisher = socket(&ctx, SocketType::Pub);
    publisher.set_curve_server(&server_keys).unwrap();
    let ep = bind(&mut publisher, "tcp");
    let mut subscriber = socket(&ctx, SocketType::Sub);
    subscriber
        .set_curve_client(&client_keys, &server_keys.public)
        .unwrap();
    subscriber.set_option(SocketOption::RcvTimeo, 100).unwrap();
    subscriber.subscribe("weather").unwrap();
    subscriber.connect(&ep).unwrap();
    // Publish until the subscription has arrived.
    let mut got = None;
    for _ in 0..100 {
        publisher.send("sports nothing").unwrap();
        publisher.send("weather sunny").unwrap();
        if let Ok(m) = subscriber.recv() {
            got = Some(Bytes::copy_from_slice(m.data()));
            break;
        }
    }
    assert_eq!(got.as_deref(), Some(&b"weather sunny"[..]));
}

#[test]
fn curve_key_options_in_raw_and_z85_forms() {
    let ctx = Context::new();
    let keys = CurveKeyPair::generate().unwrap();
    let mut s = socket(&ctx, SocketType::Dealer);
    assert_eq!(
        s.option(SocketOption::Mechanism).unwrap(),
        OptionValue::Int(0)
    );
    let text = keys.public.to_z85();
    s.set_option_bytes(SocketOption::CurveServerkey, text.as_bytes())
        .unwrap();
    assert_eq!(
        s.curve_public_key(SocketOption::CurveServerkey).unwrap(),
        keys.public
    );
    let mut with_nul = keys.secret.to_z85().as_bytes().to_vec();
    with_nul.push(0);
    s.set_option_bytes(SocketOption::CurveSecretkey, &with_nul)
        .unwrap();
    assert_eq!(
        s.option(SocketOption::CurveSecretkey).unwrap(),
        OptionValue::Bytes(keys.secret.as_bytes().to_vec())
    );
    assert_eq!(
        s.option(SocketOption::Mechanism).unwrap(),
        OptionValue::Int(2)
    );
    assert_eq!(
        s.option(SocketOption::CurveServer).unwrap(),
        OptionValue::Int(0)
    );
    s.set_option(SocketOption::CurveServer, 1).unwrap();
    assert_eq!(
        s.option(SocketOption::CurveServer).unwrap(),
        OptionValue::Int(1)
    );
    for bad in [&b"short"[..], &[0u8; 33], &[b'"'; 40]] {
        assert_eq!(
            s.set_option_bytes(SocketOption::CurvePublickey, bad)
                .map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
    }
    assert_eq!(
        s.set_option(SocketOption::CurveServer, 2)
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    // A PLAIN option set afterwards selects PLAIN, as in libzmq.
    s.set_option_bytes(SocketOption::PlainUsername, b"user")
        .unwrap();
    assert_eq!(
        s.option(SocketOption::Mechanism).unwrap(),
        OptionValue::Int(1)
    );
}

#[test]
fn half_finished_curve_handshakes_do_not_block_good_clients() {
    use std::io::Write;
    use std::net::TcpStream;

    use ferrozmq_zmtp::greeting::{Greeting, MechanismName};

    let ctx = Context::new();
    let server_keys = CurveKeyPair::generate().unwrap();
    let mut server = socket(&ctx, SocketType::Rep);
    server.set_curve_server(&server_keys).unwrap();
    server.set_option(SocketOption::HandshakeIvl, 300).unwrap();
    server.set_option(SocketOption::RcvTimeo, 2000).unwrap();
    let ep = bind(&mut server, "tcp");
    let addr = ep.trim_start_matches("tcp://");
    let greeting = Greeting::new(MechanismName::CURVE, false).encode(0);

    // One stops after its greeting, one after half a HELLO, one sends a
    // HELLO of the wrong size, one a HELLO whose box does not open.
    let mut strays = Vec::new();
    for hello in [
        None,
        Some(vec![0x04, 200, 5]),
        Some(vec![0x04, 3, 5, b'H', b'I']),
    ] {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(&greeting).unwrap();
        if let Some(hello) = hello {
            stream.write_all(&hello).unwrap();
        }
        strays.push(stream);
    }
    let mut forged = vec![0x04, 200, 5];
    forged.extend_from_slice(b"HELLO\x01\x00");
    forged.resize(2 + 200, 7);
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(&greeting).unwrap();
    stream.write_all(&forged).unwrap();
    strays.push(stream);

    let keys = CurveKeyPair::generate().unwrap();
    let mut good = socket(&ctx, SocketType::Req);
    good.set_curve_client(&keys, &server_keys.public).unwrap();
    good.set_option(SocketOption::RcvTimeo, 2000).unwrap();
    good.connect(&ep).unwrap();
    for i in 0..3 {
        good.send(format!("ping {i}").as_str()).unwrap();
        assert_eq!(server.recv_string().unwrap(), format!("ping {i}"));
        server.send("pong").unwrap();
        assert_eq!(good.recv_string().unwrap(), "pong");
    }
    drop(strays);
}
