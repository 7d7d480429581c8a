"""Check a built or installed RuralCouncil's command line, beyond the smoke test.

    python installer/check_frozen.py                      # dist/ruralcouncil/ruralcouncil[.exe]
    python installer/check_frozen.py dist/ruralcouncil     # a one-folder build
    python installer/check_frozen.py /opt/ruralcouncil/ruralcouncil
    python installer/check_frozen.py ruralcouncil          # whatever is on PATH (pip, .deb)

In a new temporary folder it runs the program's commands that load the bundle's heavier
parts (sqlite, cryptography, reportlab and its fonts, Babel, openpyxl, zip/csv/json):
``--help`` in Kazakh and Russian, ``init``, ``demo``, ``summary --json``, ``verify``, the
PDF reports (summary, transparency, poster, budget execution, annual return), ``export
xlsx``, ``export csv``, ``export fdp``, ``backup`` and ``restore``. Each must exit 0 and
write what it promises (a PDF starting with ``%PDF``, an XLSX that is a zip with a
workbook, CSV files, valid JSON...). A failure prints one ``FAILED:`` line with the command
and the reason (and the end of the program's error output); the script exits 1 when
anything failed, 0 otherwise. The temporary folder is removed unless ``--keep``.
The smoke test (installer/smoke_test.py) covers the window and Qt.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 300
DEMO_PASSWORD = "demo-village-2025"  # ruralcouncil.ledger.demo.DEMO_PASSWORD
EXE = "ruralcouncil.exe" if sys.platform == "win32" else "ruralcouncil"
Check = Callable[[Any], "str | None"]  # of the path written, or of the standard output


def resolve(program: str | None) -> Path:
    if program is None:
        return ROOT / "dist" / "ruralcouncil" / EXE
    path = Path(program)
    if path.is_dir():
        path = path / EXE
    if path.exists():
        return path.resolve()
    found = shutil.which(program)
    if found:
        return Path(found)
    raise SystemExit(f"check_frozen: no program at {program}")


def is_pdf(path: Path) -> str | None:
    if not path.is_file():
        return f"{path.name} was not written"
    if not path.read_bytes().startswith(b"%PDF"):
        return f"{path.name} is not a PDF"
    return None


def is_xlsx(path: Path) -> str | None:
    if not path.is_file():
        return f"{path.name} was not written"
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        return f"{path.name} is not a zip (XLSX) file"
    if "xl/workbook.xml" not in names:
        return f"{path.name} has no xl/workbook.xml"
    return None


def has_files(pattern: str) -> Callable[[Path], str | None]:
    def check(path: Path) -> str | None:
        if not path.is_dir():
            return f"{path.name}/ was not created"
        if not any(path.rglob(pattern)):
            return f"{path.name}/ holds no {pattern}"
        return None

    return check


def exists(path: Path) -> str | None:
    if not path.exists():
        return f"{path.name} was not written"
    if path.is_file() and path.stat().st_size == 0:
        return f"{path.name} is empty"
    return None


def json_out(stdout: str) -> str | None:
    try:
        json.loads(stdout)
    except ValueError as exc:
        return f"the output is not JSON ({exc})"
    return None


def has_letters(letters: str, language: str) -> Callable[[str], str | None]:
    def check(stdout: str) -> str | None:
        if not any(letter in stdout for letter in letters):
            return f"the help is not in {language} (no {letters} in it): translations missing?"
        return None

    return check


def commands(year: int) -> list[tuple[list[str], str | None, Check | None]]:
    """(arguments, the file or folder written, a check of it or of the standard output)."""
    this, last = year, year - 1
    table: list[tuple[str, str | None, Check | None]] = [
        # The compiled translations (.mo) are bundled and read.
        ("--lang kk --help", None, has_letters("қғұүәі", "Kazakh")),
        ("--lang ru --help", None, has_letters("ыэщъ", "Russian")),
        ("--db new.rc init --village Check --admin admin", "new.rc", exists),
        ("--db demo.rc demo", "demo.rc", exists),
        (f"--db demo.rc summary --year {this} --json", None, json_out),
        ("--db demo.rc verify", None, None),
        ("--db demo.rc verify --json", None, json_out),
        (f"--db demo.rc report summary --year {this} -o summary.pdf", "summary.pdf", is_pdf),
        (f"--db demo.rc report transparency --year {this} -o t.pdf", "t.pdf", is_pdf),
        (
            f"--db demo.rc report transparency --year {this} --lang ru --alongside en -o tr.pdf",
            "tr.pdf",
            is_pdf,
        ),
        (f"--db demo.rc report poster --year {this} -o poster.pdf", "poster.pdf", is_pdf),
        (f"--db demo.rc report budget-execution --year {this} -o b.pdf", "b.pdf", is_pdf),
        (f"--db demo.rc report annual-return --year {last} -o return.pdf", "return.pdf", is_pdf),
        (f"--db demo.rc export xlsx --year {this} -o x.xlsx --user admin", "x.xlsx", is_xlsx),
        (f"--db demo.rc export csv --year {this} -o csv --user admin", "csv", has_files("*.csv")),
        (f"--db demo.rc export fdp --year {this} -o fdp --user admin", "fdp", has_files("*.json")),
        ("--db demo.rc backup backup.rc", "backup.rc", exists),
        ("--db restored.rc restore --user admin backup.rc", "restored.rc", exists),
        ("--db restored.rc verify", None, None),
    ]
    return [(line.split(), output, check) for line, output, check in table]


def run_all(program: Path, folder: Path) -> list[str]:
    env = dict(os.environ)
    env["RURALCOUNCIL_PASSWORD"] = DEMO_PASSWORD
    env.pop("RURALCOUNCIL_NEW_PASSWORD", None)
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    failures = []
    for args, output, check in commands(date.today().year):
        argv = [str(program), "--lang", "en", *args]
        shown = "ruralcouncil " + " ".join(args)
        started = time.monotonic()
        try:
            done = subprocess.run(
                argv,
                cwd=folder,
                env=env,
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                timeout=TIMEOUT_SECONDS,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except subprocess.TimeoutExpired:
            failures.append(f"{shown}: did not finish in {TIMEOUT_SECONDS} s")
            continue
        except OSError as exc:
            failures.append(f"{shown}: could not be started: {exc}")
            continue
        problem = None
        if done.returncode != 0:
            problem = f"exit status {done.returncode}, expected 0"
        elif check is not None:
            problem = check(folder / output) if output else check(done.stdout)
        took = time.monotonic() - started
        if problem:
            error = done.stderr.strip().splitlines()[-15:]
            detail = ("\n    " + "\n    ".join(error)) if error else ""
            failures.append(f"{shown}: {problem}{detail}")
            print(f"  fail  {took:5.1f} s  {shown}")
        else:
            print(f"  ok    {took:5.1f} s  {shown}")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", nargs="?", help="the program, or its one-folder build")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    program = resolve(args.program)
    folder = Path(tempfile.mkdtemp(prefix="ruralcouncil-check-"))
    print(f"check_frozen: {program} in {folder}")
    try:
        failures = run_all(program, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    for failure in failures:
        print(f"FAILED: {failure}", file=sys.stderr)
    if not failures:
        print("all commands passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
