"""How a handler reaches the app's `Runtime`: kept on `app.state` by `create_app`."""

from __future__ import annotations

from litestar.datastructures import State

from service.runtime import Runtime

STATE_KEY = "runtime"


def runtime_of(state: State) -> Runtime:
    runtime: Runtime = state[STATE_KEY]
    return runtime
