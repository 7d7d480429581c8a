"""The Windows version resource of ruralcouncil.exe: what Explorer shows under Properties →
Details (description, company, version, copyright) and Windows' security prompts name.

installer/ruralcouncil.spec writes one file per executable into PyInstaller's build folder
and passes it as the EXE's ``version=``; only on Windows. The file is the text form PyInstaller
reads back with ``eval()`` (``PyInstaller.utils.win32.versioninfo.VSVersionInfo``): every text
goes in through ``repr()``, so quotes or non-ASCII letters cannot break it.

    python3 installer/windows_version.py out.txt   # look at one, with the program's version
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

COMPANY = "RuralCouncil project"
DESCRIPTION = "RuralCouncil — village council budget ledger"
PRODUCT = "RuralCouncil"
COPYRIGHT = "GPL-3.0-or-later"
LANGUAGE = 0x0409  # U.S. English, the language of the texts above
CODEPAGE = 1200  # Unicode (UTF-16), as Windows' resource compiler writes it


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """The four numbers (0-65535) Windows keeps: 0.1.0 -> (0, 1, 0, 0), 1.2rc1 -> (1, 2, 0, 0)."""
    # The numbers of a pre-release suffix (rc1, .dev3) are not part of the release number.
    release = re.match(r"\d+(?:\.\d+)*", version)
    if release is None:
        raise ValueError(f"not a version number: {version!r}")
    numbers = [int(part) for part in release.group().split(".")][:4]
    padded = [min(n, 0xFFFF) for n in numbers] + [0] * (4 - len(numbers))
    return (padded[0], padded[1], padded[2], padded[3])


def version_info_text(version: str, original_filename: str = "ruralcouncil.exe") -> str:
    """The VSVersionInfo(...) text for PyInstaller's ``EXE(version=...)``."""
    numbers = version_tuple(version)
    strings = [
        ("CompanyName", COMPANY),
        ("FileDescription", DESCRIPTION),
        ("FileVersion", version),
        ("InternalName", Path(original_filename).stem),
        ("LegalCopyright", COPYRIGHT),
        ("OriginalFilename", original_filename),
        ("ProductName", PRODUCT),
        ("ProductVersion", version),
    ]
    table = ",\n".join(f"          StringStruct({key!r}, {value!r})" for key, value in strings)
    return f"""# UTF-8
# Written by installer/windows_version.py for PyInstaller; not edited by hand.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers!r},
    prodvers={numbers!r},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo(
      [
        StringTable(
          '{LANGUAGE:04X}{CODEPAGE:04X}',
          [
{table}
          ]
        )
      ]
    ),
    VarFileInfo([VarStruct('Translation', [{LANGUAGE}, {CODEPAGE}])])
  ]
)
"""


def write_version_file(
    path: str | Path, version: str, original_filename: str = "ruralcouncil.exe"
) -> Path:
    """Write the version resource text for ``original_filename`` to ``path``; returns it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(version_info_text(version, original_filename), encoding="utf-8")
    return target


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from ruralcouncil import __version__

    print(write_version_file(sys.argv[1], __version__))
