#!/usr/bin/env bash
# Prove the Debian package on a clean, offline Debian 12 (issue 12).
#
#   sudo installer/prove-linux.sh            # everything under /tmp/prove, log in /tmp/prove/log.txt
#
# What it does (each check prints PASS or FAIL; the exit status is 1 when any failed):
#   build   the one-folder build and the .deb of an OLDER program (by default the newest
#           commit of the previous ledger schema whose command line works, so the upgrade runs
#           a real migration) and of the working tree with __version__ bumped (the NEWER one),
#           both packaged by the working tree's installer/build-deb.sh; the portable zip;
#   root    a clean Debian 12 root (debootstrap minbase, cached under /tmp/prove/cache) with
#           no Python in it, and the package's dependencies fetched once as .deb files into
#           /media/usb/deps beside the two packages, as a village carries them on a USB stick;
#           from here on nothing in the root has a network (unshare --net), which is checked;
#   step 1  apt-get install of the older .deb and its dependencies from the stick, offline;
#           ldd over every library of /opt/ruralcouncil finds nothing missing;
#   step 2  the installed program's --smoke-test as a normal user; the PDF holds Kazakh text;
#   step 3  a ledger made through the installed command line by that user: init, an import,
#           a record, a reversal, verify, the summary, a backup;
#   step 4  the newer .deb installed over it, offline: the version changed, an
#           administrator's login upgrades the ledger (kept aside as *.before-upgrade), verify
#           passes, the earlier anchor still holds, the figures and entries are unchanged;
#   step 5  apt-get remove, then reinstall and purge: the program is gone, every file in the
#           user's home is untouched, and the package has no maintainer scripts;
#   windows installer/compile-nsis.sh, when it exists (makensis -WX on a fake payload).
#
# Environment:
#   PROVE_DIR=/tmp/prove       where everything goes (the root, builds, log, cache)
#   PROVE_OLD_COMMIT=auto      a commit to build the older program from; "none" builds the
#                              working tree twice (version bump only, no schema migration)
#   PROVE_REUSE_BUILD=1        keep the builds of an earlier run if they are there
#   PROVE_CACHE=$PROVE_DIR/cache  the debootstrap tarball and the fetched dependencies
#   PROVE_MIRROR=http://deb.debian.org/debian
#
# Needs root, debootstrap, unshare (util-linux), pdftotext (poppler-utils), dpkg-dev is not
# needed; the host's Python 3.11 with the project's dependencies and pyinstaller.
set -uo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${PROVE_DIR:-/tmp/prove}"
CACHE="${PROVE_CACHE:-$WORK/cache}"
LOG="$WORK/log.txt"
ROOT="$WORK/root"
OUT="$WORK/out"
MIRROR="${PROVE_MIRROR:-http://deb.debian.org/debian}"
SUITE=bookworm
OLD_COMMIT="${PROVE_OLD_COMMIT:-auto}"
REUSE="${PROVE_REUSE_BUILD:-0}"
USB=/media/usb                     # inside the root
VILLAGER=villager                  # the normal user inside the root
ADMIN_PASSWORD="Қарашаған-2026 admin"
LEDGER="/home/$VILLAGER/village.ruralcouncil"

if [[ $EUID -ne 0 ]]; then
    echo "prove-linux.sh needs root (debootstrap, chroot, unshare)" >&2
    exit 2
fi
mkdir -p "$WORK" "$CACHE" "$OUT"
: > "$LOG"
exec > >(tee -a "$LOG") 2>&1

declare -a RESULTS=()
FAILED=0

say() { printf '\n=== %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
result() {  # result PASS|FAIL "name" "detail"
    local line
    line="$(printf '%-4s  %s' "$1" "$2")"
    [[ -n "${3:-}" ]] && line+=" — $3"
    RESULTS+=("$line")
    [[ "$1" == FAIL ]] && FAILED=1
    printf '%s\n' "$line"
}
problem() { PROBLEMS+=("$*"); printf '    problem: %s\n' "$*"; }
human() { numfmt --to=iec-i --suffix=B --format='%.1f' "$1"; }
size_of() { du -sb "$1" | cut -f1; }
count_debs() { find "$1" -maxdepth 1 -name '*.deb' | wc -l; }

# Every command in the root runs without a network (its own empty network namespace), with a
# /proc of its own (PyInstaller's program finds itself through /proc/self/exe).
in_root() { unshare --net --pid --fork --mount-proc="$ROOT/proc" chroot "$ROOT" "$@"; }
# Only while the stick is being filled: the same, with the host's network.
in_root_online() { unshare --pid --fork --mount-proc="$ROOT/proc" chroot "$ROOT" "$@"; }
# As the normal user, with a clean environment; extra VAR=value words may come first.
as_user() {
    in_root /usr/bin/env -i HOME="/home/$VILLAGER" USER="$VILLAGER" LOGNAME="$VILLAGER" \
        PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen \
        /usr/bin/setpriv --reuid="$VILLAGER" --regid="$VILLAGER" --init-groups -- \
        /usr/bin/env "$@"
}
# The installed command line as the user, always with English messages.
rc_cli() { as_user RURALCOUNCIL_PASSWORD="$ADMIN_PASSWORD" ruralcouncil --lang en --db "$LEDGER" "$@"; }

json_get() {  # json_get FILE EXPR  (EXPR in Python on the parsed object "d")
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8")); print(eval(sys.argv[2]))' "$1" "$2"
}

# --------------------------------------------------------------------------------------
# Build: sources, one-folder builds, packages
# --------------------------------------------------------------------------------------

CUR_VERSION="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$REPO/ruralcouncil/__init__.py")"
CUR_SCHEMA="$(sed -n 's/^SCHEMA_VERSION = \([0-9]*\).*/\1/p' "$REPO/ruralcouncil/ledger/schema.py")"
NEW_VERSION="$(python3 -c '
import re, sys
v = sys.argv[1]
m = re.match(r"^(.*?)(\d+)$", v)
print(f"{m.group(1)}{int(m.group(2)) + 1}" if m else v + ".1")' "$CUR_VERSION")"

copy_working_tree() {  # the working tree as it is, uncommitted work included
    local dest="$1"
    rm -rf "$dest" && mkdir -p "$dest"
    tar -C "$REPO" --exclude=./dist --exclude=./build --exclude=./.git --exclude='*.egg-info' \
        --exclude=__pycache__ --exclude=.pytest_cache --exclude=.mypy_cache \
        --exclude=.ruff_cache --exclude=.hypothesis --exclude='*.ruralcouncil' \
        --exclude='*.ruralcouncil.lock' -cf - . | tar -C "$dest" -xf -
}

compile_catalogues() {  # the .mo files are build output (setup.py's build step)
    (cd "$1" && python3 -c '
import sys
sys.path.insert(0, ".")
from pathlib import Path
from ruralcouncil.i18n import compile_catalogue
for po in sorted(Path("resources/translations").glob("*.po")):
    compile_catalogue(po.stem)
' ) || problem "could not compile the message catalogues in $1"
}

# A quick trial of a source tree's command line on the host: init, import, verify.
host_trial() {
    local src="$1" tmp rc
    tmp="$(mktemp -d)"
    printf 'date,type,amount,category,fund,account,to_account,counterparty,description,reference\n2025-01-05,opening,100,,GENERAL,BANK,,,x,\n' > "$tmp/e.csv"
    (
        cd "$tmp" && export PYTHONPATH="$src" RURALCOUNCIL_PASSWORD="$ADMIN_PASSWORD" \
            XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
        python3 -m ruralcouncil.cli --lang en --db t.ruralcouncil init --village T --admin admin &&
            python3 -m ruralcouncil.cli --lang en --db t.ruralcouncil import-transactions e.csv --user admin &&
            python3 -m ruralcouncil.cli --lang en --db t.ruralcouncil verify
    ) > "$tmp/out.txt" 2>&1
    rc=$?
    [[ $rc -ne 0 ]] && sed 's/^/      /' "$tmp/out.txt" | tail -n 3
    rm -rf "$tmp"
    return $rc
}

find_old_commit() {  # prints a commit of the previous schema whose command line works
    local intro cand schema
    [[ -d "$REPO/.git" ]] || return 1
    intro="$(git -C "$REPO" log --format=%H -S"SCHEMA_VERSION = $CUR_SCHEMA" \
        -- ruralcouncil/ledger/schema.py | tail -n 1)"
    [[ -n "$intro" ]] || return 1
    for cand in $(git -C "$REPO" rev-list --max-count=12 "$intro^" 2>/dev/null); do
        schema="$(git -C "$REPO" show "$cand:ruralcouncil/ledger/schema.py" 2>/dev/null \
            | sed -n 's/^SCHEMA_VERSION = \([0-9]*\).*/\1/p')"
        [[ -n "$schema" && "$schema" -lt "$CUR_SCHEMA" ]] || continue
        git -C "$REPO" cat-file -e "$cand:installer/ruralcouncil.spec" 2>/dev/null || continue
        rm -rf "$WORK/src-old" && mkdir -p "$WORK/src-old"
        git -C "$REPO" archive "$cand" | tar -x -C "$WORK/src-old"
        if host_trial "$WORK/src-old" >&2; then
            echo "$cand"
            return 0
        fi
        info "commit ${cand:0:7} (schema $schema): its command line does not work; trying its parent" >&2
    done
    return 1
}

build_one() {  # build_one NAME SRC: pyinstaller + build-deb.sh; sets BUILD_SECONDS_<NAME>
    local name="$1" src="$2" t0 t1 t2
    rm -rf "$WORK/dist/$name" "$WORK/build/$name" "$WORK/debs/$name"
    mkdir -p "$WORK/debs/$name"
    compile_catalogues "$src"
    t0=$(date +%s)
    (cd "$src" && pyinstaller --noconfirm --clean --log-level WARN \
        --distpath "$WORK/dist/$name" --workpath "$WORK/build/$name" installer/ruralcouncil.spec) \
        > "$WORK/pyinstaller-$name.log" 2>&1 || { tail -n 20 "$WORK/pyinstaller-$name.log"; return 1; }
    t1=$(date +%s)
    # Always packaged by the working tree's build-deb.sh (the version is the source's own).
    cp "$REPO/installer/build-deb.sh" "$src/installer/build-deb.sh"
    bash "$src/installer/build-deb.sh" "$WORK/dist/$name/ruralcouncil" "$WORK/debs/$name" || return 1
    t2=$(date +%s)
    printf -v "PYI_SECONDS_$name" '%s' $((t1 - t0))
    printf -v "DEB_SECONDS_$name" '%s' $((t2 - t1))
    echo "$((t1 - t0)) $((t2 - t1))" > "$WORK/debs/$name/.seconds"
}

step_build() {
    say "build: the older and the newer program, each with its .deb"
    local old_version ok=1
    if [[ "$REUSE" == 1 && -f "$WORK/debs/old/.seconds" && -f "$WORK/debs/new/.seconds" \
          && -f "$WORK/debs/.mode" ]]; then
        info "reusing the builds of an earlier run (PROVE_REUSE_BUILD=1)"
        read -r PYI_SECONDS_old DEB_SECONDS_old < "$WORK/debs/old/.seconds"
        read -r PYI_SECONDS_new DEB_SECONDS_new < "$WORK/debs/new/.seconds"
        read -r MODE OLD_DESC < "$WORK/debs/.mode"
    else
        MODE=schema
        local old=""
        if [[ "$OLD_COMMIT" == none ]]; then
            MODE=bump
        elif [[ "$OLD_COMMIT" == auto ]]; then
            old="$(find_old_commit)" || { MODE=bump; info "no older commit with a working command line: version bump only"; }
        else
            old="$(git -C "$REPO" rev-parse --verify "$OLD_COMMIT^{commit}")" &&
                rm -rf "$WORK/src-old" && mkdir -p "$WORK/src-old" &&
                git -C "$REPO" archive "$old" | tar -x -C "$WORK/src-old" || MODE=bump
        fi
        if [[ "$MODE" == schema ]]; then
            OLD_DESC="commit-$(git -C "$REPO" rev-parse --short "$old")"
            info "older program: $OLD_DESC ($(git -C "$REPO" log -1 --format=%s "$old" | cut -c1-80))"
            if ! build_one old "$WORK/src-old"; then
                info "the older commit does not build: falling back to a version bump only"
                MODE=bump
            fi
        fi
        if [[ "$MODE" == bump ]]; then
            OLD_DESC="working-tree"
            copy_working_tree "$WORK/src-old"
            build_one old "$WORK/src-old" || ok=0
        fi
        copy_working_tree "$WORK/src-new"
        sed -i "s/^__version__ = \".*\"/__version__ = \"$NEW_VERSION\"/" "$WORK/src-new/ruralcouncil/__init__.py"
        build_one new "$WORK/src-new" || ok=0
        echo "$MODE $OLD_DESC" > "$WORK/debs/.mode"
    fi
    OLD_DEB="$(find "$WORK/debs/old" -maxdepth 1 -name 'ruralcouncil_*.deb' 2>/dev/null | head -n 1)"
    NEW_DEB="$(find "$WORK/debs/new" -maxdepth 1 -name 'ruralcouncil_*.deb' 2>/dev/null | head -n 1)"
    if [[ $ok -ne 1 || -z "$OLD_DEB" || -z "$NEW_DEB" ]]; then
        result FAIL "build" "see $WORK/pyinstaller-*.log"
        return 1
    fi
    old_version="$(dpkg-deb -f "$OLD_DEB" Version)"
    NEW_DEB_VERSION="$(dpkg-deb -f "$NEW_DEB" Version)"
    OLD_DEB_VERSION="$old_version"
    OLD_SCHEMA="$(sed -n 's/^SCHEMA_VERSION = \([0-9]*\).*/\1/p' "$WORK/src-old/ruralcouncil/ledger/schema.py")"
    info "older: $(basename "$OLD_DEB") (schema $OLD_SCHEMA, $OLD_DESC)"
    info "newer: $(basename "$NEW_DEB") (schema $CUR_SCHEMA, working tree, __version__ $NEW_VERSION)"
    info "Depends: $(dpkg-deb -f "$NEW_DEB" Depends)"
    if ! dpkg --compare-versions "$NEW_DEB_VERSION" gt "$OLD_DEB_VERSION"; then
        result FAIL "build" "the newer package ($NEW_DEB_VERSION) is not newer than $OLD_DEB_VERSION"
        return 1
    fi
    if command -v desktop-file-validate >/dev/null; then
        dpkg-deb --fsys-tarfile "$NEW_DEB" | tar -xO ./usr/share/applications/ruralcouncil.desktop \
            > "$WORK/ruralcouncil.desktop"
        if desktop-file-validate "$WORK/ruralcouncil.desktop"; then
            info "desktop entry: desktop-file-validate found nothing"
        else
            result FAIL "build" "desktop-file-validate rejects the menu entry"
            return 1
        fi
    fi
    # The portable zip of the newer build (not proven here, only measured).
    rm -f "$OUT"/RuralCouncil-*-portable-*.zip
    if (cd "$WORK/src-new" && python3 installer/make-portable-zip.py "$WORK/dist/new/ruralcouncil" \
            --out "$OUT/RuralCouncil-$NEW_VERSION-portable-linux-$(uname -m).zip") >/dev/null; then
        PORTABLE_ZIP="$(find "$OUT" -maxdepth 1 -name 'RuralCouncil-*-portable-*.zip' | head -n 1)"
    fi
    result PASS "build" "$MODE mode: $OLD_DEB_VERSION (schema $OLD_SCHEMA) → $NEW_DEB_VERSION (schema $CUR_SCHEMA); newer build $((PYI_SECONDS_new + DEB_SECONDS_new)) s"
}

# --------------------------------------------------------------------------------------
# The clean root and the USB stick
# --------------------------------------------------------------------------------------

step_root() {
    say "clean root: Debian 12 minbase, no Python, dependencies on the stick, no network"
    local tarball="$CACHE/$SUITE-minbase.tar.zst" key depcache
    if [[ ! -s "$tarball" ]]; then
        info "debootstrap (once; cached in $tarball)"
        rm -rf "$CACHE/root-build"
        if ! debootstrap --variant=minbase "$SUITE" "$CACHE/root-build" "$MIRROR" > "$WORK/debootstrap.log" 2>&1; then
            tail -n 20 "$WORK/debootstrap.log"
            result FAIL "clean root" "debootstrap failed"
            return 1
        fi
        tar -C "$CACHE/root-build" --zstd -cpf "$tarball.part" . && mv "$tarball.part" "$tarball"
        rm -rf "$CACHE/root-build"
    fi
    rm -rf "$ROOT" && mkdir -p "$ROOT"
    tar -C "$ROOT" --zstd -xpf "$tarball"
    # What a village PC has anyway: a normal user, and a UTF-8 locale (C.UTF-8 is built in).
    chroot "$ROOT" useradd --create-home --shell /bin/bash "$VILLAGER"
    if chroot "$ROOT" python3 --version >/dev/null 2>&1 || ls "$ROOT"/usr/bin/python3* >/dev/null 2>&1; then
        result FAIL "clean root" "the root has a Python"
        return 1
    fi
    info "python3 in the root: absent ($(chroot "$ROOT" python3 --version 2>&1 | head -n 1))"

    # The stick: the two packages, and the dependencies' .deb files fetched while the root
    # still had a network (cached by the Depends lines, so reruns need no mirror): deps/ holds
    # exactly what the NEWER package needs, so steps 4 and 5 prove its own Depends;
    # deps-old/ only what the older one needs beyond that (normally nothing).
    mkdir -p "$ROOT$USB/deps" "$ROOT$USB/deps-old"
    cp "$OLD_DEB" "$NEW_DEB" "$ROOT$USB/"
    key="$( (dpkg-deb -f "$OLD_DEB" Depends; dpkg-deb -f "$NEW_DEB" Depends; sha256sum "$tarball") | sha256sum | cut -c1-16)"
    depcache="$CACHE/deps-$key"
    if [[ ! -d "$depcache" ]]; then
        info "fetching the dependencies inside the root (network still on)"
        cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
        chroot "$ROOT" sh -c "chmod -R a+rX $USB && apt-get clean"
        rm -rf "$depcache.part" && mkdir -p "$depcache.part/new" "$depcache.part/old"
        if ! in_root_online sh -c "apt-get update -qq && apt-get install -y -qq --download-only --no-install-recommends $USB/$(basename "$NEW_DEB")" > "$WORK/deps-download.log" 2>&1; then
            tail -n 20 "$WORK/deps-download.log"
            result FAIL "clean root" "could not fetch the dependencies"
            return 1
        fi
        cp "$ROOT"/var/cache/apt/archives/*.deb "$depcache.part/new/"
        chroot "$ROOT" apt-get clean
        if ! in_root_online apt-get install -y -qq --download-only --no-install-recommends "$USB/$(basename "$OLD_DEB")" >> "$WORK/deps-download.log" 2>&1; then
            tail -n 20 "$WORK/deps-download.log"
            result FAIL "clean root" "could not fetch the older package's dependencies"
            return 1
        fi
        for deb in "$ROOT"/var/cache/apt/archives/*.deb; do
            [[ -e "$depcache.part/new/$(basename "$deb")" ]] || cp "$deb" "$depcache.part/old/"
        done
        mv "$depcache.part" "$depcache"
    fi
    cp "$depcache"/new/*.deb "$ROOT$USB/deps/"
    find "$depcache/old" -name '*.deb' -exec cp {} "$ROOT$USB/deps-old/" \;
    # A PC that never had a network: no package lists, no cached packages, no resolver.
    chroot "$ROOT" apt-get clean
    rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT/etc/resolv.conf"
    chroot "$ROOT" sh -c "chmod -R a+rX $USB"
    info "stick: $(count_debs "$ROOT$USB") packages + $(count_debs "$ROOT$USB/deps") dependencies of the newer one ($(human "$(size_of "$ROOT$USB/deps")")) + $(count_debs "$ROOT$USB/deps-old") more for the older one"

    # No network inside: no name resolution, no route anywhere.
    if in_root getent hosts deb.debian.org >/dev/null 2>&1; then
        result FAIL "clean root" "the root can still resolve names"
        return 1
    fi
    if in_root bash -c 'exec 3<>/dev/tcp/151.101.2.132/80' 2>/dev/null; then
        result FAIL "clean root" "the root can still open a TCP connection"
        return 1
    fi
    info "network in the root: none (getent hosts deb.debian.org fails; no TCP connection)"
    result PASS "clean root" "no Python, no network, $(count_debs "$ROOT$USB/deps") dependency packages on the stick"
}

# --------------------------------------------------------------------------------------
# The steps
# --------------------------------------------------------------------------------------

ldd_missing() {  # libraries no file of /opt/ruralcouncil finds, with the bundle's own path
    # shellcheck disable=SC2016  # expanded by the shell inside the root
    in_root bash -c '
        export LD_LIBRARY_PATH=/opt/ruralcouncil/_internal
        find /opt/ruralcouncil -type f \( -name "*.so*" -o -name ruralcouncil \) | while read -r f; do
            head -c 4 "$f" | grep -q ELF || continue
            ldd "$f" 2>/dev/null | awk -v f="${f#/opt/ruralcouncil/}" "/not found/ {print \$1, f}"
        done | sort -u'
}
# Qt's GTK theme plugin is loaded only on a GTK desktop, which has GTK (build-deb.sh).
LDD_OPTIONAL='^(libgtk-3\.so\.0|libgdk-3\.so\.0) _internal/PySide6/Qt/plugins/platformthemes/libqgtk3\.so$'

step_install() {
    say "step 1: apt-get install of $(basename "$OLD_DEB") with its dependencies, offline"
    PROBLEMS=()
    local missing required stick
    mapfile -t stick < <(cd "$ROOT" && find ".$USB/deps" ".$USB/deps-old" -name '*.deb' | sed 's#^\.##' | sort)
    if ! in_root apt-get install -y -o Dpkg::Use-Pty=0 "$USB/$(basename "$OLD_DEB")" "${stick[@]}" \
            > "$WORK/step1-apt.log" 2>&1; then
        tail -n 25 "$WORK/step1-apt.log"
        result FAIL "step 1: install offline" "apt-get install failed (see $WORK/step1-apt.log)"
        return 1
    fi
    info "installed: ruralcouncil $(in_root dpkg-query -W -f="\${Version}" ruralcouncil)"
    [[ -x "$ROOT/opt/ruralcouncil/ruralcouncil" && -L "$ROOT/usr/bin/ruralcouncil" ]] ||
        problem "no /opt/ruralcouncil/ruralcouncil or /usr/bin/ruralcouncil"
    [[ -f "$ROOT/usr/share/applications/ruralcouncil.desktop" ]] || problem "no menu entry"
    info "icons: $(cd "$ROOT/usr/share" && find icons/hicolor pixmaps -name 'ruralcouncil.*' 2>/dev/null | sort -V | tr '\n' ' ')"
    missing="$(ldd_missing)"
    required="$(grep -Ev "$LDD_OPTIONAL" <<<"$missing" || true)"
    if [[ -n "$missing" ]]; then
        info "ldd, not found (optional plugins allowed):"
        printf '      %s\n' "${missing//$'\n'/$'\n'      }"
    fi
    [[ -z "$required" ]] || problem "libraries not bundled and not declared: $(awk '{print $1}' <<<"$required" | sort -u | tr '\n' ' ')"
    if ((${#PROBLEMS[@]})); then
        result FAIL "step 1: install offline" "${PROBLEMS[*]}"
        return 1
    fi
    result PASS "step 1: install offline" "$(basename "$OLD_DEB") + ${#stick[@]} dependency packages; ldd finds every library"
}

smoke_test() {  # smoke_test LABEL: runs the installed program's smoke test as the user
    local label="$1" out err rc pdf letters
    out="$WORK/smoke-$label.out"
    err="$WORK/smoke-$label.err"
    as_user /opt/ruralcouncil/ruralcouncil --smoke-test > "$out" 2> "$err"
    rc=$?
    sed 's/^/      stderr: /' "$err" | head -n 20
    [[ $rc -eq 0 ]] || { problem "$label smoke test: exit status $rc"; return 1; }
    pdf="$(grep -v '^[[:space:]]*$' "$out" | tail -n 1)"
    if [[ -z "$pdf" || ! -f "$ROOT$pdf" ]]; then
        problem "$label smoke test: no PDF at '$pdf'"
        return 1
    fi
    [[ "$(head -c 4 "$ROOT$pdf")" == "%PDF" ]] || { problem "$label smoke test: $pdf is not a PDF"; return 1; }
    [[ "$(stat -c %u "$ROOT$pdf")" == "$(chroot "$ROOT" id -u "$VILLAGER")" ]] ||
        problem "$label smoke test: the PDF is not the user's"
    # Kazakh-specific letters, read back from the PDF's text on the host.
    pdftotext -enc UTF-8 "$ROOT$pdf" "$WORK/smoke-$label.txt"
    letters="$(grep -o '[әғқңөұүһіӘҒҚҢӨҰҮҺІ]' "$WORK/smoke-$label.txt" | tr '[:upper:]' '[:lower:]' | sort -u | tr -d '\n')"
    info "$label smoke test: $pdf ($(stat -c %s "$ROOT$pdf") bytes); Kazakh letters in its text: ${letters:-none}"
    info "first line of text: $(grep -m 2 -v '^[[:space:]]*$' "$WORK/smoke-$label.txt" | tail -n 1)"
    [[ ${#letters} -ge 3 ]] || problem "$label smoke test: the PDF holds no Kazakh text"
    if grep -Ei 'fontconfig error|cannot load library|could not load the qt platform plugin|cannot open shared object' "$err" >/dev/null; then
        problem "$label smoke test: a library or configuration is missing (standard error above)"
    fi
    SMOKE_LETTERS="$letters"
}

step_smoke() {
    say "step 2: the installed program's smoke test as $VILLAGER"
    PROBLEMS=()
    smoke_test old
    if ((${#PROBLEMS[@]})); then
        result FAIL "step 2: smoke test" "${PROBLEMS[*]}"
        return 1
    fi
    result PASS "step 2: smoke test" "as $VILLAGER, offscreen; PDF with Kazakh letters $SMOKE_LETTERS"
}

YEAR=$(( $(date +%Y) - 1 ))   # a whole past year: no date is ever in the future

step_ledger() {
    say "step 3: a ledger through the installed command line, as $VILLAGER"
    PROBLEMS=()
    local rc
    cat > "$ROOT/home/$VILLAGER/entries.csv" <<EOF
date,type,amount,category,fund,account,to_account,counterparty,description,reference
$YEAR-01-05,opening,500000,,GENERAL,BANK,,,Бастапқы қалдық: банк шоты,
$YEAR-01-05,opening,20000.50,,GENERAL,CASH,,,Бастапқы қалдық: касса,
$YEAR-02-10,receipt,150000,TAX-LAND,GENERAL,BANK,,Әлібек Нұрғалиұлы,Жер салығы (қаңтар),ПП №1
$YEAR-03-15,payment,42000.75,LIGHTING,GENERAL,BANK,,«Қарағанды Энерго» ЖШС,Көше жарығы: ақпан,ПП №2
$YEAR-04-01,transfer,10000,,GENERAL,BANK,CASH,,Кассаға қолма-қол ақша,ПП №3
EOF
    in_root chown "$VILLAGER:$VILLAGER" "/home/$VILLAGER/entries.csv"
    run() {  # run LABEL CMD...: the command line's output is kept; a failure is a problem
        local label="$1"; shift
        rc_cli "$@" > "$WORK/step-$label.out" 2> "$WORK/step-$label.err"
        rc=$?
        info "\$ ruralcouncil $* → exit $rc"
        sed 's/^/      /' "$WORK/step-$label.err" | head -n 5
        [[ $rc -eq 0 ]] || problem "ruralcouncil $label exited $rc"
        return $rc
    }
    run init init --village "Қарашаған" --admin admin || { result FAIL "step 3: ledger" "${PROBLEMS[*]}"; return 1; }
    run import import-transactions "/home/$VILLAGER/entries.csv" --user admin
    run record record receipt --date "$YEAR-05-05" --amount 2500 --category FINES --account CASH \
        --counterparty "Ұлан Өтегенов" --description "Айыппұл (әкімшілік)" --user admin
    run reverse reverse 4 --reason "Қате сома" --date "$YEAR-05-06" --user admin
    run verify-old verify --json
    run summary-old summary --year "$YEAR" --json
    run ledger-old ledger --year "$YEAR" --json
    as_user mkdir -p "/home/$VILLAGER/backups"
    run backup-old backup "/home/$VILLAGER/backups/before-upgrade.ruralcouncil"
    if ((${#PROBLEMS[@]})); then
        result FAIL "step 3: ledger" "${PROBLEMS[*]}"
        return 1
    fi
    ANCHOR_N="$(json_get "$WORK/step-verify-old.out" 'd["entries"]')"
    ANCHOR_HEAD="$(json_get "$WORK/step-verify-old.out" 'd["head"]')"
    OLD_LEDGER_SCHEMA="$(json_get "$WORK/step-verify-old.out" 'd.get("schema_version")')"
    local ok txs figures
    ok="$(json_get "$WORK/step-verify-old.out" 'd["ok"]')"
    txs="$(json_get "$WORK/step-verify-old.out" 'd["transactions"]')"
    figures="$(json_get "$WORK/step-summary-old.out" '", ".join(f"{k} {v/100:.2f}" for k, v in {**d["receipts"], **d["payments"], **{"cash " + a: b for a, b in d["cash"].items()}}.items())')"
    info "verify: ok=$ok, $txs entries, chain $ANCHOR_N long, anchor $ANCHOR_N:$ANCHOR_HEAD, schema $OLD_LEDGER_SCHEMA"
    info "summary $YEAR (tenge): $figures"
    [[ "$ok" == True && "$txs" == 7 ]] || problem "verify: ok=$ok with $txs entries (expected True, 7)"
    if ((${#PROBLEMS[@]})); then
        result FAIL "step 3: ledger" "${PROBLEMS[*]}"
        return 1
    fi
    result PASS "step 3: ledger" "7 entries (CSV import, record, reversal), verify ok, anchor $ANCHOR_N:${ANCHOR_HEAD:0:16}…, schema $OLD_LEDGER_SCHEMA"
}

# The summary without its chain (which grows with the upgrade's own entries), and the entries
# by DESIGN §4's fields, as canonical JSON.
figures_of() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("chain", None); print(json.dumps(d, sort_keys=True))' "$1"; }
entries_of() { python3 -c '
import json, sys
keys = ("id", "date", "type", "amount", "category", "fund", "account", "to_account",
        "counterparty", "description", "reference", "reverses")
print(json.dumps([{k: e.get(k) for k in keys} for e in json.load(open(sys.argv[1]))], sort_keys=True, ensure_ascii=False))' "$1"; }

home_state() {  # every file in the user's home with its checksum (lock files aside)
    (cd "$ROOT/home/$VILLAGER" && find . -type f ! -name '*.lock' -print0 | sort -z | xargs -0 sha256sum)
}

step_upgrade() {
    say "step 4: $(basename "$NEW_DEB") installed over it, offline"
    PROBLEMS=()
    local rc version program_version backups bkschema
    if ! in_root sh -c "apt-get install -y -o Dpkg::Use-Pty=0 $USB/$(basename "$NEW_DEB") $USB/deps/*.deb" \
            > "$WORK/step4-apt.log" 2>&1; then
        tail -n 25 "$WORK/step4-apt.log"
        result FAIL "step 4: upgrade" "apt-get install of the newer package failed"
        return 1
    fi
    version="$(in_root dpkg-query -W -f="\${Version}" ruralcouncil)"
    if as_user ruralcouncil --version > "$WORK/version.out" 2>/dev/null; then
        info "ruralcouncil --version: $(cat "$WORK/version.out")"
    else
        info "ruralcouncil --version: no such option; dpkg says $version"
    fi
    [[ "$version" == "$NEW_DEB_VERSION" ]] || problem "installed version $version, expected $NEW_DEB_VERSION"
    info "icons: $(cd "$ROOT/usr/share" && find icons/hicolor pixmaps -name 'ruralcouncil.*' 2>/dev/null | sort -V | tr '\n' ' ')"
    local missing required
    missing="$(ldd_missing)"; required="$(grep -Ev "$LDD_OPTIONAL" <<<"$missing" || true)"
    info "ldd over the newer program's files, not found: ${missing:-nothing}"
    [[ -z "$required" ]] || problem "newer build: libraries not bundled and not declared: $(awk '{print $1}' <<<"$required" | sort -u | tr '\n' ' ')"
    smoke_test new

    # Read-only commands still read the earlier file; an administrator's login upgrades it.
    rc_cli verify --json > "$WORK/step-verify-before-login.out" 2> "$WORK/step-verify-before-login.err"
    info "verify before any login: exit $?, schema $(json_get "$WORK/step-verify-before-login.out" 'd.get("schema_version")' 2>/dev/null)"
    as_user RURALCOUNCIL_PASSWORD="$ADMIN_PASSWORD" RURALCOUNCIL_NEW_PASSWORD="auditor's own password" \
        ruralcouncil --lang en --db "$LEDGER" user add aigerim --role auditor --user admin \
        > "$WORK/step-login.out" 2> "$WORK/step-login.err"
    rc=$?
    info "\$ ruralcouncil user add aigerim --role auditor --user admin (the administrator's first login) → exit $rc: $(cat "$WORK/step-login.out")"
    sed 's/^/      /' "$WORK/step-login.err" | head -n 5
    [[ $rc -eq 0 ]] || problem "the administrator's login after the upgrade exited $rc"

    rc_cli verify --json --anchor "$ANCHOR_N:$ANCHOR_HEAD" > "$WORK/step-verify-new.out" 2> "$WORK/step-verify-new.err"
    rc=$?
    info "verify --anchor $ANCHOR_N:${ANCHOR_HEAD:0:16}… → exit $rc: ok=$(json_get "$WORK/step-verify-new.out" 'd["ok"]' 2>/dev/null), chain $(json_get "$WORK/step-verify-new.out" 'd["entries"]' 2>/dev/null) long, schema $(json_get "$WORK/step-verify-new.out" 'd.get("schema_version")' 2>/dev/null)"
    [[ $rc -eq 0 ]] || problem "verify with the earlier anchor exited $rc: $(head -c 300 "$WORK/step-verify-new.out" "$WORK/step-verify-new.err")"
    NEW_LEDGER_SCHEMA="$(json_get "$WORK/step-verify-new.out" 'd.get("schema_version")' 2>/dev/null)"

    rc_cli summary --year "$YEAR" --json > "$WORK/step-summary-new.out" 2> "$WORK/step-summary-new.err" ||
        problem "summary after the upgrade failed: $(head -c 300 "$WORK/step-summary-new.err")"
    rc_cli ledger --year "$YEAR" --json > "$WORK/step-ledger-new.out" 2> "$WORK/step-ledger-new.err" ||
        problem "ledger after the upgrade failed"
    if [[ "$(figures_of "$WORK/step-summary-old.out")" == "$(figures_of "$WORK/step-summary-new.out")" ]]; then
        info "summary $YEAR: receipts, payments, boxes and cash identical"
    else
        problem "the summary's figures changed"
        diff <(figures_of "$WORK/step-summary-old.out") <(figures_of "$WORK/step-summary-new.out") | head -n 10
    fi
    if [[ "$(entries_of "$WORK/step-ledger-old.out")" == "$(entries_of "$WORK/step-ledger-new.out")" ]]; then
        info "ledger $YEAR: the 7 entries identical field by field"
    else
        problem "the ledger's entries changed"
    fi

    # The migration and the copy kept aside.
    backups="$(find "$ROOT/home/$VILLAGER" -maxdepth 1 -name 'village.ruralcouncil.v*-*.before-upgrade' -printf '%f\n')"
    if [[ "$OLD_LEDGER_SCHEMA" != "$CUR_SCHEMA" ]]; then
        [[ "$NEW_LEDGER_SCHEMA" == "$CUR_SCHEMA" ]] || problem "the ledger is at schema $NEW_LEDGER_SCHEMA after the login, expected $CUR_SCHEMA"
        if [[ -z "$backups" ]]; then
            problem "no village.ruralcouncil.v$OLD_LEDGER_SCHEMA-*.before-upgrade was kept"
        else
            bkschema="$(python3 -c 'import sqlite3,sys; print(sqlite3.connect("file:" + sys.argv[1] + "?immutable=1", uri=True).execute("PRAGMA user_version").fetchone()[0])' "$ROOT/home/$VILLAGER/$backups")"
            info "kept aside: ~/$backups ($(stat -c %s "$ROOT/home/$VILLAGER/$backups") bytes, schema $bkschema)"
            [[ "$bkschema" == "$OLD_LEDGER_SCHEMA" ]] || problem "the copy kept aside is at schema $bkschema"
        fi
        MIGRATION="schema $OLD_LEDGER_SCHEMA → $NEW_LEDGER_SCHEMA, copy kept as ~/$backups"
    else
        MIGRATION="no schema change (version bump only)"
        [[ -z "$backups" ]] || problem "a .before-upgrade copy appeared without a schema change"
    fi
    # The program itself says which version it is: a backup's manifest names it.
    rc_cli backup "/home/$VILLAGER/backups/after-upgrade.ruralcouncil" > /dev/null 2> "$WORK/step-backup-new.err" ||
        problem "a backup after the upgrade failed"
    program_version="$(json_get "$ROOT/home/$VILLAGER/backups/after-upgrade.ruralcouncil.json" 'd["program_version"]' 2>/dev/null)"
    info "program version in the backups' manifests: before $(json_get "$ROOT/home/$VILLAGER/backups/before-upgrade.ruralcouncil.json" 'd["program_version"]' 2>/dev/null), after $program_version"
    [[ "$program_version" == "$NEW_VERSION" ]] || problem "the program reports version '$program_version', expected $NEW_VERSION"
    if ((${#PROBLEMS[@]})); then
        result FAIL "step 4: upgrade" "${PROBLEMS[*]}"
        return 1
    fi
    result PASS "step 4: upgrade" "$OLD_DEB_VERSION → $version; $MIGRATION; verify ok with the earlier anchor; figures and entries identical; newer smoke test ok"
}

step_remove() {
    say "step 5: remove, then reinstall and purge: user data untouched"
    PROBLEMS=()
    local before scripts status
    scripts="$(find "$ROOT/var/lib/dpkg/info" -maxdepth 1 -regextype posix-extended \
        -regex '.*/ruralcouncil\.(preinst|postinst|prerm|postrm|config)' -printf '%f ')"
    [[ -z "$scripts" ]] || problem "the package has maintainer scripts: $scripts"
    before="$(home_state)"
    info "user files before: $(wc -l <<<"$before") ($(grep -c 'ruralcouncil' <<<"$before") ledger, backup and manifest files)"
    in_root apt-get remove -y ruralcouncil > "$WORK/step5-remove.log" 2>&1 || problem "apt-get remove failed"
    [[ ! -e "$ROOT/opt/ruralcouncil" ]] || problem "/opt/ruralcouncil is still there after remove"
    [[ ! -e "$ROOT/usr/bin/ruralcouncil" && ! -L "$ROOT/usr/bin/ruralcouncil" ]] || problem "/usr/bin/ruralcouncil is still there"
    [[ ! -e "$ROOT/usr/share/applications/ruralcouncil.desktop" ]] || problem "the menu entry is still there"
    [[ "$(home_state)" == "$before" ]] || problem "remove changed the user's files"
    info "after remove: /opt/ruralcouncil gone; the user's files identical"
    in_root apt-get install -y -o Dpkg::Use-Pty=0 "$USB/$(basename "$NEW_DEB")" > "$WORK/step5-reinstall.log" 2>&1 ||
        problem "reinstalling offline failed"
    [[ -x "$ROOT/opt/ruralcouncil/ruralcouncil" ]] || problem "the reinstall left no program"
    rc_cli verify > /dev/null 2>&1 || problem "verify after the reinstall failed"
    before="$(home_state)"
    in_root apt-get purge -y ruralcouncil > "$WORK/step5-purge.log" 2>&1 || problem "apt-get purge failed"
    [[ ! -e "$ROOT/opt/ruralcouncil" ]] || problem "/opt/ruralcouncil is still there after purge"
    status="$(in_root dpkg-query -W -f="\${Status}" ruralcouncil 2>/dev/null)"
    [[ -z "$status" || "$status" == *not-installed ]] || problem "dpkg still has ruralcouncil after purge: $status"
    [[ "$(home_state)" == "$before" ]] || problem "purge changed the user's files"
    info "after purge: the package is unknown to dpkg; the user's files identical:"
    sed -E 's#^[0-9a-f]+  \./#      ~/#' <<<"$before"
    if ((${#PROBLEMS[@]})); then
        result FAIL "step 5: remove and purge" "${PROBLEMS[*]}"
        return 1
    fi
    result PASS "step 5: remove and purge" "program gone, $(wc -l <<<"$before") user files (ledger, backups, any .before-upgrade copy, settings) unchanged, no maintainer scripts"
}

step_windows() {
    local script="$REPO/installer/compile-nsis.sh" rc
    [[ -f "$script" ]] || { info "installer/compile-nsis.sh does not exist: the Windows check is skipped"; return 0; }
    say "Windows installer compiles (makensis -WX)"
    (cd "$REPO" && timeout 900 bash "$script") > "$WORK/compile-nsis.log" 2>&1
    rc=$?
    tail -n 15 "$WORK/compile-nsis.log" | sed 's/^/    /'
    if [[ $rc -eq 0 ]]; then
        result PASS "Windows installer compiles (makensis -WX)" "installer/compile-nsis.sh exited 0"
    else
        result FAIL "Windows installer compiles (makensis -WX)" "installer/compile-nsis.sh exited $rc (see $WORK/compile-nsis.log)"
    fi
}

# --------------------------------------------------------------------------------------

START=$(date +%s)
echo "RuralCouncil on a clean, offline Debian 12 — $(date -u '+%Y-%m-%d %H:%M UTC'), repository $REPO"
echo "working tree: version $CUR_VERSION, ledger schema $CUR_SCHEMA; the newer build is numbered $NEW_VERSION"

if step_build && step_root && step_install; then
    step_smoke
    if step_ledger; then
        step_upgrade
    else
        result FAIL "step 4: upgrade" "not run: no ledger"
    fi
    step_remove
else
    for s in "step 1: install offline" "step 2: smoke test" "step 3: ledger" "step 4: upgrade" "step 5: remove and purge"; do
        printf '%s\n' "${RESULTS[@]}" | grep -qF "$s" || result FAIL "$s" "not run"
    done
fi
step_windows

say "summary"
printf '%s\n' "${RESULTS[@]}"
echo
if [[ -n "${OLD_DEB:-}" && -n "${NEW_DEB:-}" ]]; then
    echo "build time (working tree, newer build): PyInstaller ${PYI_SECONDS_new:-?} s + .deb (xz -9) ${DEB_SECONDS_new:-?} s = $(( ${PYI_SECONDS_new:-0} + ${DEB_SECONDS_new:-0} )) s"
    echo "build time (older build):               PyInstaller ${PYI_SECONDS_old:-?} s + .deb (xz -9) ${DEB_SECONDS_old:-?} s"
    echo "sizes:"
    echo "  one-folder build (newer): $(human "$(size_of "$WORK/dist/new/ruralcouncil")")  ($WORK/dist/new/ruralcouncil)"
    echo "  one-folder build (older): $(human "$(size_of "$WORK/dist/old/ruralcouncil")")"
    echo "  $(basename "$OLD_DEB"): $(human "$(stat -c %s "$OLD_DEB")")  ($OLD_DEB)"
    echo "  $(basename "$NEW_DEB"): $(human "$(stat -c %s "$NEW_DEB")")  ($NEW_DEB)"
    [[ -n "${PORTABLE_ZIP:-}" ]] && echo "  $(basename "$PORTABLE_ZIP"): $(human "$(stat -c %s "$PORTABLE_ZIP")")  ($PORTABLE_ZIP)"
    [[ -d "$ROOT$USB/deps" ]] && echo "  dependencies on the stick: $(count_debs "$ROOT$USB/deps") packages, $(human "$(size_of "$ROOT$USB/deps")")"
    echo "Depends: $(dpkg-deb -f "$NEW_DEB" Depends)"
fi
echo "total time: $(( $(date +%s) - START )) s; log: $LOG"
if [[ $FAILED -ne 0 ]]; then
    echo "RESULT: FAIL"
    exit 1
fi
echo "RESULT: PASS"
