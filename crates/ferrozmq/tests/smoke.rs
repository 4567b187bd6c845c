use ferrozmq::{Context, SocketType};

#[test]
fn req_rep_over_transports() {
    let ctx = Context::new();
    for ep in ["inproc://smoke", "tcp://127.0.0.1:*", "ipc://*"] {
        let mut rep = ctx.socket(SocketType::Rep).unwrap();
        rep.bind(ep).unwrap();
        let addr = rep.last_endpoint().to_string();
        let mut req = ctx.socket(SocketType::Req).unwrap();
        req.connect(&addr).unwrap();
        for i in 0..100 {
            req.send(format!("hello {i}"), 0).unwrap();
            assert_eq!(rep.recv_string(0).unwrap(), format!("hello {i}"));
            rep.send("world", 0).unwrap();
            assert_eq!(req.recv_string(0).unwrap(), "world");
        }
        eprintln!("{ep} ok");
    }
}
