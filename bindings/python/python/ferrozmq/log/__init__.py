"""pyzmq's ``zmq.log``: logging over PUB sockets (see ``handlers``)."""
