//! Two connections back to back on a fake clock, driven until quiet.

use std::time::{Duration, Instant};

use bytes::Bytes;
use ferrozmq_zmtp::{Config, Connection, Error, Event, ZapReply, ZapRequest};

/// How a side answers ZAP requests.
pub(crate) type ZapPolicy = Box<dyn FnMut(&ZapRequest) -> ZapReply>;

/// One end of the pair: its connection, what it reported, and what it sent.
pub(crate) struct Side {
    pub(crate) conn: Connection,
    /// Every event except ZAP requests (those are answered by `zap`).
    pub(crate) events: Vec<Event>,
    /// ZAP requests seen, in order.
    pub(crate) zap_requests: Vec<ZapRequest>,
    /// The first error this side returned; it is not fed after that.
    pub(crate) error: Option<Error>,
    /// Every byte this side put on the wire.
    pub(crate) wire: Vec<u8>,
    pub(crate) zap: ZapPolicy,
}

impl Side {
    pub(crate) fn new(config: Config) -> Side {
        Side {
            conn: Connection::new(config).expect("valid config"),
            events: Vec::new(),
            zap_requests: Vec::new(),
            error: None,
            wire: Vec::new(),
            zap: Box::new(|_| ZapReply::accepted()),
        }
    }

    /// Drains events, answering ZAP requests on the spot.
    pub(crate) fn pump(&mut self) {
        while let Some(event) = self.conn.poll_event() {
            match event {
                Event::ZapRequest(request) => {
                    let reply = (self.zap)(&request);
                    self.zap_requests.push(request);
                    if let Err(e) = self.conn.handle_zap_reply(reply) {
                        self.error.get_or_insert(e);
                    }
                }
                other => self.events.push(other),
            }
        }
    }

    /// Takes everything waiting in the transmit queue.
    pub(crate) fn take_transmit(&mut self) -> Vec<u8> {
        let bytes = self.conn.transmit().to_vec();
        self.conn.transmit().advance(bytes.len());
        self.wire.extend_from_slice(&bytes);
        bytes
    }

    /// Feeds `bytes` in chunks of `chunk` octets, pumping after each.
    pub(crate) fn feed(&mut self, bytes: &[u8], chunk: usize) {
        for piece in bytes.chunks(chunk.max(1)) {
            if self.error.is_some() {
                return;
            }
            if let Err(e) = self.conn.handle_bytes(piece) {
                self.error = Some(e);
            }
            self.pump();
        }
    }

    /// Data frames received, as (body, more).
    pub(crate) fn frames(&self) -> Vec<(Bytes, bool)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Frame(f) => Some((f.body.clone(), f.more)),
                _ => None,
            })
            .collect()
    }

    pub(crate) fn handshake_succeeded(&self) -> bool {
        self.events.contains(&Event::HandshakeSucceeded)
    }

    /// Sends a multipart message.
    pub(crate) fn send(&mut self, parts: &[&[u8]]) {
        for (i, part) in parts.iter().enumerate() {
            let more = i + 1 < parts.len();
            self.conn
                .send_frame(Bytes::copy_from_slice(part), more)
                .expect("send after handshake");
        }
    }
}

/// Two connections wired to each other, with a clock we move by hand.
pub(crate) struct Pair {
    pub(crate) client: Side,
    pub(crate) server: Side,
    pub(crate) now: Instant,
    /// Octets per `handle_bytes` call (1 = byte at a time).
    pub(crate) chunk: usize,
    /// While false, bytes from that side are dropped instead of delivered.
    pub(crate) deliver_to_server: bool,
    pub(crate) deliver_to_client: bool,
}

impl Pair {
    pub(crate) fn new(client: Config, server: Config) -> Pair {
        Pair {
            client: Side::new(client),
            server: Side::new(server),
            now: Instant::now(),
            chunk: usize::MAX,
            deliver_to_server: true,
            deliver_to_client: true,
        }
    }

    /// Moves bytes both ways until neither side has anything to send.
    pub(crate) fn drive(&mut self) {
        for _ in 0..10_000 {
            let a = self.client.take_transmit();
            if self.deliver_to_server {
                self.server.feed(&a, self.chunk);
            }
            let b = self.server.take_transmit();
            if self.deliver_to_client {
                self.client.feed(&b, self.chunk);
            }
            self.timeouts();
            let quiet =
                self.client.conn.transmit().is_empty() && self.server.conn.transmit().is_empty();
            if a.is_empty() && b.is_empty() && quiet {
                return;
            }
        }
        panic!("pair never went quiet");
    }

    /// Runs both sides' timers at the current fake time.
    pub(crate) fn timeouts(&mut self) {
        let now = self.now;
        for side in [&mut self.client, &mut self.server] {
            if side.error.is_none() {
                if let Err(e) = side.conn.handle_timeout(now) {
                    side.error = Some(e);
                }
            }
        }
    }

    /// Moves the fake clock on, fires timers, and drives.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.now += by;
        self.timeouts();
        self.drive();
    }

    /// Drives and asserts both handshakes succeeded.
    pub(crate) fn handshake(&mut self) {
        self.drive();
        assert_eq!(self.client.error, None, "client failed");
        assert_eq!(self.server.error, None, "server failed");
        assert!(self.client.handshake_succeeded(), "client not ready");
        assert!(self.server.handshake_succeeded(), "server not ready");
    }
}

/// Finds `needle` in `haystack`.
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
