//! Typed accessors the table cannot generate (the rest come from table.rs).

use crate::socket::Socket;

impl Socket {
    /// ZMQ_ROUTING_ID as read back: the id set with
    /// [`set_routing_id`](Socket::set_routing_id) (empty if none), or for
    /// STREAM the id it generated for its latest peer, as libzmq reports.
    pub fn routing_id(&self) -> Vec<u8> {
        match self.pattern.chosen_routing_id() {
            Some(id) => id.to_vec(),
            None => self.options.routing_id.to_vec(),
        }
    }
}
