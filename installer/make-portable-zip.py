"""Zip the one-folder build as a portable copy, for a USB stick.

    python installer/make-portable-zip.py [dist/ruralcouncil] [--out FILE.zip]

The zip holds one folder, RuralCouncil/, with the program and a ``portable.txt`` marker
beside the executable: the program then keeps its ledger, backups and settings in
RuralCouncil/data/ instead of the user data folder (see ruralcouncil/paths.py).
"""

from __future__ import annotations

import argparse
import platform
import re
import stat
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = "RuralCouncil"
MARKER = "portable.txt"  # must match ruralcouncil.paths.PORTABLE_MARKER
MARKER_TEXT = """\
RuralCouncil, portable copy.

Because this file is here, the program keeps the ledger, its backups and its settings in the
"data" folder beside it, not in this computer's user folder. Keep the whole folder together.
Delete this file to make the program use the computer's user folder instead.
"""


def version() -> str:
    text = (ROOT / "ruralcouncil" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'__version__ = "([^"]+)"', text)
    return match.group(1) if match else "0"


def default_name() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")
    return f"RuralCouncil-{version()}-portable-{system}-{platform.machine().lower()}.zip"


def make_zip(build: Path, out: Path) -> Path:
    if not build.is_dir() or not any(build.glob("ruralcouncil*")):
        raise SystemExit(f"no one-folder build at {build}: run pyinstaller first")
    if (build / MARKER).exists() or (build / "data").exists():
        raise SystemExit(f"{build} has been used as a portable copy; build it afresh")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(build.rglob("*")):
            if path.is_dir() and not path.is_symlink():
                continue
            arcname = f"{TOP}/{path.relative_to(build).as_posix()}"
            if path.is_symlink():
                # PyInstaller links libraries on Linux; unzip recreates a link stored this way.
                link = zipfile.ZipInfo(arcname, date_time=(2025, 1, 1, 0, 0, 0))
                link.external_attr = (0o777 | stat.S_IFLNK) << 16
                zf.writestr(link, str(path.readlink()))
                continue
            info = zipfile.ZipInfo.from_file(path, arcname)
            info.compress_type = zipfile.ZIP_DEFLATED
            # Keep the executable bits so the Linux program runs straight from the zip.
            info.external_attr = (stat.S_IMODE(path.stat().st_mode) | stat.S_IFREG) << 16
            with path.open("rb") as fh:
                zf.writestr(info, fh.read())
        marker = zipfile.ZipInfo(f"{TOP}/{MARKER}", date_time=(2025, 1, 1, 0, 0, 0))
        marker.external_attr = (0o644 | stat.S_IFREG) << 16
        zf.writestr(marker, MARKER_TEXT.replace("\n", "\r\n"))
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", nargs="?", default=str(ROOT / "dist" / "ruralcouncil"))
    parser.add_argument("--out", help="the zip to write (default: dist/<versioned name>)")
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else ROOT / "dist" / default_name()
    path = make_zip(Path(args.build), out)
    print(f"{path} ({path.stat().st_size // (1024 * 1024)} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
