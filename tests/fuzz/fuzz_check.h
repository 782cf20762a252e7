// FUZZ_CHECK: the assertion of the fuzz targets. A violated property prints where and what, then
// aborts, which libFuzzer reports as a crash (and saves the input) and which fails the
// regression runner under ctest. Unlike assert(), it is active in every build type.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                 \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (false)
