# Compiler settings of the fuzz build (CAMPUS_FUZZ=ON, see README.md here), included by the top
# level before any module so that every library the targets link is instrumented the same way.

if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16)
  message(FATAL_ERROR
    "CAMPUS_FUZZ needs clang 16 or newer for libFuzzer and std::expected "
    "(configure with -DCMAKE_CXX_COMPILER=clang++-16); found ${CMAKE_CXX_COMPILER_ID} "
    "${CMAKE_CXX_COMPILER_VERSION}")
endif()

# libstdc++ 12 offers std::expected only when __cpp_concepts >= 202002L, because expected needs
# conditionally trivial special members (P0848). Clang 16 implements P0848 but still announces
# 201907L (clang 14 implements neither, hence clang 16), so the fuzz build announces it.
add_compile_options(-Wno-macro-redefined -D__cpp_concepts=202002L)

# Address and undefined-behaviour sanitizers on everything, any report fatal, and libFuzzer's
# coverage instrumentation on the libraries (the targets link libFuzzer itself).
add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                    -fsanitize=fuzzer-no-link -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)

# Unoptimised: the build is part of the test command's time, and -O1 doubles the compile time
# of these Boost-heavy sources for fuzzing perhaps twice as fast. Line tables give readable
# stack traces; asserts stay (no NDEBUG): an assert that fires is a finding.
set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O0 -gline-tables-only")

# The unit, integration and browser tests are the GCC build's; this build has the fuzz targets.
set(BUILD_TESTING OFF)
