// FUZZ_CHECK: the assertion of the fuzz targets. A violated property prints where and what, then
// aborts, which libFuzzer reports as a crash (and saves the input) and which fails the
// regression runner under ctest. Unlike assert(), it is active in every build type.
#pragma once

#include <google/protobuf/stubs/logging.h>

#include <cstdio>
#include <cstdlib>

namespace claimgraph::fuzz {
// protobuf logs every rejected message (invalid UTF-8, bad JSON) at ERROR; at fuzzing rates that
// buries the report. Rejections are expected here, so its log is silenced once per process.
inline const bool kProtobufLogSilenced = [] {
  google::protobuf::SetLogHandler(nullptr);
  return true;
}();
}  // namespace claimgraph::fuzz

#define FUZZ_CHECK(condition)                                                                 \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (false)
