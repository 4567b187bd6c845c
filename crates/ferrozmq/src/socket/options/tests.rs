//! The option table against libzmq: numbers, names, validation, defaults.

use std::collections::HashSet;

use ferrozmq_zmtp::SocketType;

use super::*;
use crate::error::ErrorKind;

#[test]
fn every_number_and_name_round_trips() {
    let mut numbers = HashSet::new();
    let mut names = HashSet::new();
    for &option in SocketOption::ALL {
        assert_eq!(SocketOption::from_raw(option.raw()), Some(option));
        assert!(numbers.insert(option.raw()), "{option:?} number repeated");
        assert!(names.insert(option.name()), "{option:?} name repeated");
        assert!(option
            .name()
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'));
    }
    assert_eq!(SocketOption::ALL.len(), 83);
    assert_eq!(SocketOption::from_raw(23), Some(SocketOption::SndHwm));
    assert_eq!(SocketOption::SndHwm.name(), "SNDHWM");
    assert_eq!(SocketOption::from_raw(95), Some(SocketOption::Metadata));
    assert_eq!(SocketOption::from_raw(1000), None);
    assert_eq!(SocketOption::from_raw(31), None); // ZMQ_IPV4ONLY: the C ABI's alias
}

#[test]
fn kinds_match_pyzmq_opt_types() {
    assert_eq!(SocketOption::SndHwm.kind(), OptionKind::Int);
    assert_eq!(SocketOption::Affinity.kind(), OptionKind::Int64);
    assert_eq!(SocketOption::MaxMsgSize.kind(), OptionKind::Int64);
    assert_eq!(SocketOption::RoutingId.kind(), OptionKind::Bytes);
    assert_eq!(SocketOption::LastEndpoint.kind(), OptionKind::Str);
    assert_eq!(SocketOption::CurveServerkey.kind(), OptionKind::CurveKey);
    assert!(SocketOption::SocksProxy.cleared_by_null_only());
    assert!(SocketOption::IpcFilterGid.cleared_by_null_only());
    assert!(!SocketOption::ZapDomain.cleared_by_null_only());
}

#[test]
fn defaults_are_libzmqs() {
    let o = Options::new(SocketType::Dealer);
    let int = |option| o.get(option);
    assert_eq!(int(SocketOption::SndHwm), Ok(OptionValue::Int(1000)));
    assert_eq!(int(SocketOption::Linger), Ok(OptionValue::Int(-1)));
    assert_eq!(int(SocketOption::ReconnectIvl), Ok(OptionValue::Int(100)));
    assert_eq!(
        int(SocketOption::HandshakeIvl),
        Ok(OptionValue::Int(30_000))
    );
    assert_eq!(int(SocketOption::MaxMsgSize), Ok(OptionValue::Int64(-1)));
    assert_eq!(int(SocketOption::Rate), Ok(OptionValue::Int(100)));
    assert_eq!(int(SocketOption::RecoveryIvl), Ok(OptionValue::Int(10_000)));
    assert_eq!(int(SocketOption::Type), Ok(OptionValue::Int(5)));
    assert_eq!(int(SocketOption::Mechanism), Ok(OptionValue::Int(0)));
    assert_eq!(int(SocketOption::UseFd), Ok(OptionValue::Int(-1)));
    // libzmq 4.3 answers these four whether or not it has the transports.
    assert_eq!(
        int(SocketOption::MulticastMaxtpdu),
        Ok(OptionValue::Int(1500))
    );
    assert_eq!(int(SocketOption::MulticastLoop), Ok(OptionValue::Int(1)));
    assert_eq!(int(SocketOption::ZapEnforceDomain), Ok(OptionValue::Int(0)));
    assert_eq!(int(SocketOption::LoopbackFastpath), Ok(OptionValue::Int(0)));
    assert_eq!(
        int(SocketOption::TcpKeepaliveIdle),
        Ok(OptionValue::Int(-1))
    );
    assert_eq!(
        o.get(SocketOption::RoutingId),
        Ok(OptionValue::Bytes(Vec::new()))
    );
    // Write-only and socket-state options are not answered here.
    assert_eq!(
        o.get(SocketOption::StreamNotify).map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    assert_eq!(
        o.get(SocketOption::Subscribe).map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
}

#[test]
fn validates_like_libzmq() {
    let mut o = Options::new(SocketType::Req);
    assert_eq!(
        o.set(SocketOption::SndHwm, &(-1i32).to_ne_bytes())
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    assert_eq!(
        o.set(SocketOption::SndHwm, &[1, 2]).map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    o.set(SocketOption::SndHwm, &5i32.to_ne_bytes()).unwrap();
    assert_eq!(o.get(SocketOption::SndHwm), Ok(OptionValue::Int(5)));
    assert_eq!(
        o.set(SocketOption::Immediate, &2i32.to_ne_bytes())
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    assert_eq!(
        o.set(SocketOption::RoutingId, b"").map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    assert_eq!(
        o.set(SocketOption::RoutingId, &[1; 256])
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    assert_eq!(
        o.set(SocketOption::Metadata, b"Bad:1")
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    o.set(SocketOption::Metadata, b"X-App:demo").unwrap();
    assert_eq!(o.metadata.get_str("X-App"), Some("demo"));
    assert_eq!(
        o.set(SocketOption::Linger, &(-2i32).to_ne_bytes())
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    assert_eq!(
        o.set(SocketOption::MaxMsgSize, &5i32.to_ne_bytes())
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    assert_eq!(
        o.set(SocketOption::Type, &5i32.to_ne_bytes())
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    assert_eq!(
        o.set(SocketOption::HeartbeatTtl, &6_553_600i32.to_ne_bytes())
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    o.set(SocketOption::HeartbeatTtl, &1_299i32.to_ne_bytes())
        .unwrap();
    assert_eq!(
        o.get(SocketOption::HeartbeatTtl),
        Ok(OptionValue::Int(1_200))
    );
}

#[test]
fn socket_specific_options_only_on_their_types() {
    let on = |t, option: SocketOption| Options::new(t).set(option, &1i32.to_ne_bytes());
    assert_eq!(
        on(SocketType::Router, SocketOption::RouterMandatory),
        Ok(())
    );
    assert_eq!(
        on(SocketType::Dealer, SocketOption::RouterMandatory).map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    assert_eq!(on(SocketType::Dealer, SocketOption::ProbeRouter), Ok(()));
    assert_eq!(on(SocketType::Req, SocketOption::ReqRelaxed), Ok(()));
    assert_eq!(
        on(SocketType::Rep, SocketOption::ReqRelaxed).map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    assert_eq!(on(SocketType::Pub, SocketOption::XpubNodrop), Ok(()));
    assert_eq!(
        on(SocketType::Sub, SocketOption::XpubNodrop).map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    assert_eq!(on(SocketType::Stream, SocketOption::StreamNotify), Ok(()));
    assert_eq!(
        on(SocketType::Router, SocketOption::StreamNotify).map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    // REP and REQ are a ROUTER and a DEALER inside libzmq and take their
    // options (checked against libzmq 4.3.4 by a C probe).
    for option in [
        SocketOption::RouterMandatory,
        SocketOption::RouterRaw,
        SocketOption::ProbeRouter,
        SocketOption::RouterHandover,
    ] {
        assert_eq!(on(SocketType::Rep, option), Ok(()), "{option:?}");
    }
    assert_eq!(on(SocketType::Req, SocketOption::ProbeRouter), Ok(()));
    assert_eq!(
        on(SocketType::Req, SocketOption::RouterMandatory).map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    for &option in SocketOption::ALL {
        let everywhere = SocketType::ALL.iter().all(|&t| option.applies_to(t));
        assert!(everywhere || SocketType::ALL.iter().any(|&t| option.applies_to(t)));
    }
}

#[test]
fn security_options_choose_the_mechanism() {
    let mut o = Options::new(SocketType::Dealer);
    o.set(SocketOption::PlainUsername, b"admin").unwrap();
    assert_eq!(o.get(SocketOption::Mechanism), Ok(OptionValue::Int(1)));
    o.set(SocketOption::CurveServerkey, &[7; 32]).unwrap();
    assert_eq!(o.get(SocketOption::Mechanism), Ok(OptionValue::Int(2)));
    assert_eq!(
        o.get(SocketOption::CurveServerkey),
        Ok(OptionValue::Bytes(vec![7; 32]))
    );
    o.set(SocketOption::PlainServer, &1i32.to_ne_bytes())
        .unwrap();
    assert_eq!(o.get(SocketOption::Mechanism), Ok(OptionValue::Int(1)));
    assert_eq!(o.get(SocketOption::CurveServer), Ok(OptionValue::Int(0)));
}

#[test]
fn each_plain_credential_chooses_plain_and_clearing_one_chooses_null() {
    let mechanism = |o: &Options| o.get(SocketOption::Mechanism);
    let mut o = Options::new(SocketType::Req);
    o.set(SocketOption::PlainPassword, b"m00c0w").unwrap();
    assert_eq!(mechanism(&o), Ok(OptionValue::Int(1)));
    o.set(SocketOption::PlainUsername, b"billybob").unwrap();
    o.set(SocketOption::PlainPassword, b"").unwrap();
    assert_eq!(mechanism(&o), Ok(OptionValue::Int(0)));
    // The credentials outlive the mechanism, as in libzmq.
    assert_eq!(
        o.get(SocketOption::PlainPassword),
        Ok(OptionValue::Str("m00c0w".into()))
    );
    o.set(SocketOption::PlainServer, &1i32.to_ne_bytes())
        .unwrap();
    o.set(SocketOption::PlainUsername, b"").unwrap();
    assert_eq!(mechanism(&o), Ok(OptionValue::Int(0)));
    assert_eq!(o.get(SocketOption::PlainServer), Ok(OptionValue::Int(0)));
    o.set(SocketOption::PlainUsername, b"billybob").unwrap();
    o.set(SocketOption::PlainServer, &0i32.to_ne_bytes())
        .unwrap();
    assert_eq!(mechanism(&o), Ok(OptionValue::Int(0)));
}

#[test]
fn the_connection_snapshot_reads_the_options_as_libzmq_does() {
    use std::time::Duration;

    let mut o = Options::new(SocketType::Dealer);
    let s = o.session_options();
    assert_eq!((s.sndhwm, s.rcvhwm), (1000, 1000));
    assert_eq!(s.reconnect_ivl, Some(Duration::from_millis(100)));
    assert_eq!(s.reconnect_ivl_max, Duration::ZERO);
    assert_eq!(s.linger, None);
    assert_eq!(s.handshake_ivl, Some(Duration::from_secs(30)));
    assert_eq!(s.zmtp.heartbeat.interval, None);
    assert_eq!(s.zmtp.heartbeat.timeout, None);
    assert_eq!(s.net.sndbuf, None);
    assert_eq!(s.net.connect_timeout, None);
    for (option, value) in [
        (SocketOption::ReconnectIvl, 0),
        (SocketOption::Linger, 0),
        (SocketOption::HandshakeIvl, 0),
        (SocketOption::HeartbeatIvl, 500),
        (SocketOption::HeartbeatTimeout, 0),
        (SocketOption::SndBuf, 0),
        (SocketOption::ConnectTimeout, 250),
        (SocketOption::Conflate, 1),
    ] {
        o.set(option, &i32::to_ne_bytes(value)).unwrap();
    }
    let s = o.session_options();
    assert_eq!(s.reconnect_ivl, Some(Duration::from_millis(1)));
    assert_eq!(s.linger, Some(Duration::ZERO));
    assert_eq!(s.handshake_ivl, None);
    assert_eq!(s.zmtp.heartbeat.interval, Some(Duration::from_millis(500)));
    assert_eq!(s.zmtp.heartbeat.timeout, None);
    assert_eq!(s.net.sndbuf, Some(0));
    assert_eq!(s.net.connect_timeout, Some(Duration::from_millis(250)));
    assert!(s.conflate);
    o.set(SocketOption::MaxMsgSize, &64i64.to_ne_bytes())
        .unwrap();
    assert_eq!(o.session_options().zmtp.max_message_size, Some(64));
}

/// libzmq keeps text options as C strings of any bytes and reads them back
/// unchanged: bytes that are not UTF-8 are neither refused nor replaced.
#[test]
fn text_options_keep_any_bytes() {
    let raw = b"a\xff\xfe\xc3(b";
    let mut o = Options::new(SocketType::Dealer);
    for option in [
        SocketOption::PlainUsername,
        SocketOption::PlainPassword,
        SocketOption::ZapDomain,
        SocketOption::BindToDevice,
        SocketOption::SocksUsername,
        SocketOption::SocksPassword,
        SocketOption::SocksProxy,
    ] {
        o.set(option, raw).unwrap();
        assert_eq!(
            o.get(option),
            Ok(OptionValue::Str(raw.to_vec())),
            "{option:?}"
        );
    }
    o.set(SocketOption::Metadata, b"X-Raw:\xff\xfe").unwrap();
    assert_eq!(
        o.metadata.get("X-Raw").map(|v| &v[..]),
        Some(&b"\xff\xfe"[..])
    );
}

#[test]
fn socks_options() {
    let mut o = Options::new(SocketType::Pull);
    assert!(o.session_options().socks_proxy.is_none());
    o.set(SocketOption::SocksProxy, b"somehost:1080").unwrap();
    o.set(SocketOption::SocksUsername, b"user").unwrap();
    o.set(SocketOption::SocksPassword, b"pass").unwrap();
    assert_eq!(
        o.get(SocketOption::SocksProxy),
        Ok(OptionValue::Str("somehost:1080".into()))
    );
    assert_eq!(
        o.get(SocketOption::SocksUsername),
        Ok(OptionValue::Str("user".into()))
    );
    let proxy = o.session_options().socks_proxy.unwrap();
    assert_eq!(proxy.address, "somehost:1080");
    assert_eq!(&proxy.password[..], b"pass");
    assert_eq!(
        o.set(SocketOption::SocksUsername, &[b'a'; 256])
            .map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    o.set(SocketOption::SocksUsername, &[b'a'; 255]).unwrap();
    o.set(SocketOption::SocksProxy, b"").unwrap();
    assert!(o.session_options().socks_proxy.is_none());
}

mod typed {
    use std::time::Duration;

    use ferrozmq_zmtp::SocketType;

    use crate::error::ErrorKind;
    use crate::{Context, Mechanism, OptionValue, SocketOption};

    #[test]
    fn accessors_read_back_what_they_set_and_match_the_raw_path() {
        let ctx = Context::new();
        let mut s = ctx.socket(SocketType::Dealer).unwrap();
        assert_eq!(s.sndhwm(), 1000);
        assert_eq!(s.linger(), None);
        assert_eq!(s.handshake_ivl(), Some(Duration::from_secs(30)));
        assert_eq!(s.maxmsgsize(), None);
        assert_eq!(s.tcp_keepalive(), None);
        assert_eq!(s.mechanism(), Mechanism::Null);

        s.set_sndhwm(5).unwrap();
        s.set_linger(Some(Duration::from_millis(250))).unwrap();
        s.set_rcvtimeo(Some(Duration::ZERO)).unwrap();
        s.set_reconnect_ivl(None).unwrap();
        s.set_handshake_ivl(None).unwrap();
        s.set_maxmsgsize(Some(1 << 40)).unwrap();
        s.set_affinity(u64::MAX).unwrap();
        s.set_tcp_keepalive(Some(true)).unwrap();
        s.set_sndbuf(Some(65_536)).unwrap();
        s.set_routing_id(b"peer-1").unwrap();
        s.set_heartbeat_ttl(Duration::from_millis(1_250)).unwrap();
        s.set_probe_router(true).unwrap();
        s.set_zap_domain("global").unwrap();
        s.add_metadata(("X-App", "demo")).unwrap();

        assert_eq!(s.sndhwm(), 5);
        assert_eq!(s.linger(), Some(Duration::from_millis(250)));
        assert_eq!(s.rcvtimeo(), Some(Duration::ZERO));
        assert_eq!(s.reconnect_ivl(), None);
        assert_eq!(s.handshake_ivl(), None);
        assert_eq!(s.maxmsgsize(), Some(1 << 40));
        assert_eq!(s.affinity(), u64::MAX);
        assert_eq!(s.tcp_keepalive(), Some(true));
        assert_eq!(s.sndbuf(), Some(65_536));
        assert_eq!(s.routing_id(), b"peer-1");
        assert_eq!(s.heartbeat_ttl(), Duration::from_millis(1_200));
        assert!(s.probe_router());
        assert_eq!(s.zap_domain(), "global");

        // The same values through libzmq's raw path.
        assert_eq!(s.option(SocketOption::SndHwm), Ok(OptionValue::Int(5)));
        assert_eq!(s.option(SocketOption::Linger), Ok(OptionValue::Int(250)));
        assert_eq!(
            s.option(SocketOption::ReconnectIvl),
            Ok(OptionValue::Int(-1))
        );
        assert_eq!(
            s.option(SocketOption::HandshakeIvl),
            Ok(OptionValue::Int(0))
        );
        assert_eq!(
            s.option(SocketOption::MaxMsgSize),
            Ok(OptionValue::Int64(1 << 40))
        );
        assert_eq!(s.option(SocketOption::Affinity), Ok(OptionValue::Int64(-1)));
        assert_eq!(
            s.option(SocketOption::RoutingId),
            Ok(OptionValue::Bytes(b"peer-1".to_vec()))
        );
        s.close();
    }

    #[test]
    fn invalid_typed_values_fail_with_einval() {
        let ctx = Context::new();
        let mut s = ctx.socket(SocketType::Dealer).unwrap();
        assert_eq!(
            s.set_sndhwm(usize::MAX).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            s.set_linger(Some(Duration::from_secs(u64::MAX)))
                .map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            s.set_routing_id(b"").map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            s.set_routing_id(&[1; 256]).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            s.set_zap_domain(&"x".repeat(256)).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            s.set_maxmsgsize(Some(u64::MAX)).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            s.set_heartbeat_ttl(Duration::from_secs(6_554))
                .map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            s.add_metadata(("NoPrefix", "v")).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            s.set_bind_to_device(&"e".repeat(17)).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            s.set_tcp_accept_filter(Some("not-a-network"))
                .map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            s.set_use_fd(Some(-5)).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        // Options of other socket types, as libzmq.
        assert_eq!(
            s.set_router_mandatory(true).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            s.set_req_relaxed(true).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(
            s.set_xpub_verbose(true).map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        // The integer path refuses options that are not integers instead
        // of setting the routing id to [5, 0, 0, 0].
        assert_eq!(
            s.set_option(SocketOption::RoutingId, 5)
                .map_err(|e| e.kind()),
            Err(ErrorKind::Invalid)
        );
        assert_eq!(s.sndhwm(), 1000);
        assert!(s.routing_id().is_empty());
        s.close();
    }

    #[test]
    fn hwm_changes_apply_to_attached_pipes() {
        let ctx = Context::new();
        let mut push = ctx.socket(SocketType::Push).unwrap();
        push.bind("inproc://typed-hwm").unwrap();
        let mut pull = ctx.socket(SocketType::Pull).unwrap();
        pull.connect("inproc://typed-hwm").unwrap();
        push.set_sndhwm(1).unwrap();
        pull.set_rcvhwm(1).unwrap();
        let mut sent = 0;
        while push.try_send("x").is_ok() {
            sent += 1;
            assert!(sent < 1000, "HWM not applied");
        }
        assert!(sent >= 1);
        push.close();
        pull.close();
    }
}

mod codecs {
    use std::time::Duration;

    use super::super::codec::*;

    /// A typed value survives to_raw → decode → out.
    fn round_trip<C: Typed>(arg: C::Arg<'_>) -> C::Out {
        let raw = C::to_raw(arg).unwrap();
        C::out(&C::decode(&raw).unwrap())
    }

    #[test]
    fn typed_values_round_trip_through_libzmqs_bytes() {
        for v in [
            None,
            Some(Duration::ZERO),
            Some(Duration::from_millis(1_500)),
        ] {
            assert_eq!(round_trip::<Timeout>(v), v);
        }
        for v in [None, Some(Duration::from_millis(30_000))] {
            assert_eq!(round_trip::<Interval>(v), v);
        }
        assert_eq!(round_trip::<Interval>(Some(Duration::ZERO)), None);
        for v in [0, 1, 1000, i32::MAX as usize] {
            assert_eq!(round_trip::<Hwm>(v), v);
        }
        for v in [None, Some(0), Some(1 << 20)] {
            assert_eq!(round_trip::<OsDefault>(v), v);
        }
        for v in [None, Some(false), Some(true)] {
            assert_eq!(round_trip::<Keepalive>(v), v);
        }
        for v in [0, 1, u64::MAX] {
            assert_eq!(round_trip::<Mask64>(v), v);
        }
        for v in [None, Some(0), Some(i64::MAX as u64)] {
            assert_eq!(round_trip::<SizeLimit>(v), v);
        }
        for v in [None, Some(0), Some(7)] {
            assert_eq!(round_trip::<OptionalFd>(v), v);
        }
        assert!(round_trip::<StrictFlag>(true));
        assert!(!round_trip::<Flag>(false));
        assert_eq!(round_trip::<RoutingId>(b"id"), b"id");
        assert_eq!(round_trip::<ShortText>("global"), "global");
        assert_eq!(round_trip::<Text>("host:1080"), "host:1080");
        assert_eq!(round_trip::<Device>("eth0"), "eth0");
        assert_eq!(
            round_trip::<HeartbeatTtl>(Duration::from_millis(6_553_500)),
            Duration::from_millis(6_553_500)
        );
    }

    #[test]
    fn raw_values_outside_libzmqs_ranges_are_einval() {
        let int = |v: i32| v.to_ne_bytes();
        assert!(Hwm::decode(&int(-1)).is_err());
        assert!(Timeout::decode(&int(-2)).is_err());
        assert!(Interval::decode(&int(-1)).is_err());
        assert!(OsDefault::decode(&int(-2)).is_err());
        assert!(Keepalive::decode(&int(2)).is_err());
        assert!(StrictFlag::decode(&int(2)).is_err());
        assert!(Flag::decode(&int(-1)).is_err());
        assert_eq!(Flag::decode(&int(7)), Ok(true));
        assert!(AtLeast::<1>::decode(&int(0)).is_err());
        assert!(SizeLimit::decode(&int(5)).is_err()); // an int64 needs 8 bytes
        assert!(Hwm::decode(&[0; 8]).is_err());
        assert!(Device::decode(&[b'e'; 17]).is_err());
        assert!(IdFilter::decode(&[1, 2]).is_err());
        assert_eq!(IdFilter::decode(&[]), Ok(None));
        assert!(AcceptFilter::decode(&[b'1'; 256]).is_err());
        assert_eq!(
            AcceptFilter::decode(b"10.0.0.0/8\0junk"),
            Ok(Some("10.0.0.0/8".to_owned()))
        );
        assert!(CurveKey::decode(&[0; 31]).is_err());
        assert!(Property::decode(b"X-:v").is_err());
        assert!(Property::decode(b"x-app:v").is_err());
        assert!(Property::decode(b"X-app:").is_err());
        assert!(Property::decode(b"X-:vv").is_ok());
        assert_eq!(Text::decode(&[0xff]), Ok(vec![0xff]));
    }
}

#[test]
fn sub_and_xsub_start_with_no_linger_as_in_libzmq() {
    for t in SocketType::ALL.iter().copied() {
        let expected = if matches!(t, SocketType::Sub | SocketType::XSub) {
            0
        } else {
            -1
        };
        assert_eq!(
            Options::new(t).get(SocketOption::Linger),
            Ok(OptionValue::Int(expected)),
            "{t:?}"
        );
    }
}

#[test]
fn relaxed_flags_take_any_int_and_strict_ones_do_not() {
    let set = |option: SocketOption, v: i32| {
        let mut o = Options::new(SocketType::Sub);
        o.set(option, &v.to_ne_bytes()).map(|()| o.get(option))
    };
    // libzmq's do_setsockopt_int_as_bool_relaxed: every non-zero is true.
    for option in [
        SocketOption::InvertMatching,
        SocketOption::ZapEnforceDomain,
        SocketOption::LoopbackFastpath,
        SocketOption::MulticastLoop,
    ] {
        assert_eq!(set(option, -2), Ok(Ok(OptionValue::Int(1))), "{option:?}");
        assert_eq!(set(option, 0), Ok(Ok(OptionValue::Int(0))), "{option:?}");
    }
    assert_eq!(
        set(SocketOption::Conflate, -2).map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
}

#[test]
fn an_empty_zap_domain_is_refused_as_in_libzmq() {
    let mut o = Options::new(SocketType::Rep);
    assert_eq!(
        o.set(SocketOption::ZapDomain, b"").map_err(|e| e.kind()),
        Err(ErrorKind::Invalid)
    );
    o.set(SocketOption::ZapDomain, b"global").unwrap();
    assert_eq!(
        o.get(SocketOption::ZapDomain),
        Ok(OptionValue::Str("global".into()))
    );
}
