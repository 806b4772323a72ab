"""How a run is ended from outside: Ctrl-C interrupts it, SIGTERM asks it to stop."""


class StopRequested(KeyboardInterrupt):
    """A requested stop (SIGTERM from a supervisor or ``timeout``): ends a run like Ctrl-C and
    saves it the same way, but it is no interruption."""
