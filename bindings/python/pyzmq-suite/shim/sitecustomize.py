"""Make ``import zmq`` (and every ``zmq.*``) give ferrozmq's modules.

Put this directory first on PYTHONPATH: Python imports ``sitecustomize`` at
start-up, and ferrozmq's own alias (``ferrozmq.as_zmq``, see its docs) then
answers for ``zmq`` and ``zmq.x.y`` ahead of any installed pyzmq.
"""

import ferrozmq.as_zmq

ferrozmq.as_zmq.install()
