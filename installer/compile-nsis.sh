#!/usr/bin/env bash
# Compile the Windows installer (installer/ruralcouncil.nsi) with NSIS, warnings as errors.
#
#   installer/compile-nsis.sh [BUILD_DIR] [OUT_FILE] [MAKENSIS_OPTION...]
#
# BUILD_DIR is a Windows PyInstaller one-folder build (ruralcouncil.exe,
# ruralcouncil-gui.exe, _internal/). Without it (or with ""), a small fake build laid out the
# same way is made in a temporary folder: that proves the script, the Kazakh language files
# and the installer logic compile, on Linux, where PyInstaller cannot make Windows programs.
# OUT_FILE defaults to dist/RuralCouncil-VERSION-setup.exe for a real build and to
# ${TMPDIR:-/tmp}/RuralCouncil-VERSION-setup-fake.exe for the fake one. Further arguments go
# to makensis, e.g. -DONLY_LANGUAGE=Kazakh. VERSION comes from ruralcouncil/__init__.py unless
# the environment sets VERSION.
#
# Needs makensis (Debian: apt-get install nsis). Exits 0 when the setup program was written
# and starts with "MZ"; nonzero, with a line saying why, otherwise.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
die() { echo "compile-nsis: $*" >&2; exit 1; }

command -v makensis >/dev/null || die "makensis not found (Debian: apt-get install nsis)"

if [ -z "${VERSION:-}" ]; then
    VERSION=$(sed -n 's/^__version__ *= *["'\'']\([^"'\'']*\)["'\''].*/\1/p' "$root/ruralcouncil/__init__.py")
fi
[ -n "$VERSION" ] || die "no __version__ in $root/ruralcouncil/__init__.py"

# The Kazakh language files must have every string NSIS's English ones have. makensis does
# not notice a missing line in an .nlf (the strings after it shift and the last come out
# empty), and warns about a missing MUI string only for the pages this installer uses.
nsisdir=$(makensis -HDRINFO 2>/dev/null | sed -n 's/.*NSISDIR=\([^,]*\).*/\1/p' | head -n 1)
langdir="$nsisdir/Contrib/Language files"
if [ -f "$langdir/English.nlf" ] && [ -f "$langdir/English.nsh" ]; then
    clean() { sed '1s/^\xEF\xBB\xBF//' "$1" | tr -d '\r'; }
    nlf_keys() { clean "$1" | grep '^# \^'; }
    nlf_values() { clean "$1" | grep -c -v -e '^#' -e '^;'; }
    nsh_keys() { clean "$1" | grep -o 'LangFileString} [A-Za-z0-9_]*'; }
    for kind in nlf nsh; do
        mine=$here/nsis/Kazakh.$kind
        theirs=$langdir/English.$kind
        [ -f "$mine" ] || die "$mine is missing"
        if [ "$kind" = nlf ]; then
            diff <(nlf_keys "$theirs") <(nlf_keys "$mine") >&2 \
                || die "$mine: the strings differ from $theirs (lines < are missing)"
            [ "$(nlf_values "$theirs")" = "$(nlf_values "$mine")" ] \
                || die "$mine: $(nlf_values "$mine") values, $theirs has $(nlf_values "$theirs")"
        else
            diff <(nsh_keys "$theirs") <(nsh_keys "$mine") >&2 \
                || die "$mine: the strings differ from $theirs (lines < are missing)"
        fi
    done
else
    echo "compile-nsis: NSIS's English.nlf not found under '$nsisdir'; language files not compared" >&2
fi

build_dir=${1:-}
fake=
out_file=${2:-}
shift $(( $# < 2 ? $# : 2 ))

work=$(mktemp -d "${TMPDIR:-/tmp}/compile-nsis.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ -z "$build_dir" ]; then
    # A fake Windows one-folder build: the names the installer needs, a few small files.
    build_dir=$work/ruralcouncil
    fake=yes
    mkdir -p "$build_dir/_internal/resources/fonts" \
             "$build_dir/_internal/resources/translations/kk/LC_MESSAGES" \
             "$build_dir/_internal/PySide6/plugins/platforms"
    printf 'MZ fake console program\n' >"$build_dir/ruralcouncil.exe"
    printf 'MZ fake window program\n' >"$build_dir/ruralcouncil-gui.exe"
    printf 'fake font\n' >"$build_dir/_internal/resources/fonts/x.ttf"
    printf 'fake catalogue\n' >"$build_dir/_internal/resources/translations/kk/LC_MESSAGES/ruralcouncil.mo"
    printf 'MZ fake library\n' >"$build_dir/_internal/python311.dll"
    printf 'MZ fake plugin\n' >"$build_dir/_internal/PySide6/plugins/platforms/qwindows.dll"
    printf 'no extension\n' >"$build_dir/_internal/LICENSE"
    : "${out_file:=${TMPDIR:-/tmp}/RuralCouncil-$VERSION-setup-fake.exe}"
else
    [ -d "$build_dir" ] || die "no build folder $build_dir"
    build_dir=$(cd "$build_dir" && pwd)
    : "${out_file:=$root/dist/RuralCouncil-$VERSION-setup.exe}"
fi

mkdir -p "$(dirname "$out_file")"
out_file=$(cd "$(dirname "$out_file")" && pwd)/$(basename "$out_file")
rm -f "$out_file"

echo "compile-nsis: makensis $(makensis -VERSION), RuralCouncil $VERSION, payload $build_dir"
log=$work/makensis.log
if ! makensis -WX -V2 -DVERSION="$VERSION" -DBUILD_DIR="$build_dir" -DOUT_FILE="$out_file" \
        "$@" "$here/ruralcouncil.nsi" >"$log" 2>&1; then
    cat "$log" >&2
    die "makensis failed (warnings count as errors)"
fi
cat "$log"

[ -f "$out_file" ] || die "makensis did not write $out_file"

if [ -n "$fake" ]; then
    # Each language alone as well: a string missing from one language is a warning, so an
    # error here (the full build above may not show which language lacks it).
    for language in Kazakh Russian English; do
        if ! makensis -WX -V2 -DVERSION="$VERSION" -DBUILD_DIR="$build_dir" \
                -DOUT_FILE="$work/only-$language.exe" -DONLY_LANGUAGE="$language" \
                "$@" "$here/ruralcouncil.nsi" >"$log" 2>&1; then
            cat "$log" >&2
            die "makensis failed for the $language-only installer"
        fi
    done
    echo "compile-nsis: the Kazakh-, Russian- and English-only installers compile too"
fi
magic=$(head -c 2 "$out_file")
[ "$magic" = "MZ" ] || die "$out_file does not start with MZ"
size=$(stat -c %s "$out_file")
echo "compile-nsis: wrote $out_file ($size bytes)"
