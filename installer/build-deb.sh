#!/usr/bin/env bash
# Build a Debian/Ubuntu package from the PyInstaller one-folder build.
#
#   pyinstaller --noconfirm --clean installer/ruralcouncil.spec
#   installer/build-deb.sh [dist/ruralcouncil] [OUT_DIR]
#
# The package installs the program to /opt/ruralcouncil, links /usr/bin/ruralcouncil to it
# and adds a menu entry with its icons. Its version is __version__ from
# ruralcouncil/__init__.py beside this script. Each user's ledger stays in their own data
# folder (~/.local/share/RuralCouncil), so removing or purging the package never touches a
# ledger: the package has no maintainer scripts at all.
#
# Depends is worked out from the build: the libraries its files ask for that are not in the
# folder, by their Debian 12 package names, and libc6 at the newest glibc symbol version
# used. installer/prove-linux.sh proves the result with ldd and by running the program in a
# clean, offline Debian 12 (minbase) root (docs/installing.md, section 6).
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
if [[ ! "$VERSION" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]]; then
    echo "no usable __version__ in $ROOT/ruralcouncil/__init__.py (found '$VERSION')" >&2
    exit 2
fi
ARCH="$(dpkg --print-architecture)"
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
chmod 0755 "$STAGE"

mkdir -p "$STAGE/DEBIAN" "$STAGE/opt/ruralcouncil" "$STAGE/usr/bin" \
    "$STAGE/usr/share/applications" "$STAGE/usr/share/doc/ruralcouncil"
cp -a "$BUILD/." "$STAGE/opt/ruralcouncil/"
ln -s /opt/ruralcouncil/ruralcouncil "$STAGE/usr/bin/ruralcouncil"

# Icons: every size the icon set offers (resources/icons/hicolor/NxN/apps/ruralcouncil.png),
# the scalable one, and the classic pixmap for older menus.
ICONS="$ROOT/resources/icons"
shopt -s nullglob
for png in "$ICONS"/hicolor/*x*/apps/ruralcouncil.png; do
    size="$(basename "$(dirname "$(dirname "$png")")")"
    [[ "$size" =~ ^[0-9]+x[0-9]+$ ]] || continue
    install -D -m 0644 "$png" "$STAGE/usr/share/icons/hicolor/$size/apps/ruralcouncil.png"
done
shopt -u nullglob
if [[ -f "$ICONS/ruralcouncil.svg" ]]; then
    install -D -m 0644 "$ICONS/ruralcouncil.svg" \
        "$STAGE/usr/share/icons/hicolor/scalable/apps/ruralcouncil.svg"
fi
if [[ -f "$ICONS/ruralcouncil.png" ]]; then
    install -D -m 0644 "$ICONS/ruralcouncil.png" "$STAGE/usr/share/pixmaps/ruralcouncil.png"
fi

# Qt names its windows after this file (QGuiApplication.setDesktopFileName("ruralcouncil")).
cat > "$STAGE/usr/share/applications/ruralcouncil.desktop" <<'EOF'
[Desktop Entry]
Type=Application
Name=RuralCouncil
Name[kk]=Ауыл кеңесі (RuralCouncil)
Name[ru]=Сельский совет (RuralCouncil)
GenericName=Village council budget ledger
GenericName[kk]=Ауылдық кеңестің бюджет кітабы
GenericName[ru]=Книга учёта бюджета сельского совета
Comment=Record the village council's receipts and payments and print its reports
Comment[kk]=Ауылдық кеңестің түсімдері мен төлемдерін тіркеу және есептерін басып шығару
Comment[ru]=Учёт поступлений и платежей сельского совета и печать его отчётов
Keywords=budget;ledger;accounting;village;council;akimat;report;
Keywords[kk]=бюджет;кітап;есеп;ауыл;кеңес;әкімдік;қаржы;
Keywords[ru]=бюджет;учёт;бухгалтерия;село;аул;совет;акимат;отчёт;
Exec=/opt/ruralcouncil/ruralcouncil
Icon=ruralcouncil
Terminal=false
Categories=Office;Finance;
StartupNotify=true
StartupWMClass=ruralcouncil
EOF

cat > "$STAGE/usr/share/doc/ruralcouncil/copyright" <<EOF
RuralCouncil $VERSION
License: GPL-3.0-or-later (see /usr/share/common-licenses/GPL-3).
Bundled fonts: DejaVu (see /opt/ruralcouncil/_internal/resources/fonts/LICENSE-DejaVu.txt).
Bundled libraries (Qt, PySide6, Python and others) keep their own licences.
EOF

# Depends: what the bundled program takes from the system. PyInstaller bundles most libraries
# (Python, Qt, ICU, OpenSSL, libstdc++, fontconfig, freetype, X11 client libraries...) but
# never glibc, libGL/libEGL (they must match the PC's graphics driver), libxcb or libwayland,
# and installer/ruralcouncil.spec may leave out others. So the list is worked out from the
# build: every library a bundled file asks for (ELF NEEDED) that is not in the folder is named
# here by its Debian 12 package. An unknown one stops the build, to be added below.
# installer/prove-linux.sh checks the result with ldd and by running the program in a clean
# Debian 12 root (docs/installing.md, section 5).
declare -A SONAME_PACKAGE=(
    [libGL.so.1]=libgl1 [libEGL.so.1]=libegl1 [libOpenGL.so.0]=libopengl0 [libGLX.so.0]=libglx0
    [libX11.so.6]=libx11-6 [libX11-xcb.so.1]=libx11-xcb1 [libXext.so.6]=libxext6
    [libXrender.so.1]=libxrender1 [libXau.so.6]=libxau6 [libXdmcp.so.6]=libxdmcp6
    [libxcb.so.1]=libxcb1 [libxkbcommon.so.0]=libxkbcommon0
    [libxkbcommon-x11.so.0]=libxkbcommon-x11-0
    [libwayland-client.so.0]=libwayland-client0 [libwayland-cursor.so.0]=libwayland-cursor0
    [libwayland-egl.so.1]=libwayland-egl1 [libdrm.so.2]=libdrm2 [libgbm.so.1]=libgbm1
    [libfontconfig.so.1]=libfontconfig1 [libfreetype.so.6]=libfreetype6
    [libglib-2.0.so.0]=libglib2.0-0 [libgthread-2.0.so.0]=libglib2.0-0
    [libgobject-2.0.so.0]=libglib2.0-0 [libgio-2.0.so.0]=libglib2.0-0
    [libgmodule-2.0.so.0]=libglib2.0-0 [libdbus-1.so.3]=libdbus-1-3
    [libcups.so.2]=libcups2 [libz.so.1]=zlib1g [libstdc++.so.6]=libstdc++6
    [libgcc_s.so.1]=libgcc-s1 [libexpat.so.1]=libexpat1 [libpng16.so.16]=libpng16-16
    [libharfbuzz.so.0]=libharfbuzz0b [libbrotlidec.so.1]=libbrotli1 [libbz2.so.1.0]=libbz2-1.0
    [libssl.so.3]=libssl3 [libcrypto.so.3]=libssl3 [libsqlite3.so.0]=libsqlite3-0
    [libffi.so.8]=libffi8 [liblzma.so.5]=liblzma5 [libzstd.so.1]=libzstd1
    [libreadline.so.8]=libreadline8 [libtinfo.so.6]=libtinfo6 [libuuid.so.1]=libuuid1
)
# Qt's GTK theme plugin, if bundled, is loaded only on a GTK desktop, which has GTK.
OPTIONAL_SONAMES=" libgtk-3.so.0 libgdk-3.so.0 libatk-1.0.so.0 libpango-1.0.so.0 "
# glibc's own libraries: libc6, at the version asked for below.
GLIBC_SONAMES=" libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libresolv.so.2 \
libutil.so.1 ld-linux-x86-64.so.2 ld-linux-aarch64.so.1 ld-linux.so.2 libanl.so.1 "
command -v objdump >/dev/null || { echo "build-deb.sh needs objdump (binutils)" >&2; exit 2; }
mapfile -t ELF_FILES < <(find "$STAGE/opt/ruralcouncil" -type f \
    \( -name '*.so' -o -name '*.so.*' -o -name ruralcouncil -o -name 'ruralcouncil-*' \) \
    -exec sh -c 'head -c 4 "$1" | grep -q ELF && echo "$1"' sh {} \;)
declare -A BUNDLED=()
while read -r name; do BUNDLED[$name]=1; done < <(find "$STAGE/opt/ruralcouncil" \
    \( -type f -o -type l \) -name '*.so*' -printf '%f\n')
declare -A PACKAGES=()
UNKNOWN=""
while read -r soname; do
    [[ -n "$soname" && -z "${BUNDLED[$soname]:-}" ]] || continue
    [[ "$GLIBC_SONAMES" == *" $soname "* || "$OPTIONAL_SONAMES" == *" $soname "* ]] && continue
    package="${SONAME_PACKAGE[$soname]:-}"
    if [[ -z "$package" && "$soname" =~ ^libxcb-([a-z0-9-]+)\.so\.([0-9]+)$ ]]; then
        # libxcb-icccm.so.4 is in libxcb-icccm4, libxcb-dri2.so.0 in libxcb-dri2-0.
        name="${BASH_REMATCH[1]}" major="${BASH_REMATCH[2]}"
        [[ "$name" =~ [0-9]$ ]] && package="libxcb-$name-$major" || package="libxcb-$name$major"
    fi
    if [[ -z "$package" ]]; then
        UNKNOWN+=" $soname"
    else
        PACKAGES[$package]=1
    fi
done < <(objdump -p "${ELF_FILES[@]}" 2>/dev/null | awk '$1 == "NEEDED" {print $2}' | sort -u)
if [[ -n "$UNKNOWN" ]]; then
    echo "build-deb.sh: bundled files need libraries it cannot name a package for:$UNKNOWN" >&2
    echo "add them to SONAME_PACKAGE (or bundle them)" >&2
    exit 2
fi
# The bundled libfontconfig reads the PC's /etc/fonts/fonts.conf: without it every start
# prints "Fontconfig error: Cannot load default config file" and Qt sees none of the PC's
# fonts (the window's own DejaVu fonts are bundled).
[[ -n "${BUNDLED[libfontconfig.so.1]:-}" ]] && PACKAGES[fontconfig-config]=1
# libc6 at least at the newest GLIBC_x.y symbol version any bundled file asks for (the
# bundle carries libraries of the machine it was built on).
GLIBC_MIN="$(objdump -T "${ELF_FILES[@]}" 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' \
    | sed 's/^GLIBC_//' | sort -u -V | tail -n 1 || true)"
DEPENDS="libc6${GLIBC_MIN:+ (>= $GLIBC_MIN)}"
while read -r package; do
    [[ -n "$package" ]] && DEPENDS+=", $package"  # none at all: printf still gives one line
done < <(printf '%s\n' "${!PACKAGES[@]}" | sort)

INSTALLED_SIZE="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
cat > "$STAGE/DEBIAN/control" <<EOF
Package: ruralcouncil
Version: $VERSION
Section: misc
Priority: optional
Architecture: $ARCH
Maintainer: RuralCouncil project <ruralcouncil@localhost>
Installed-Size: $INSTALLED_SIZE
Depends: $DEPENDS
Description: budget ledger and reports for a village council
 RuralCouncil keeps a rural district's receipts, payments and transfers as a
 tamper-evident, signed ledger (one SQLite file with a hash chain that any
 copy of the program can verify), with the council's budget, spending
 requests and approvals, community money and registers.
 .
 It prints the year's summary, the annual return and the report to residents
 in Kazakh, Russian and English, works without a network, and imports and
 exports transactions as CSV.
 .
 The program is self-contained in /opt/ruralcouncil (its own Python and Qt).
 Each user's ledger and backups stay in ~/.local/share/RuralCouncil; removing
 or purging the package never touches them.
EOF

mkdir -p "$OUT_DIR"
DEB="$OUT_DIR/ruralcouncil_${VERSION}_${ARCH}.deb"
dpkg-deb --build --root-owner-group -Zxz -z9 "$STAGE" "$DEB" >/dev/null
echo "$DEB ($(du -h "$DEB" | cut -f1))"
