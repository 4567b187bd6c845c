//! How much a read takes right after a large body was read into a buffer
//! of its own: little (the next frame's header and the start of its
//! body), so that a large body after it is copied little out of the read
//! buffer before the rest of it is read straight into its own buffer.

/// After such a body, the next read that finds bytes takes at most this
/// much (and the read that ends the body reads this much past it).
pub(super) const AFTER_BODY_READ: usize = 4 * 1024;

/// Remembers that a large body was just completed until a read finds the
/// next bytes.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct AfterBody {
    pending: bool,
}

impl AfterBody {
    /// The most the next read may take.
    pub(super) fn limit(&self) -> usize {
        if self.pending {
            AFTER_BODY_READ
        } else {
            usize::MAX
        }
    }

    /// A large body was completed: the next bytes are the next frame's.
    pub(super) fn body_done(&mut self) {
        self.pending = true;
    }

    /// A read returned `n` bytes. One that found nothing yet (the socket
    /// drained at the end of the body, the usual case in request/reply,
    /// where the next message comes only after the answer) keeps the
    /// small read for the one that does: clearing it there had the next
    /// 1 MiB request's first read take 64 KiB into the read buffer, to be
    /// copied into the body's buffer.
    pub(super) fn read(&mut self, n: usize) {
        if n > 0 {
            self.pending = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_small_read_waits_for_the_next_bytes() {
        let mut after = AfterBody::default();
        assert_eq!(after.limit(), usize::MAX);
        after.body_done();
        assert_eq!(after.limit(), AFTER_BODY_READ);
        // Drained (EAGAIN) or interrupted: still the next frame's start.
        after.read(0);
        assert_eq!(after.limit(), AFTER_BODY_READ);
        after.read(11);
        assert_eq!(after.limit(), usize::MAX);
    }
}
