"""pyzmq's ``zmq.devices.monitoredqueuedevice``: the monitored-queue device
classes (they live in ``monitoredqueue`` here)."""

from .monitoredqueue import (
    MonitoredQueue,
    MonitoredQueueBase,
    ProcessMonitoredQueue,
    ThreadMonitoredQueue,
)

__all__ = ["MonitoredQueue", "MonitoredQueueBase", "ThreadMonitoredQueue", "ProcessMonitoredQueue"]
