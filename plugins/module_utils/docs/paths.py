"""Where the documentation templates live: ``templates/docs/`` at the collection root.

Only the standard library is imported here, so the controller-side action plugin can resolve
the folder without the module's dependencies.
"""

from __future__ import annotations

from pathlib import Path

COLLECTION_ROOT = Path(__file__).resolve().parents[3]
"""``plugins/module_utils/docs/paths.py`` -> the collection root (a checkout or an install)."""

TEMPLATES_DIR = COLLECTION_ROOT / "templates" / "docs"
