"""HTTP plumbing shared by every room of the server."""

from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]  # what each middleware wraps and is
