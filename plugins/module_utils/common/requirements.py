"""The collection's third-party Python libraries: imported guarded, reported once.

Every plugin must load where only Python's standard library and ansible-core exist
(``ansible-doc``, ansible-test's ``import`` sanity test, a controller missing a requirement).
So a ``module_utils`` file imports a third-party library inside ``with requirement(...)``: a
failed import is recorded instead of raised, and the module's ``main()`` reports every missing
library at once with ``missing_required_lib`` through :func:`fail_on_missing_requirements`.
Library code that runs outside a module calls :func:`ensure_available` before it uses one.
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Iterator
from typing import Any

from ansible.module_utils.basic import missing_required_lib

from .errors import AgenticError

INSTALL_HINT = "install the collection's requirements.txt on the controller"
MISSING_REQUIREMENTS: dict[str, str] = {}


@contextlib.contextmanager
def requirement(package: str) -> Iterator[None]:
    """Run the imports of the PyPI ``package``; when they fail, record why instead of raising."""
    try:
        yield
    except ImportError:
        record_missing(package)


def record_missing(package: str) -> None:
    """Record the ``ImportError`` being handled as the reason ``package`` is unavailable."""
    MISSING_REQUIREMENTS.setdefault(package, traceback.format_exc())


class MissingLibraryError(AgenticError, ImportError):
    """A third-party library this operation needs is not installed."""


def ensure_available(package: str) -> None:
    """Raise :class:`MissingLibraryError` naming ``package`` when its guarded import failed."""
    if package in MISSING_REQUIREMENTS:
        raise MissingLibraryError(f"the Python library {package!r} is required; {INSTALL_HINT}")


def fail_on_missing_requirements(module: Any) -> None:
    """``module.fail_json`` naming every library whose guarded import failed, if any did."""
    if MISSING_REQUIREMENTS:
        module.fail_json(
            msg=missing_required_lib(", ".join(sorted(MISSING_REQUIREMENTS))),
            exception="\n".join(MISSING_REQUIREMENTS.values()),
        )
