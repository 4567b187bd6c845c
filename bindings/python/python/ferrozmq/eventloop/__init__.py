"""pyzmq's ``zmq.eventloop``: tornado integration (needs tornado 5+).

``zmqstream.ZMQStream`` runs callbacks for a socket's messages on a tornado
IOLoop; ``future`` has sockets whose calls return futures (with tornado 5+
those are asyncio's: ``future`` is ``ferrozmq.asyncio`` under pyzmq's names);
``ioloop`` is kept for old code (it is tornado's IOLoop).
"""
