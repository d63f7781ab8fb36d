# Cross toolchain for AArch64 Linux with Debian 12's packages, tests run
# under qemu-user:
#   cmake -S . -B build-aarch64 -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
# Needs qemu-user g++-aarch64-linux-gnu libc6-dev-arm64-cross and, from the
# arm64 multiarch architecture, libfmt-dev:arm64 (tools/setup.sh --aarch64
# installs them all).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CPJIT_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${CPJIT_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${CPJIT_CROSS_TRIPLE}-g++)
# Debian's multiarch library folder (/usr/lib/aarch64-linux-gnu, where
# libfmt-dev:arm64 puts its library and CMake config).
set(CMAKE_LIBRARY_ARCHITECTURE ${CPJIT_CROSS_TRIPLE})

# Target libraries and packages come from the cross sysroot
# (/usr/aarch64-linux-gnu: libc, libstdc++) and from the multiarch folders
# under / (/usr/lib/aarch64-linux-gnu; architecture-independent configs such
# as doctest's in /usr/lib/cmake; shared headers in /usr/include). Programs
# (python3, qemu) are the host's.
set(CMAKE_FIND_ROOT_PATH /usr/${CPJIT_CROSS_TRIPLE} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# binfmt_misc is not active: ctest, doctest_discover_tests and the tests that
# spawn cpjit (CPJIT_EMULATOR, tests/CMakeLists.txt) call qemu explicitly.
# No -L: programs run with Debian's arm64 multiarch dynamic loader
# (/lib/ld-linux-aarch64.so.1, libc6:arm64), the one that belongs to the libc
# it finds through /etc/ld.so.cache. With -L /usr/aarch64-linux-gnu the loader
# came from the cross sysroot (libc6-arm64-cross, an older build) and libc
# from libc6:arm64; their private _rtld_global differs in size (4,512 and
# 4,520 bytes in Debian 12), and pthread_create's walk of the thread-stack
# cache libc keeps in it never ended (diff_driver's watchdog thread).
set(CMAKE_CROSSCOMPILING_EMULATOR "qemu-aarch64")
