#!/usr/bin/env python3
"""Remake the program's icon files from ruralcouncil.svg; rerun after editing the SVG.

    python3 resources/icons/make_icons.py

writes, next to this script:

    hicolor/<N>x<N>/apps/ruralcouncil.png   N = 16 24 32 48 64 128 256 (the window's icon,
                                            and the freedesktop icon theme layout the .deb
                                            copies to /usr/share/icons/hicolor/)
    ruralcouncil.png                        256 px (/usr/share/pixmaps, README, web)
    ruralcouncil.ico                        all seven sizes, for the Windows .exe and installer

Needs rsvg-convert (Debian: apt install librsvg2-bin). optipng, when present, makes the PNGs
smaller. The ICO is written here with nothing else: 32-bit BMP images up to 64 px (what every
Windows tool reads) and PNG images at 128 and 256 px (Vista and later), as Windows' own
icons are made.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "ruralcouncil.svg"
NAME = "ruralcouncil"
SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_IN_ICO_FROM = 128  # smaller images go into the ICO as BMP
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def hicolor_png(size: int) -> Path:
    return HERE / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"


def render(size: int, target: Path) -> None:
    """The SVG drawn at size x size pixels, an 8-bit RGBA PNG."""
    subprocess.run(
        ["rsvg-convert", "--width", str(size), "--height", str(size), "-o", str(target), SOURCE],
        check=True,
    )


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    chunks, pos = [], len(PNG_SIGNATURE)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunks.append((data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def rgba_rows(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the RGBA rows (top first) of an 8-bit RGBA, non-interlaced PNG
    (what rsvg-convert writes)."""
    chunks = _chunks(data)
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    if (depth, colour, interlace) != (8, 6, 0):
        raise ValueError("expected an 8-bit RGBA, non-interlaced PNG")
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride, bpp = width * 4, 4
    rows: list[bytes] = []
    previous = bytearray(stride)
    pos = 0
    for _ in range(height):
        kind, line = raw[pos], bytearray(raw[pos + 1 : pos + 1 + stride])
        pos += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            corner = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                guess = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + guess) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def bmp_image(png: bytes) -> bytes:
    """An ICO's BMP image: BITMAPINFOHEADER, BGRA rows bottom first, then the AND mask."""
    width, height, rows = rgba_rows(png)
    pixels = bytearray()
    mask = bytearray()
    mask_stride = ((width + 31) // 32) * 4
    for row in reversed(rows):
        bits = bytearray(mask_stride)
        for x in range(width):
            r, g, b, a = row[4 * x : 4 * x + 4]
            pixels += bytes((b, g, r, a))
            if a == 0:
                bits[x // 8] |= 0x80 >> (x % 8)
        mask += bits
    header = struct.pack("<IiiHHIIiiII", 40, width, 2 * height, 1, 32, 0, 0, 0, 0, 0, 0)
    return header + bytes(pixels) + bytes(mask)


def write_ico(target: Path, images: dict[int, tuple[bytes, bytes]]) -> None:
    """images: size -> (rsvg-convert's RGBA PNG, the same optimised, still RGBA)."""
    entries, bodies = [], []
    offset = 6 + 16 * len(images)
    for size, (raw_png, small_png) in sorted(images.items()):
        body = small_png if size >= PNG_IN_ICO_FROM else bmp_image(raw_png)
        side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
        entries.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(body), offset))
        bodies.append(body)
        offset += len(body)
    target.write_bytes(struct.pack("<HHH", 0, 1, len(images)) + b"".join(entries + bodies))


def optimise(path: Path, *, keep_rgba: bool = False) -> None:
    """Smaller, the same pixels; keep_rgba: no palette (a PNG inside an ICO stays 32-bit
    RGBA, the one kind every Windows version reads there)."""
    if shutil.which("optipng"):
        keep = ["-nc", "-nb"] if keep_rgba else []
        subprocess.run(["optipng", "-quiet", "-o7", "-strip", "all", *keep, str(path)], check=True)


def main() -> int:
    if not shutil.which("rsvg-convert"):
        print("rsvg-convert is missing: apt install librsvg2-bin", file=sys.stderr)
        return 1
    if not shutil.which("optipng"):
        print("optipng is missing (apt install optipng): the PNGs stay larger", file=sys.stderr)
    images: dict[int, tuple[bytes, bytes]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for size in SIZES:
            raw = Path(scratch) / f"{size}.png"
            render(size, raw)
            target = hicolor_png(size)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(raw, target)
            optimise(target)
            rgba = raw.read_bytes()  # before optipng: the BMPs are made from its pixels
            optimise(raw, keep_rgba=True)
            images[size] = (rgba, raw.read_bytes())
    shutil.copyfile(hicolor_png(256), HERE / f"{NAME}.png")
    write_ico(HERE / f"{NAME}.ico", images)
    for path in [*map(hicolor_png, SIZES), HERE / f"{NAME}.png", HERE / f"{NAME}.ico"]:
        print(f"{path.stat().st_size:7d}  {path.relative_to(HERE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
