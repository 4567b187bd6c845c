//! Socket types as named on the wire, and which may talk to which.

use std::fmt;
use std::str::FromStr;

/// Declares [`SocketType`] once: each type with libzmq's number and the
/// name sent on the wire.
macro_rules! socket_types {
    ($( $(#[doc = $doc:literal])* $v:ident = $n:literal, $name:literal; )*) => {
        /// A ZeroMQ socket type, as announced in the READY command's `Socket-Type`.
        ///
        /// The numeric values are libzmq's (`ZMQ_PAIR` = 0 … `ZMQ_STREAM` = 11), which
        /// ZMTP 2.0 also sends in its greeting.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum SocketType {
            $( $(#[doc = $doc])* $v, )*
        }

        impl SocketType {
            /// Every socket type, in libzmq's numeric order.
            pub const ALL: [SocketType; [$($n),*].len()] = [ $( SocketType::$v, )* ];

            /// The name sent in `Socket-Type` metadata (upper case, as libzmq sends it).
            pub fn name(self) -> &'static str {
                match self {
                    $( SocketType::$v => $name, )*
                }
            }

            /// libzmq's numeric value (`ZMQ_PAIR` = 0 …).
            pub fn number(self) -> u8 {
                match self {
                    $( SocketType::$v => $n, )*
                }
            }

            /// The socket type with libzmq's numeric value `n`, if there is one.
            pub fn from_number(n: u8) -> Option<SocketType> {
                match n {
                    $( $n => Some(SocketType::$v), )*
                    _ => None,
                }
            }
        }
    };
}

socket_types! {
    /// Exclusive pair.
    Pair = 0, "PAIR";
    /// Publisher.
    Pub = 1, "PUB";
    /// Subscriber.
    Sub = 2, "SUB";
    /// Requester.
    Req = 3, "REQ";
    /// Replier.
    Rep = 4, "REP";
    /// Asynchronous requester.
    Dealer = 5, "DEALER";
    /// Asynchronous replier with routing ids.
    Router = 6, "ROUTER";
    /// Pipeline receiver.
    Pull = 7, "PULL";
    /// Pipeline sender.
    Push = 8, "PUSH";
    /// Publisher that sees subscriptions.
    XPub = 9, "XPUB";
    /// Subscriber that sends subscriptions as messages.
    XSub = 10, "XSUB";
    /// Raw TCP (never on ZMTP).
    Stream = 11, "STREAM";
}

impl SocketType {
    /// Whether a peer of type `peer` may talk to us (RFC 23's table).
    pub fn is_compatible_with(self, peer: SocketType) -> bool {
        use SocketType::*;
        matches!(
            (self, peer),
            (Pair, Pair)
                | (Pub, Sub | XSub)
                | (XPub, Sub | XSub)
                | (Sub | XSub, Pub | XPub)
                | (Req, Rep | Router)
                | (Rep, Req | Dealer)
                | (Dealer, Rep | Dealer | Router)
                | (Router, Req | Dealer | Router)
                | (Pull, Push)
                | (Push, Pull)
        )
    }

    /// Whether libzmq sends the `Identity` property for this type.
    pub fn sends_identity(self) -> bool {
        matches!(
            self,
            SocketType::Req | SocketType::Dealer | SocketType::Router
        )
    }
}

impl fmt::Display for SocketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name is not a known socket type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSocketType;

impl FromStr for SocketType {
    type Err = UnknownSocketType;

    /// Parses a `Socket-Type` value; case-insensitive, as peers vary.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SocketType::ALL
            .iter()
            .copied()
            .find(|t| t.name().eq_ignore_ascii_case(s))
            .ok_or(UnknownSocketType)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_numbers_match_libzmq() {
        for t in SocketType::ALL {
            assert_eq!(t.name().parse::<SocketType>(), Ok(t));
            assert_eq!(SocketType::from_number(t.number()), Some(t));
        }
        assert_eq!("dealer".parse::<SocketType>(), Ok(SocketType::Dealer));
        assert_eq!(SocketType::Push.number(), 8);
        assert!("CLIENT".parse::<SocketType>().is_err());
    }

    #[test]
    fn compatibility_is_symmetric() {
        for a in SocketType::ALL {
            for b in SocketType::ALL {
                assert_eq!(a.is_compatible_with(b), b.is_compatible_with(a), "{a} {b}");
            }
        }
        assert!(SocketType::Req.is_compatible_with(SocketType::Router));
        assert!(!SocketType::Req.is_compatible_with(SocketType::Req));
        assert!(!SocketType::Push.is_compatible_with(SocketType::Push));
    }
}
