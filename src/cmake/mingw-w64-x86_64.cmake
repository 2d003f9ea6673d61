# SPDX-License-Identifier: MIT
# CMake toolchain file: cross-compile pnpsim for 64-bit Windows with Debian's MinGW-w64 and
# run the resulting .exe files (tests, demo) under Wine through ctest.
#
#   cmake -S . -B build/mingw -DCMAKE_TOOLCHAIN_FILE=src/cmake/mingw-w64-x86_64.cmake \
#         -DMINGW_DEPS_PREFIX=$PWD/.deps/mingw64
#
# MINGW_DEPS_PREFIX is where cross-built dependencies (CMocka) are installed; .ci/windows.sh
# builds it from Debian's source package. Wine must run with a persistent, warmed-up
# wineserver or ctest waits ~3 s per test (or hangs): .ci/windows.sh prepares that too.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(PNPSIM_MINGW_TRIPLET x86_64-w64-mingw32)

# Pin the POSIX-threads variant: Debian's default alternative is the -win32 one.
set(CMAKE_C_COMPILER ${PNPSIM_MINGW_TRIPLET}-gcc-posix)
set(CMAKE_CXX_COMPILER ${PNPSIM_MINGW_TRIPLET}-g++-posix)
set(CMAKE_RC_COMPILER ${PNPSIM_MINGW_TRIPLET}-windres)

# try_compile() projects must see the same dependency prefix.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES MINGW_DEPS_PREFIX)
if(NOT MINGW_DEPS_PREFIX AND DEFINED ENV{MINGW_DEPS_PREFIX})
  set(MINGW_DEPS_PREFIX "$ENV{MINGW_DEPS_PREFIX}")
endif()

set(CMAKE_FIND_ROOT_PATH /usr/${PNPSIM_MINGW_TRIPLET} ${MINGW_DEPS_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Link statically: the .exe then imports only KERNEL32.dll and msvcrt.dll. Without it Wine
# exits with 53 (STATUS_DLL_NOT_FOUND, libwinpthread-1.dll) and prints nothing.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc")

# Debian has no /usr/bin/wine64: /usr/bin/wine is a launcher that runs the 64-bit loader.
find_program(PNPSIM_WINE_EXECUTABLE NAMES wine64 wine)
if(PNPSIM_WINE_EXECUTABLE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${PNPSIM_WINE_EXECUTABLE})
endif()
