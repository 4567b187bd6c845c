//! Socket patterns: each socket type is a small [`Pattern`] built from the
//! routing strategies in `routing`.

mod dealer;
mod options;
mod pair;
mod publish;
mod pull;
mod push;
mod rep;
mod req;
mod routed;
mod router;
mod stream;
mod subscribe;
mod subscription_frames;

use std::sync::Arc;

use bytes::Bytes;
use ferrozmq_engine::{Body, Msg, Pipe, PipeId, Signaler};
use ferrozmq_zmtp::SocketType;

pub(crate) use options::PatternOptions;

use crate::error::{ErrorKind, Result};
use crate::message::Message;
pub(crate) use crate::routing::Origin;
use crate::routing::{Drops, Pipes};

/// A received message with the peer that sent it.
pub(crate) type Received = (Msg, Origin);

/// The hooks a socket type implements (libzmq's `xattach_pipe`, `xsend`, ...).
pub(crate) trait Pattern: Send + std::fmt::Debug {
    /// A new peer is available.
    fn attach(&mut self, pipe: Pipe, options: &PatternOptions);

    /// A peer's connection was re-established.
    fn hiccup(&mut self, _pipe: PipeId, _options: &PatternOptions) {}

    /// Forgets a pipe (disconnect, unbind, or its peer went away): the
    /// same path the pattern takes when it finds a pipe gone.
    fn detach(&mut self, pipe: PipeId, options: &PatternOptions);

    /// Checks that a message starting with `first` may be sent now, and
    /// chooses where it goes. `Err(Again)` means "not now"; the socket waits.
    fn prepare_send(&mut self, first: &[u8], options: &PatternOptions) -> Result<()>;

    /// Sends the whole message prepared by `prepare_send`.
    fn send(&mut self, msg: Msg, options: &PatternOptions) -> Result<()>;

    /// A one-frame message: [`Pattern::prepare_send`] then, once it
    /// admits the frame, [`Pattern::send`] at once, in one call (the
    /// socket's usual path; each pattern's own `prepare_send` and `send`
    /// are called directly here). An `Err` with `frame` still in place is
    /// `prepare_send`'s (not admitted: the socket may wait); once `frame`
    /// was taken, the result is `send`'s. The error is a bare
    /// [`ErrorKind`] (patterns attach no detail), so that the result
    /// comes back in a register: a larger one is written to memory and
    /// read back across this dynamic call, which stalled every send.
    #[inline]
    fn send_single(
        &mut self,
        frame: &mut Option<Message>,
        options: &PatternOptions,
    ) -> std::result::Result<(), ErrorKind> {
        self.prepare_send(frame.as_ref().map_or(&[], Message::data), options)
            .map_err(|e| e.kind())?;
        match frame.take() {
            Some(frame) => self
                .send(Msg::single(frame.into_body()), options)
                .map_err(|e| e.kind()),
            None => Ok(()),
        }
    }

    /// The next whole message, if one is waiting.
    fn recv(&mut self, options: &PatternOptions) -> Result<Option<Received>>;

    /// [`Pattern::recv`] into the caller's `into` (left alone when nothing
    /// waits): `Ok(true)` when a message was put there. The socket's
    /// receive takes this path: the message is moved once, whole, into
    /// the caller's place, and the result is small enough to come back in
    /// registers (a `Result<Option<Received>>` came back through memory,
    /// written field by field and read back 16 bytes at a time: a
    /// store-forwarding stall per message).
    #[inline]
    fn recv_into(&mut self, into: &mut Option<Received>, options: &PatternOptions) -> Result<bool> {
        Ok(match self.recv(options)? {
            Some(received) => {
                *into = Some(received);
                true
            }
            None => false,
        })
    }

    /// Takes back the emptied storage of a received message's further
    /// frames (the socket moved them out), for the next message's
    /// envelope: ROUTER reuses it instead of allocating per message.
    fn recycle(&mut self, _rest: Vec<Body>) {}

    /// Whether a send would not block (ZMQ_POLLOUT).
    fn can_send(&self) -> bool;

    /// Takes in what peers sent that is not for the application (e.g.
    /// subscriptions), so that [`Pattern::can_recv`] is exact.
    fn refresh(&mut self, _options: &PatternOptions) {}

    /// The socket's signaler, which every pipe notifies when a peer sends
    /// something (or leaves): for a pattern that looks at its pipes' input
    /// only when told ([`Signaler::take_news`]). Given once, at creation.
    fn watch_news(&mut self, _signaler: Arc<Signaler>) {}

    /// Whether a message is waiting (ZMQ_POLLIN).
    fn can_recv(&self) -> bool;

    /// SUBSCRIBE / UNSUBSCRIBE (SUB, and XPUB with XPUB_MANUAL).
    fn set_subscription(
        &mut self,
        _subscribe: bool,
        _topic: &[u8],
        _options: &PatternOptions,
    ) -> Result<()> {
        Err(ErrorKind::Invalid.into())
    }

    /// The socket's pipes (for disconnect, unbind, close and retuning).
    fn pipes(&self) -> &Pipes;

    /// What the pattern dropped so far (for queue statistics); patterns
    /// that never drop have nothing to report.
    fn drops(&self) -> Option<&Drops> {
        None
    }

    /// The routing id a pattern knows a pipe's peer by, when it keeps one
    /// (ROUTER, STREAM); others report the id the peer announced.
    fn routing_id_of(&self, _pipe: PipeId) -> Option<Bytes> {
        None
    }

    /// Whether the message being sent goes on after its frame number
    /// `index` (from 0), which came with SNDMORE set or not (`more`). Most
    /// types follow the flag; STREAM pairs a routing id with one data frame
    /// whatever the flags say, as libzmq does.
    fn continues(&self, _index: usize, more: bool) -> bool {
        more
    }

    /// Drain: a queued message as the application sent it (REQ takes its
    /// envelope off; others queue what was sent).
    fn unwrap_unsent(&self, msg: Msg, _options: &PatternOptions) -> Msg {
        msg
    }

    /// The routing id ZMQ_ROUTING_ID reads back, when the pattern chose it:
    /// libzmq's STREAM reports the id it generated for its latest peer.
    fn chosen_routing_id(&self) -> Option<Bytes> {
        None
    }
}

/// Builds the pattern for a socket type.
pub(crate) fn for_type(socket_type: SocketType) -> Result<Box<dyn Pattern>> {
    Ok(match socket_type {
        SocketType::Push => Box::new(push::Push::default()),
        SocketType::Pull => Box::new(pull::Pull::default()),
        SocketType::Pair => Box::new(pair::Pair::default()),
        SocketType::Dealer => Box::new(dealer::Dealer::default()),
        SocketType::Req => Box::new(req::Req::default()),
        SocketType::Rep => Box::new(rep::Rep::default()),
        SocketType::Router => Box::new(router::Router::default()),
        SocketType::Pub => Box::new(publish::Publisher::new(false)),
        SocketType::XPub => Box::new(publish::Publisher::new(true)),
        SocketType::Sub => Box::new(subscribe::Subscriber::new(false)),
        SocketType::XSub => Box::new(subscribe::Subscriber::new(true)),
        SocketType::Stream => Box::new(stream::Stream::default()),
        _ => return Err(ErrorKind::Invalid.into()),
    })
}
