"""Background devices, as pyzmq's ``zmq.devices``: a proxy between two
sockets running in a thread or a process, configured before ``start()``."""

from .basedevice import Device, ProcessDevice, ThreadDevice
from . import monitoredqueue as monitoredqueue
from . import monitoredqueuedevice as monitoredqueuedevice
from .monitoredqueue import (
    MonitoredQueue,
    ProcessMonitoredQueue,
    ThreadMonitoredQueue,
    monitored_queue,
)
from .proxydevice import (
    ProcessProxy,
    ProcessProxySteerable,
    Proxy,
    ProxySteerable,
    ThreadProxy,
    ThreadProxySteerable,
)

__all__ = [
    "monitored_queue",
    "MonitoredQueue",
    "ThreadMonitoredQueue",
    "ProcessMonitoredQueue",
    "Device",
    "ThreadDevice",
    "ProcessDevice",
    "Proxy",
    "ThreadProxy",
    "ProcessProxy",
    "ProxySteerable",
    "ThreadProxySteerable",
    "ProcessProxySteerable",
]
