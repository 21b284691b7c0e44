"""Build hook: compile every message catalog into the wheel, so ``.mo`` files are never
committed and can never be stale.

It loads :mod:`kiosk.catalogs` by file path (the same function a source checkout uses at
run time), so the build needs only Babel, not kiosk's other dependencies.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

DOMAIN = "kiosk"


class CatalogBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return  # an editable install runs from the checkout, which compiles in memory
        root = Path(self.root)
        spec = importlib.util.spec_from_file_location(
            "_kiosk_catalogs", root / "kiosk" / "catalogs.py"
        )
        assert spec is not None and spec.loader is not None
        catalogs = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(catalogs)
        self._out = tempfile.TemporaryDirectory(prefix="kiosk-catalogs-")
        locale_dir = root / "kiosk" / "locale"
        for po_path in catalogs.po_files(locale_dir, DOMAIN):
            relative = po_path.relative_to(root).with_suffix(".mo")
            target = Path(self._out.name) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(catalogs.compile_po(po_path))
            build_data["force_include"][str(target)] = relative.as_posix()

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        out = getattr(self, "_out", None)
        if out is not None:
            out.cleanup()
