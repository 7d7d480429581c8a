"""Check that a built or installed RuralCouncil starts: ``ruralcouncil --smoke-test``.

    python installer/smoke_test.py                      # dist/ruralcouncil/ruralcouncil[.exe]
    python installer/smoke_test.py /opt/ruralcouncil/ruralcouncil
    python installer/smoke_test.py ruralcouncil         # whatever is on PATH (pip, .deb)

The program builds a temporary ledger, opens its main window (offscreen when there is no
display), renders a summary PDF and prints the PDF's path. This script checks the exit status,
that the printed path exists and that the file is a PDF. Exit status 0 when all is well.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 300  # an old PC unpacking a cold one-folder build is slow the first time


def default_program() -> Path:
    name = "ruralcouncil.exe" if sys.platform == "win32" else "ruralcouncil"
    return ROOT / "dist" / "ruralcouncil" / name


def resolve(program: str | None) -> Path:
    if program is None:
        return default_program()
    path = Path(program)
    if path.is_dir():
        path = path / ("ruralcouncil.exe" if sys.platform == "win32" else "ruralcouncil")
    if path.exists():
        return path
    found = shutil.which(program)
    if found:
        return Path(found)
    raise SystemExit(f"smoke test: no program at {program}")


def smoke_test(program: Path) -> list[str]:
    """Run the program's smoke test; returns the problems found (empty when it passed)."""
    env = dict(os.environ)
    if sys.platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        done = subprocess.run(
            [str(program), "--smoke-test"],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=TIMEOUT_SECONDS,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return [f"{program} --smoke-test did not finish in {TIMEOUT_SECONDS} s"]
    except OSError as exc:
        return [f"{program} could not be started: {exc}"]
    problems = []
    if done.returncode != 0:
        problems.append(f"exit status {done.returncode}, expected 0")
    lines = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    if not lines:
        problems.append("no PDF path was printed")
    else:
        pdf = Path(lines[-1])
        if not pdf.is_file():
            problems.append(f"the printed PDF path does not exist: {pdf}")
        elif not pdf.read_bytes().startswith(b"%PDF"):
            problems.append(f"the printed file is not a PDF: {pdf}")
        else:
            print(f"PDF: {pdf} ({pdf.stat().st_size} bytes)")
    if problems and done.stderr.strip():
        problems.append("standard error:\n" + done.stderr.strip())
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    program = resolve(args[0] if args else None)
    print(f"smoke test: {program} --smoke-test")
    problems = smoke_test(program)
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    if not problems:
        print("smoke test passed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
