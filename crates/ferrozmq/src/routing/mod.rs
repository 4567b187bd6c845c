//! Reusable routing strategies that socket patterns are built from.

mod fair_queue;
mod load_balance;
pub(crate) mod routing_table;
mod subscriptions;

pub(crate) use fair_queue::FairQueue;
pub(crate) use load_balance::LoadBalancer;
pub(crate) use routing_table::RoutingTable;
pub(crate) use subscriptions::Subscriptions;
