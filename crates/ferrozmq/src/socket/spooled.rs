//! The socket's side of the durable spool (crate::spool): opening it when
//! the option is set, and the send path taken while one is open. The plain
//! send path only tests `Socket::spool` for `None`.

use std::path::Path;

use bytes::Bytes;
use ferrozmq_engine::{Body, Msg};
use ferrozmq_zmtp::SocketType;

use super::options::fsync_policy;
use super::{Patience, Socket, SocketOption, Wait};
use crate::error::{Error, ErrorKind, Result};
use crate::message::Message;
use crate::send_error::SendError;
use crate::spool::{self, LogConfig, Spool};

impl Socket {
    /// Messages kept in the spool: accepted by `send` (or recovered) and
    /// not yet written to a peer's connection, as of now (`None` without a
    /// spool). A ferrozmq extension; a graceful shutdown may wait for 0.
    pub fn spool_pending(&mut self) -> Option<usize> {
        self.process_link_events();
        let pipes = self.pattern.pipes();
        let spool = self.spool.as_mut()?;
        let _ = spool.poll(|id| pipes.slot_of(id).is_some());
        Some(spool.pending())
    }

    /// Opens, re-configures or closes the spool after one of its options
    /// changed (`option`, already stored).
    pub(super) fn configure_spool(
        &mut self,
        option: SocketOption,
        previous: Option<String>,
    ) -> Result<()> {
        let config = self.spool_config();
        let dir = self.options.spool.clone();
        let reopen =
            self.spool.as_ref().map(|s| s.dir().as_os_str().to_str()) != Some(Some(dir.as_str()));
        if option != SocketOption::Spool || !reopen {
            if let Some(spool) = &mut self.spool {
                spool.set_config(config);
            }
            return Ok(());
        }
        self.spool = None;
        if dir.is_empty() {
            return Ok(());
        }
        let opened = if self.options.conflate || !supports_spool(self.options.socket_type) {
            Err(ErrorKind::Invalid.into())
        } else {
            Spool::open(Path::new(&dir), config).map_err(Error::from)
        };
        match opened {
            Ok(spool) => {
                self.spool = Some(Box::new(spool));
                Ok(())
            }
            Err(e) => {
                self.options.spool = previous.unwrap_or_default();
                Err(e)
            }
        }
    }

    /// `send` while a spool is open: messages to send again go first; a
    /// new message is appended to the spool once whole, then routed. Only
    /// the first frame waits (for room in the spool and in the pattern);
    /// the frame is handed back on a failure before the socket took it.
    pub(super) fn send_spooled(
        &mut self,
        msg: Message,
        sndmore: bool,
        patience: Patience,
    ) -> std::result::Result<(), SendError> {
        let index = self.sending.as_ref().map_or(0, Vec::len);
        let more = self.pattern.continues(index, sndmore);
        if index == 0 {
            let ready = self.replay_spooled(patience).and_then(|()| {
                self.routing.sparse = false;
                self.routing.sndmore = sndmore;
                self.wait_for(patience, Wait::Sleep, |s| {
                    s.spool_room()?;
                    s.pattern.prepare_send(msg.data(), &s.routing)
                })
            });
            if let Err(e) = ready {
                return Err(SendError::new(e, msg));
            }
        }
        let mut frames = self.sending.take().unwrap_or_default();
        frames.push(msg.into_body());
        if more {
            self.sending = Some(frames);
            return Ok(());
        }
        let frames: Vec<Bytes> = frames.into_iter().map(Body::into_bytes).collect();
        // The socket took the message with its first frame: a failure
        // from here on has nothing to hand back.
        let appended = match self.spool_mut() {
            Ok(spool) => spool.append(&frames).map_err(Error::from),
            Err(e) => Err(e),
        };
        appended
            .and_then(|seq| self.route_spooled(seq, frames))
            .map_err(|e| SendError::new(e, Message::new()))
    }

    /// Sends the messages to send again (recovered at open, or lost with a
    /// connection), oldest first.
    fn replay_spooled(&mut self, patience: Patience) -> Result<()> {
        self.process_link_events();
        let pipes = self.pattern.pipes();
        if let Some(spool) = &mut self.spool {
            spool.poll(|id| pipes.slot_of(id).is_some())?;
        }
        self.routing.sparse = false;
        self.routing.sndmore = false;
        while let Some(first) = self
            .spool_mut()?
            .next_replay()
            .and_then(|f| f.first().cloned())
        {
            self.wait_for(patience, Wait::Sleep, |s| {
                s.pattern.prepare_send(&first, &s.routing)
            })?;
            if let Some((seq, frames)) = self.spool_mut()?.take_replay() {
                self.route_spooled(seq, frames)?;
            }
        }
        Ok(())
    }

    /// Routes spooled message `seq` and notes which pipes took it.
    fn route_spooled(&mut self, seq: u64, frames: Vec<Bytes>) -> Result<()> {
        let marks = spool::marks(self.pattern.pipes().iter());
        let kept = frames.clone();
        let sent = match Msg::from_frames(frames) {
            Some(msg) => self.pattern.send(msg, &self.routing),
            None => Ok(()),
        };
        self.send_clock.sent();
        let pipes = self.pattern.pipes();
        if let Some(spool) = &mut self.spool {
            spool.routed(seq, kept, &marks, pipes.iter())?;
        }
        sent
    }

    /// Acknowledges what was written; [`Error::Again`] while the spool is
    /// at its size limit (the pipes wake the socket as they write).
    fn spool_room(&mut self) -> Result<()> {
        let pipes = self.pattern.pipes();
        let Some(spool) = &mut self.spool else {
            return Ok(());
        };
        spool.poll(|id| pipes.slot_of(id).is_some())?;
        if spool.is_full() {
            // Writes may have landed while the wake-up was being asked for.
            spool.poll(|id| pipes.slot_of(id).is_some())?;
            if spool.is_full() {
                return Err(ErrorKind::Again.into());
            }
        }
        Ok(())
    }

    fn spool_mut(&mut self) -> Result<&mut Spool> {
        self.spool.as_deref_mut().ok_or(ErrorKind::Invalid.into())
    }

    fn spool_config(&self) -> LogConfig {
        let size_limit = u64::try_from(self.options.spool_size).ok();
        LogConfig {
            fsync: fsync_policy(self.options.spool_fsync),
            size_limit,
            segment_bytes: size_limit
                .map_or(MAX_SEGMENT, |l| (l / 4).clamp(MIN_SEGMENT, MAX_SEGMENT)),
        }
    }
}

/// The socket types whose sends the spool can follow to a connection.
fn supports_spool(t: SocketType) -> bool {
    matches!(
        t,
        SocketType::Push | SocketType::Dealer | SocketType::Pair | SocketType::Pub
    )
}

/// Segment sizes: a quarter of the size limit, within these bounds.
const MIN_SEGMENT: u64 = 4096;
const MAX_SEGMENT: u64 = 16 << 20;
