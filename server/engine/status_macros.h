// Early-return helpers for absl::Status and absl::StatusOr, the engine's error values.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CG_RETURN_IF_ERROR(expr)           \
  do {                                     \
    ::absl::Status cg_status_ = (expr);    \
    if (!cg_status_.ok()) return cg_status_; \
  } while (false)

#define CG_CONCAT_INNER(a, b) a##b
#define CG_CONCAT(a, b) CG_CONCAT_INNER(a, b)
#define CG_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(*tmp)
// CG_ASSIGN_OR_RETURN(auto x, Function()) declares x from an OK StatusOr or returns its error.
#define CG_ASSIGN_OR_RETURN(lhs, expr) \
  CG_ASSIGN_OR_RETURN_IMPL(CG_CONCAT(cg_statusor_, __LINE__), lhs, expr)
