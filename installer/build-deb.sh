#!/usr/bin/env bash
# Build a Debian/Ubuntu package from the PyInstaller one-folder build.
#
#   pyinstaller --noconfirm --clean installer/ruralcouncil.spec
#   installer/build-deb.sh [dist/ruralcouncil] [OUT_DIR]
#
# The package installs the program to /opt/ruralcouncil, links /usr/bin/ruralcouncil to it
# and adds a menu entry. Each user's ledger stays in their own data folder
# (~/.local/share/RuralCouncil), so removing the package never removes a ledger.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/dist/ruralcouncil}"
OUT_DIR="${2:-$ROOT/dist}"

if [[ ! -x "$BUILD/ruralcouncil" ]]; then
    echo "no one-folder build at $BUILD: run pyinstaller installer/ruralcouncil.spec first" >&2
    exit 2
fi
if [[ -e "$BUILD/portable.txt" || -e "$BUILD/data" ]]; then
    echo "$BUILD has been used as a portable copy; build it afresh" >&2
    exit 2
fi

VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/ruralcouncil/__init__.py")"
ARCH="$(dpkg --print-architecture)"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

mkdir -p "$STAGE/DEBIAN" "$STAGE/opt/ruralcouncil" "$STAGE/usr/bin" \
    "$STAGE/usr/share/applications" "$STAGE/usr/share/doc/ruralcouncil"
cp -a "$BUILD/." "$STAGE/opt/ruralcouncil/"
ln -s /opt/ruralcouncil/ruralcouncil "$STAGE/usr/bin/ruralcouncil"

ICON_LINE=""
if [[ -f "$ROOT/resources/icons/ruralcouncil.png" ]]; then
    mkdir -p "$STAGE/usr/share/pixmaps"
    cp "$ROOT/resources/icons/ruralcouncil.png" "$STAGE/usr/share/pixmaps/ruralcouncil.png"
    ICON_LINE="Icon=ruralcouncil"
fi

cat > "$STAGE/usr/share/applications/ruralcouncil.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=RuralCouncil
Comment=Village council budget ledger
Exec=/opt/ruralcouncil/ruralcouncil
Terminal=false
Categories=Office;Finance;
$ICON_LINE
EOF

cat > "$STAGE/usr/share/doc/ruralcouncil/copyright" <<EOF
RuralCouncil $VERSION
License: GPL-3.0-or-later (see /usr/share/common-licenses/GPL-3).
Bundled fonts: DejaVu (see /opt/ruralcouncil/_internal/resources/fonts/LICENSE-DejaVu.txt).
Bundled libraries (Qt, PySide6, Python and others) keep their own licences.
EOF

# What Qt's X11 and Wayland plugins take from the system; PyInstaller bundles the rest.
cat > "$STAGE/DEBIAN/control" <<EOF
Package: ruralcouncil
Version: $VERSION
Section: misc
Priority: optional
Architecture: $ARCH
Maintainer: RuralCouncil project <ruralcouncil@localhost>
Depends: libc6, libgl1, libegl1, libxcb1, libwayland-client0, libwayland-cursor0
Installed-Size: $(du -sk "$STAGE" | cut -f1)
Description: Village council budget ledger
 Records a rural district's receipts and payments as a tamper-evident ledger,
 with the council's annual return and printable reports in Kazakh, Russian
 and English.
EOF

mkdir -p "$OUT_DIR"
DEB="$OUT_DIR/ruralcouncil_${VERSION}_${ARCH}.deb"
dpkg-deb --build --root-owner-group "$STAGE" "$DEB" >/dev/null
echo "$DEB ($(du -h "$DEB" | cut -f1))"
