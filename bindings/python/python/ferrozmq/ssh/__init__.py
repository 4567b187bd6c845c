"""pyzmq's ``zmq.ssh``: ZeroMQ connections through SSH tunnels (``tunnel``)."""

from .tunnel import open_tunnel, openssh_tunnel, select_random_ports, tunnel_connection

__all__ = ["open_tunnel", "openssh_tunnel", "select_random_ports", "tunnel_connection"]
