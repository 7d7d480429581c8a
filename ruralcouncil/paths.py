"""Where the program finds its resources and keeps its user data."""

from __future__ import annotations

import contextlib
import os
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


def can_write(folder: Path) -> bool:
    """Whether a file can be made in ``folder``, tried for real: permission bits and
    ``os.access`` do not see a write-protected USB stick or a CD."""
    probe = folder / f".ruralcouncil-write-test-{os.getpid()}"
    try:
        probe.open("xb").close()
    except FileExistsError:
        return True
    except OSError:
        return False
    with contextlib.suppress(OSError):
        probe.unlink()
    return True


def portable_on_read_only_medium() -> bool:
    """A portable copy whose folder cannot be written: its ledger could not be saved."""
    if not is_portable():
        return False
    data = program_dir() / "data"
    return not can_write(data if data.is_dir() else program_dir())


def _user_dir(kind: str) -> Path:
    """A platformdirs folder, or the ``data`` folder beside a portable copy; created when it
    can be (a portable copy on a read-only medium still reads what its folder holds)."""
    if is_portable():
        path = program_dir() / "data"
        with contextlib.suppress(OSError):
            path.mkdir(parents=True, exist_ok=True)
        return path
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
