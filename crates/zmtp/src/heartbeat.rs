//! ZMTP 3.1 heartbeat timing (RFC 37): when to PING, and when the peer is dead.
//!
//! Clock-free: the connection tells it about traffic, and `now` arrives as an
//! argument.

use std::time::{Duration, Instant};

/// Heartbeat settings (ZMQ_HEARTBEAT_IVL, _TTL, _TIMEOUT).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeartbeatConfig {
    /// Send a PING this often (`None`: never).
    pub interval: Option<Duration>,
    /// TTL announced in our PINGs: how long the peer may wait for our traffic.
    pub ttl: Option<Duration>,
    /// How long to wait for any traffic after a PING (`None`: the interval).
    pub timeout: Option<Duration>,
}

/// Heartbeat state of one connection.
#[derive(Debug)]
pub(crate) struct Heartbeat {
    config: HeartbeatConfig,
    traffic_seen: bool,
    last_rx: Option<Instant>,
    next_ping: Option<Instant>,
    pong_deadline: Option<Instant>,
    peer_ttl: Option<Duration>,
}

impl Heartbeat {
    pub(crate) fn new(config: HeartbeatConfig) -> Heartbeat {
        Heartbeat {
            config,
            traffic_seen: false,
            last_rx: None,
            next_ping: None,
            pong_deadline: None,
            peer_ttl: None,
        }
    }

    /// Any bytes arrived from the peer.
    pub(crate) fn on_traffic(&mut self) {
        self.traffic_seen = true;
    }

    /// The peer sent a PING with this TTL (0 = none).
    pub(crate) fn on_peer_ping(&mut self, ttl_deciseconds: u16) {
        if ttl_deciseconds > 0 {
            self.peer_ttl = Some(Duration::from_millis(u64::from(ttl_deciseconds) * 100));
        }
    }

    /// The TTL to announce in our PINGs, in tenths of a second.
    pub(crate) fn ttl_deciseconds(&self) -> u16 {
        let ms = self.config.ttl.map_or(0, |t| t.as_millis());
        u16::try_from(ms / 100).unwrap_or(u16::MAX)
    }

    /// Advances to `now`. Returns `Ok(true)` when a PING is due, or an error
    /// when the peer has been silent too long.
    pub(crate) fn on_timeout(&mut self, now: Instant) -> Result<bool, ()> {
        if self.traffic_seen || self.last_rx.is_none() {
            self.traffic_seen = false;
            self.last_rx = Some(now);
            self.pong_deadline = None;
        }
        let last_rx = self.last_rx.unwrap_or(now);
        if let Some(deadline) = self.pong_deadline {
            if now >= deadline {
                return Err(());
            }
        }
        if let Some(ttl) = self.peer_ttl {
            if now.saturating_duration_since(last_rx) >= ttl {
                return Err(());
            }
        }
        let Some(interval) = self.config.interval else {
            return Ok(false);
        };
        // An interval too long to add to `now` means a PING is never due.
        let Some(due) = now.checked_add(interval) else {
            return Ok(false);
        };
        let next = *self.next_ping.get_or_insert(due);
        if now < next {
            return Ok(false);
        }
        self.next_ping = Some(due);
        if self.pong_deadline.is_none() {
            self.pong_deadline = now.checked_add(self.config.timeout.unwrap_or(interval));
        }
        Ok(true)
    }

    /// When [`Heartbeat::on_timeout`] should next be called.
    pub(crate) fn next_timeout(&self) -> Option<Instant> {
        let ttl_deadline = match (self.peer_ttl, self.last_rx) {
            (Some(ttl), Some(last)) => last.checked_add(ttl),
            _ => None,
        };
        [self.next_ping, self.pong_deadline, ttl_deadline]
            .into_iter()
            .flatten()
            .min()
    }

    /// Whether any heartbeat timing is active (the caller must then call `on_timeout`).
    pub(crate) fn is_active(&self) -> bool {
        self.config.interval.is_some() || self.peer_ttl.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(ivl: u64, timeout: Option<u64>) -> HeartbeatConfig {
        HeartbeatConfig {
            interval: Some(Duration::from_millis(ivl)),
            ttl: Some(Duration::from_millis(2500)),
            timeout: timeout.map(Duration::from_millis),
        }
    }

    #[test]
    fn pings_every_interval_while_traffic_flows() {
        let t0 = Instant::now();
        let mut hb = Heartbeat::new(config(100, None));
        assert_eq!(hb.ttl_deciseconds(), 25);
        assert_eq!(hb.on_timeout(t0), Ok(false));
        assert_eq!(hb.next_timeout(), Some(t0 + Duration::from_millis(100)));
        for i in 1..10u64 {
            hb.on_traffic();
            assert_eq!(hb.on_timeout(t0 + Duration::from_millis(100 * i)), Ok(true));
        }
    }

    #[test]
    fn silence_after_ping_times_out() {
        let t0 = Instant::now();
        let mut hb = Heartbeat::new(config(100, Some(300)));
        hb.on_timeout(t0).unwrap();
        assert_eq!(hb.on_timeout(t0 + Duration::from_millis(100)), Ok(true));
        assert_eq!(hb.on_timeout(t0 + Duration::from_millis(200)), Ok(true));
        assert_eq!(hb.on_timeout(t0 + Duration::from_millis(400)), Err(()));
    }

    /// Found by the handshake fuzz target: `Instant + Duration::MAX` panicked.
    #[test]
    fn huge_durations_never_fire_and_never_panic() {
        let t0 = Instant::now();
        let mut hb = Heartbeat::new(HeartbeatConfig {
            interval: Some(Duration::MAX),
            ttl: Some(Duration::MAX),
            timeout: Some(Duration::MAX),
        });
        assert_eq!(hb.ttl_deciseconds(), u16::MAX);
        assert_eq!(hb.on_timeout(t0), Ok(false));
        assert_eq!(hb.next_timeout(), None);
        let mut hb = Heartbeat::new(HeartbeatConfig {
            interval: Some(Duration::from_millis(10)),
            ttl: None,
            timeout: Some(Duration::MAX),
        });
        hb.on_timeout(t0).unwrap();
        assert_eq!(hb.on_timeout(t0 + Duration::from_millis(10)), Ok(true));
        assert_eq!(hb.on_timeout(t0 + Duration::from_secs(3600)), Ok(true));
    }

    #[test]
    fn peer_ttl_applies_without_own_interval() {
        let t0 = Instant::now();
        let mut hb = Heartbeat::new(HeartbeatConfig::default());
        assert!(!hb.is_active());
        hb.on_peer_ping(10);
        assert!(hb.is_active());
        hb.on_timeout(t0).unwrap();
        hb.on_traffic();
        assert_eq!(hb.on_timeout(t0 + Duration::from_millis(900)), Ok(false));
        assert_eq!(hb.on_timeout(t0 + Duration::from_millis(1800)), Ok(false));
        assert_eq!(hb.on_timeout(t0 + Duration::from_millis(1900)), Err(()));
    }
}
