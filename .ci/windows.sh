#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Windows lane: cross-build pnpsim and its tests with MinGW-w64 and run them under Wine
# through ctest (`cmake --workflow --preset mingw`). Usable on its own from the repository
# root on Debian 12 once the packages .ci/run installs are there:
#
#   bash .ci/windows.sh
#
# 1. CMocka for Windows: Debian ships no MinGW build, so it is cross-built from Debian's own
#    source package (apt-get source cmocka) with PRIVATE apt state and source lists under
#    .deps/apt (nothing under /etc/apt is touched), and installed to .deps/mingw64, which is
#    kept as a cache between runs.
# 2. Wine: a persistent wineserver is started and the prefix warmed up (services started)
#    OUTSIDE ctest, with all stdio on /dev/null. Otherwise wine's services inherit ctest's
#    output pipe and ctest waits ~3 s per test, or forever. wineserver and the tests are
#    pinned to one CPU (taskset -c 0): server round trips are ~6x faster on small VMs.
#    The prefix lives outside the repository: $PNPSIM_WINEPREFIX, default
#    ~/.cache/pnpsim/wine-prefix (about 700 MB, reused between runs).
# 3. `cmake --workflow --preset mingw` (ctest -j1 under wine), then `wineserver -k`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
DEPS=${PNPSIM_DEPS_DIR:-$ROOT/.deps}
CMOCKA_PREFIX=$DEPS/mingw64
CMOCKA_RECIPE=2 # bump when build_cmocka changes: a cached build is then redone
TOOLCHAIN=$ROOT/src/cmake/mingw-w64-x86_64.cmake
JOBS=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}

say() { printf '[windows] %s\n' "$*"; }

for tool in x86_64-w64-mingw32-gcc-posix wine wineserver apt-get dpkg-source cmake taskset; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        say "missing '$tool': install gcc-mingw-w64-x86-64-posix wine wine64 dpkg-dev xz-utils" >&2
        exit 1
    fi
done

# ---- 1. CMocka cross-built from Debian's source package ------------------------------
build_cmocka() {
    local A=$DEPS/apt
    rm -rf "$A" "$DEPS/cmocka-build"
    mkdir -p "$A/parts" "$A/lists/partial" "$A/cache/archives/partial" "$A/src"
    # The machine's own Debian mirrors and suites, as deb-src entries (deb822 and one-line).
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        sed -E 's/^Types:.*/Types: deb-src/' "$f" >"$A/parts/$(basename "$f")"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        sed -nE 's/^[[:space:]]*deb([[:space:]])/deb-src\1/p' "$f" >"$A/parts/src-$(basename "$f")"
    done
    local aptopt=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$A/parts"
                  -o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache"
                  -o APT::Sandbox::User=root)
    say "apt-get update (private source lists in $A)"
    apt-get "${aptopt[@]}" update -qq
    say "apt-get source cmocka"
    (cd "$A/src" && apt-get "${aptopt[@]}" source -qq cmocka >/dev/null)
    local src
    src=$(ls -d "$A"/src/cmocka-*/ | head -n 1)
    [ -n "$src" ] || { say "apt-get source cmocka produced no source tree" >&2; exit 1; }
    # cmocka.h declares print_message/print_error (used by fail_msg) with
    # format(__printf__), which MinGW GCC checks as ms_printf: it rejects %zu, %lld, ...
    # Build cmocka with MinGW's C99 printf (__USE_MINGW_ANSI_STDIO=1, so %zu also works
    # on real Windows, whose msvcrt.dll lacks it) and declare its printers gnu_printf to
    # match. Both edits apply only to this private Windows build.
    sed -i 's/__format__ (__printf__, a, b)/__format__ (__gnu_printf__, a, b)/' "$src/include/cmocka.h"
    grep -q '__gnu_printf__' "$src/include/cmocka.h" ||
        { say "could not adapt cmocka.h's printf attribute" >&2; exit 1; }
    say "cross-building $(basename "$src") -> $CMOCKA_PREFIX"
    cmake -S "$src" -B "$DEPS/cmocka-build" -DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" \
        -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$CMOCKA_PREFIX" \
        -DCMAKE_C_FLAGS="-D__USE_MINGW_ANSI_STDIO=1" \
        -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF >/dev/null
    cmake --build "$DEPS/cmocka-build" -j"$JOBS" >/dev/null
    rm -rf "$CMOCKA_PREFIX"
    cmake --install "$DEPS/cmocka-build" >/dev/null
    echo "$CMOCKA_RECIPE" >"$CMOCKA_PREFIX/.pnpsim-recipe"
}

if [ "$(cat "$CMOCKA_PREFIX/.pnpsim-recipe" 2>/dev/null)" = "$CMOCKA_RECIPE" ] &&
    [ -f "$CMOCKA_PREFIX/lib/libcmocka-static.a" ] && [ -f "$CMOCKA_PREFIX/include/cmocka.h" ]; then
    say "CMocka for Windows: cached in $CMOCKA_PREFIX"
else
    build_cmocka
fi

# ---- 2. Wine: persistent server, warmed-up prefix, outside ctest ---------------------
export WINEPREFIX=${PNPSIM_WINEPREFIX:-${HOME:-/tmp}/.cache/pnpsim/wine-prefix}
export WINEDEBUG=-all                     # silence debug channels and Debian's wine32 hint
export WINEDLLOVERRIDES="mscoree,mshtml=" # never try to install Mono or Gecko
unset DISPLAY WAYLAND_DISPLAY || true     # console tests need no X server
PIN=(taskset -c 0)

stop_wine() { wineserver -k >/dev/null 2>&1 </dev/null || true; }
trap stop_wine EXIT

mkdir -p "$WINEPREFIX"
say "wine prefix: $WINEPREFIX"
t0=$(date +%s)
# A server that is already running (left by an earlier run) is fine: wineserver -p then
# fails, and the warm-up below talks to the running one.
"${PIN[@]}" wineserver -p >/dev/null 2>&1 </dev/null || true
if ! "${PIN[@]}" wine cmd.exe /c exit 0 >/dev/null 2>&1 </dev/null; then
    say "wine cannot start in $WINEPREFIX (remove it to recreate it)" >&2
    exit 1
fi
say "wineserver warm after $(($(date +%s) - t0)) s"

# ---- 3. Build (all cores), then the workflow pinned to CPU 0 with the server ----------
# The workflow's configure and build steps are then no-ops; its test step runs ctest -j1.
cmake --preset mingw
cmake --build --preset mingw
"${PIN[@]}" cmake --workflow --preset mingw
