"""How a handler reaches the app's `Runtime` and its `Monitor`: kept on `app.state` by
`create_app`."""

from __future__ import annotations

from litestar.datastructures import State

from service.monitoring.monitor import Monitor
from service.runtime import Runtime

STATE_KEY = "runtime"
MONITOR_KEY = "monitor"


def runtime_of(state: State) -> Runtime:
    runtime: Runtime = state[STATE_KEY]
    return runtime


def monitor_of(state: State) -> Monitor:
    monitor: Monitor = state[MONITOR_KEY]
    return monitor
