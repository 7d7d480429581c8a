"""The build compiles the message catalogues (resources/translations/<lang>.po) into the .mo
files the program reads (Babel's compile step); everything else is in pyproject.toml."""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        # Compiled beside the .po, so an editable install reads them from the source tree too.
        sys.path.insert(0, str(HERE))
        try:
            from ruralcouncil.i18n import compile_catalogue

            for po in sorted((HERE / "resources" / "translations").glob("*.po")):
                compile_catalogue(po.stem)
        finally:
            sys.path.remove(str(HERE))
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
