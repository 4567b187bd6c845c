use std::time::Duration;

use ferrozmq::{Context, SocketOption, SocketType};

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
    }
}

#[test]
fn pub_sub_filters() {
    let ctx = Context::new();
    for ep in ["inproc://ps", "tcp://127.0.0.1:*", "ipc://*"] {
        let mut publisher = ctx.socket(SocketType::Pub).unwrap();
        publisher.bind(ep).unwrap();
        let addr = publisher.last_endpoint().to_string();
        let mut sub = ctx.socket(SocketType::Sub).unwrap();
        sub.set_option(SocketOption::RcvTimeo, 2000).unwrap();
        sub.subscribe("weather").unwrap();
        sub.connect(&addr).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        for i in 0..10 {
            publisher.send(format!("news {i}"), 0).unwrap();
            publisher.send(format!("weather {i}"), 0).unwrap();
        }
        for i in 0..10 {
            assert_eq!(sub.recv_string(0).unwrap(), format!("weather {i}"), "{ep}");
        }
    }
}
