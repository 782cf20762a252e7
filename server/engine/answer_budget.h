// The bytes of the records one answer (or one page of it) carries, against the answer limit
// (--max-answer-mb). The first record is always taken, so an answer or a page is never empty while
// records remain; the caller ends the answer (truncated) or the page (a token) at the first record
// that does not fit.
#pragma once

#include <google/protobuf/message.h>

#include <cstddef>

namespace claimgraph {

class AnswerBudget {
 public:
  // `used`: bytes the answer holds before its records (summaries, totals).
  explicit AnswerBudget(size_t limit, size_t used = 0) : limit_(limit), used_(used) {}
  // Counts `bytes` more and says whether they fit; bytes that do not fit are not counted.
  bool Take(size_t bytes) {
    if (taken_ > 0 && used_ + bytes > limit_) return false;
    used_ += bytes;
    ++taken_;
    return true;
  }
  // Take for an element of a repeated field: its bytes plus its field tag and length prefix.
  bool TakeRecord(const google::protobuf::Message& record) {
    return Take(record.ByteSizeLong() + kTagAndLengthBytes);
  }

 private:
  static constexpr size_t kTagAndLengthBytes = 1 + 5;
  size_t limit_;
  size_t used_;
  size_t taken_ = 0;
};

}  // namespace claimgraph
