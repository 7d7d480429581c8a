"""Where the program finds its resources and keeps its user data."""

from __future__ import annotations

import sys
from pathlib import Path

APP_NAME = "RuralCouncil"
PORTABLE_MARKER = "portable.txt"
LEDGER_FILE = "ledger.ruralcouncil"


def program_dir() -> Path:
    """The folder of the frozen executable, or of the package when run from source."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent


def resources_dir() -> Path:
    """Fonts, translations, icons: frozen bundle, installed package, or source checkout."""
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = [Path(bundle) / "resources"] if bundle else []
    here = Path(__file__).resolve().parent
    candidates += [here / "resources", here.parent / "resources"]
    for candidate in candidates:
        if (candidate / "fonts").is_dir():
            return candidate
    raise FileNotFoundError("the program's resources folder is missing")


def is_portable() -> bool:
    return (program_dir() / PORTABLE_MARKER).exists()


def _user_dir(kind: str) -> Path:
    """A platformdirs folder, or the ``data`` folder beside a portable copy; created."""
    if is_portable():
        path = program_dir() / "data"
    else:
        import platformdirs

        finder = platformdirs.user_data_dir if kind == "data" else platformdirs.user_config_dir
        path = Path(finder(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """The user data folder; beside the program when a portable marker is present."""
    return _user_dir("data")


def config_dir() -> Path:
    """Preferences (language, window size): beside the data of a portable copy."""
    return _user_dir("config")


def default_ledger_path() -> Path:
    return data_dir() / LEDGER_FILE


def demo_ledger_path() -> Path:
    return data_dir() / "demo.ruralcouncil"
