//! Reusable routing strategies that socket patterns are built from. Each
//! indexes into the socket's one registry of pipes, [`Pipes`].

mod drops;
mod fair_queue;
mod load_balance;
mod origin;
mod pipe_map;
mod pipes;
mod routing_table;
mod subscriptions;

pub(crate) use drops::Drops;
pub(crate) use fair_queue::FairQueue;
pub(crate) use load_balance::LoadBalancer;
pub(crate) use origin::Origin;
pub(crate) use pipe_map::PipeMap;
pub(crate) use pipes::{Pipes, Slot};
pub(crate) use routing_table::{Admission, RoutingTable};
pub(crate) use subscriptions::Subscriptions;

/// `i` modulo `n` for an `i` below `2 n` (a turn moving on by one), without
/// the division `%` costs on every message.
#[inline]
fn wrap(i: usize, n: usize) -> usize {
    if i >= n {
        i - n
    } else {
        i
    }
}
