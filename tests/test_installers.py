"""The installers' scripts, checked without a frozen build: the Windows installer compiles
with NSIS (warnings as errors) against a payload laid out like the Windows build, in Kazakh,
Russian and English. `.ci/run` installs Debian's nsis so this runs in CI."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"

needs_makensis = pytest.mark.skipif(
    shutil.which("makensis") is None, reason="makensis (Debian: nsis) is not installed"
)


def _compile(installer: Path, setup: Path) -> subprocess.CompletedProcess[str]:
    """compile-nsis.sh with its fake payload (a temporary folder under ``setup``'s)."""
    return subprocess.run(
        ["bash", str(installer / "compile-nsis.sh"), "", str(setup)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", "TMPDIR": str(setup.parent)},
        check=False,
    )


@needs_makensis
def test_windows_installer_compiles_without_a_warning(tmp_path: Path) -> None:
    setup = tmp_path / "RuralCouncil-test-setup.exe"
    done = _compile(INSTALLER, setup)
    assert done.returncode == 0, done.stderr
    assert setup.read_bytes()[:2] == b"MZ"
    assert "Kazakh-, Russian- and English-only installers compile" in done.stdout + done.stderr


@needs_makensis
def test_a_missing_kazakh_string_fails_the_compile(tmp_path: Path) -> None:
    # The check that guards the Kazakh texts must be able to fail: a copy of the installer
    # folder with one Modern UI string taken out of Kazakh.nsh.
    copy = tmp_path / "repo"
    shutil.copytree(INSTALLER, copy / "installer")
    (copy / "ruralcouncil").mkdir()
    shutil.copy(ROOT / "ruralcouncil" / "__init__.py", copy / "ruralcouncil" / "__init__.py")
    if (ROOT / "resources" / "icons").is_dir():
        shutil.copytree(ROOT / "resources" / "icons", copy / "resources" / "icons")
    nsh = copy / "installer" / "nsis" / "Kazakh.nsh"
    lines = nsh.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    strings = [i for i, line in enumerate(lines) if "LangFileString} MUI_TEXT_FINISH_TITLE" in line]
    assert strings, "the Kazakh file has no finish-page title"
    del lines[strings[0]]
    nsh.write_text("\ufeff" + "".join(lines), encoding="utf-8")
    setup = tmp_path / "RuralCouncil-test-setup.exe"
    done = _compile(copy / "installer", setup)
    assert done.returncode != 0
    assert "MUI_TEXT_FINISH_TITLE" in done.stderr
    assert not setup.exists()


needs_dpkg = pytest.mark.skipif(
    shutil.which("dpkg-deb") is None or shutil.which("objdump") is None,
    reason="dpkg-deb and objdump (binutils) are Debian's",
)


def _fake_linux_build(folder: Path) -> Path:
    """A folder laid out like the Linux one-folder build, with a real ELF program."""
    build = folder / "ruralcouncil"
    (build / "_internal" / "resources").mkdir(parents=True)
    shutil.copy("/bin/true", build / "ruralcouncil")
    (build / "_internal" / "resources" / "note.txt").write_text("fake", encoding="utf-8")
    return build


def _build_deb(build: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(INSTALLER / "build-deb.sh"), str(build), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@needs_dpkg
def test_debian_package_installs_the_program_and_never_touches_user_data(tmp_path: Path) -> None:
    import ruralcouncil

    done = _build_deb(_fake_linux_build(tmp_path), tmp_path / "out")
    assert done.returncode == 0, done.stderr
    [deb] = (tmp_path / "out").glob("ruralcouncil_*.deb")
    assert deb.name.startswith(f"ruralcouncil_{ruralcouncil.__version__}_")
    info = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True).stdout
    assert "Package: ruralcouncil" in info
    assert f"Version: {ruralcouncil.__version__}" in info
    assert "Depends: libc6 (>= " in info  # worked out from the ELF file's glibc symbols
    # No maintainer scripts: removing or purging the package can delete nothing of a user's.
    control = subprocess.run(
        ["dpkg-deb", "--ctrl-tarfile", str(deb)], capture_output=True, check=True
    ).stdout
    members = subprocess.run(
        ["tar", "-t"], input=control, capture_output=True, check=True
    ).stdout.decode()
    scripts = {"preinst", "postinst", "prerm", "postrm", "config"}
    assert not {Path(m).name for m in members.split()} & scripts
    files = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True).stdout
    assert "./opt/ruralcouncil/ruralcouncil" in files
    assert "./usr/bin/ruralcouncil -> /opt/ruralcouncil/ruralcouncil" in files
    assert "./usr/share/icons/hicolor/16x16/apps/ruralcouncil.png" in files
    assert "./usr/share/icons/hicolor/256x256/apps/ruralcouncil.png" in files
    paths = [line.split()[5] for line in files.splitlines()]
    assert not [p for p in paths if p.startswith(("./home", "./root", "./var/lib/ruralcouncil"))]
    unpacked = tmp_path / "unpacked"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(unpacked)], check=True)
    entry = (unpacked / "usr/share/applications/ruralcouncil.desktop").read_text("utf-8")
    assert "Exec=/opt/ruralcouncil/ruralcouncil" in entry
    assert "Icon=ruralcouncil" in entry
    assert "Name[kk]=" in entry and "Name[ru]=" in entry


@needs_dpkg
def test_debian_package_refuses_a_build_used_as_a_portable_copy(tmp_path: Path) -> None:
    build = _fake_linux_build(tmp_path)
    (build / "data").mkdir()
    (build / "data" / "ledger.ruralcouncil").write_bytes(b"someone's ledger")
    done = _build_deb(build, tmp_path / "out")
    assert done.returncode == 2
    assert "portable copy" in done.stderr
    assert not list(tmp_path.rglob("*.deb"))
