"""Helpers, as in pyzmq: ``jsonapi``, ``z85``, ``monitor``."""
