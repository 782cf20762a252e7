// Statement scores (docs/provenance.md 3.5): rescoring after writes, inline or on the rescoring
// thread, and at start-up for the statements a crash or an offline load left marked.
#include <chrono>

#include "engine/write/database_impl.h"

namespace claimgraph {

using keys::IdKind;
using keys::kDirtyScorePrefix;
using storage::Family;

// The statements whose fused score depends on `source` after a new version of it changed its
// reliability grade: those with a claim found in it; with `derivations` (its derivation links
// changed), also those with a claim found in any source deriving from it, transitively (the 'd'
// index), whose origin sets hold its root documents. Reads the claim postings of those sources
// and one claim record per posting.
absl::StatusOr<std::set<uint64_t>> DependentStatements(const ReadView& view, uint64_t source,
                                                       bool derivations) {
  std::vector<uint64_t> sources{source};
  std::set<uint64_t> seen{source};
  for (size_t next = 0; derivations && next < sources.size(); ++next) {
    CG_RETURN_IF_ERROR(view.ForEachDerivationLink(sources[next], [&](uint64_t later) {
      if (seen.insert(later).second) sources.push_back(later);
      return true;
    }));
  }
  std::set<uint64_t> statements;
  absl::Status failure;
  for (uint64_t found_in : sources) {
    CG_RETURN_IF_ERROR(view.ForEachPosting(
        keys::kClaimsBySource, found_in, std::nullopt, [&](const ReadView::Posting& posting) {
          failure = [&]() -> absl::Status {
            CG_ASSIGN_OR_RETURN(auto claim, view.StoredClaim(posting.second));
            if (!claim) return absl::DataLossError("claim index points at a missing claim");
            CG_ASSIGN_OR_RETURN(auto statement,
                                view.Resolve(IdKind::kStatement, claim->statement_id()));
            if (statement) statements.insert(*statement);
            return absl::OkStatus();
          }();
          return failure.ok();
        }));
    CG_RETURN_IF_ERROR(failure);
  }
  return statements;
}

absl::Status Database::Impl::StageScore(const ReadView& view, uint64_t statement_id,
                                        std::optional<double> score, bool pending,
                                        storage::WriteBatch* batch,
                                        std::vector<keys::EdgeKey>* edges) {
  CG_ASSIGN_OR_RETURN(auto statement, view.StatementByInternalId(statement_id));
  if (!statement) return absl::OkStatus();
  CG_ASSIGN_OR_RETURN(auto subject, view.Resolve(IdKind::kEntity, statement->subject_id()));
  CG_ASSIGN_OR_RETURN(auto predicate, view.Resolve(IdKind::kPredicate, statement->predicate()));
  if (!subject || !predicate)
    return absl::DataLossError("statement with unknown subject or predicate");
  uint64_t object = 0;
  if (statement->object().kind_case() == v1::Value::kEntityId) {
    CG_ASSIGN_OR_RETURN(auto found, view.Resolve(IdKind::kEntity, statement->object().entity_id()));
    object = found.value_or(0);
  }
  storage::EdgeAggregate delta;
  delta.score = score.value_or(0.0);
  delta.score_pending = pending;
  auto predicate_id = static_cast<uint32_t>(*predicate);
  keys::EdgeKey out{keys::kOutEdge, *subject, predicate_id, object, statement_id};
  batch->MergeAggregate(Family::kEdges, out.Encode(), delta.Encode());
  if (object != 0) {
    batch->MergeAggregate(
        Family::kEdges,
        keys::EdgeKey{keys::kInEdge, object, predicate_id, *subject, statement_id}.Encode(),
        delta.Encode());
  }
  if (edges != nullptr) edges->push_back(out);
  if (!pending) batch->Delete(Family::kMeta, keys::DirtyScoreKey(statement_id));
  return absl::OkStatus();
}

absl::Status Database::Impl::Rescore(const std::set<uint64_t>& statements) {
  if (!scorer || statements.empty()) return absl::OkStatus();
  const uint64_t time = clock.load();
  std::unique_ptr<ReadView> view;
  storage::WriteBatch batch;
  for (uint64_t statement_id : statements) {
    auto pending = pending_scores.find(statement_id);
    if (pending != pending_scores.end()) {
      pending->second = time;
      continue;
    }
    StatementScore result;
    result.too_many_claims = options.inline_rescore_max_claims == 0;
    if (!result.too_many_claims) {
      if (!view) view = LatestView();
      CG_ASSIGN_OR_RETURN(result, scorer(*view, statement_id, options.inline_rescore_max_claims));
    }
    if (result.too_many_claims) {
      pending_scores.emplace(statement_id, time);
      rescore_queue.push_back(statement_id);
      rescore_wake.notify_one();
      continue;
    }
    CG_RETURN_IF_ERROR(StageScore(*view, statement_id, result.score, false, &batch, nullptr));
  }
  if (batch.empty()) return absl::OkStatus();
  return store->Write(batch, storage::WriteSync::kDeferred);
}

absl::Status Database::Impl::RescoreNow(const std::set<uint64_t>& statements) {
  if (!scorer || statements.empty()) return absl::OkStatus();
  // Statements are handed out in chunks, and each chunk's scores are written as one batch: memory
  // stays bounded however many statements are marked (an offline load marks every one), and a
  // failure leaves the markers of the unwritten chunks for the next SetStatementScorer.
  constexpr size_t kChunk = 2048;
  const std::vector<uint64_t> ids(statements.begin(), statements.end());
  size_t threads = options.rescore_threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, (ids.size() + kChunk - 1) / kChunk);
  // One view per thread (a ReadView is single-threaded), all taken before any score lands, so
  // every scorer reads the same state: the caller holds write_mutex, and the scores written
  // meanwhile are not what a scorer reads anyway.
  // They share a cache of this one state for the pass (the sources many statements' claims
  // name), not the record cache: a one-pass rescore reads each claim once, and keeping claims
  // would only churn it.
  std::unique_ptr<RecordCache> pass_cache;
  if (options.record_cache_bytes > 0) {
    pass_cache =
        std::make_unique<RecordCache>(options.record_cache_bytes, RecordCache::Holds::kStateOnly);
  }
  std::vector<std::unique_ptr<ReadView>> views;
  for (size_t i = 0; i < threads; ++i) views.push_back(LatestView(pass_cache.get()));
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<absl::Status> results(threads);
  auto work = [&](size_t worker) {
    const ReadView& view = *views[worker];
    while (!failed.load()) {
      const size_t begin = next.fetch_add(kChunk);
      if (begin >= ids.size()) return;
      const size_t end = std::min(begin + kChunk, ids.size());
      storage::WriteBatch batch;
      absl::Status status;
      for (size_t i = begin; i < end && status.ok(); ++i) {
        auto result = scorer(view, ids[i], std::numeric_limits<size_t>::max());
        status = result.ok() ? StageScore(view, ids[i], result->score, false, &batch, nullptr)
                             : result.status();
      }
      if (status.ok()) status = store->Write(batch, storage::WriteSync::kDeferred);
      if (!status.ok()) {
        results[worker] = status;
        failed.store(true);
        return;
      }
    }
  };
  std::vector<std::thread> helpers;
  for (size_t i = 1; i < threads; ++i) helpers.emplace_back(work, i);
  work(0);
  for (auto& helper : helpers) helper.join();
  for (const auto& result : results) CG_RETURN_IF_ERROR(result);
  return absl::OkStatus();
}

absl::Status Database::Impl::LandScore(const ReadView& view, uint64_t statement_id,
                                       std::optional<double> score, uint64_t seen) {
  auto pending = pending_scores.find(statement_id);
  if (pending == pending_scores.end()) return absl::OkStatus();  // only this thread erases
  const bool current = pending->second <= seen;
  // The rescore is a write of its own: it advances the clock, so commit observers (the traversal
  // topology) order it after the writes its snapshot saw.
  const uint64_t time = NextTime();
  storage::WriteBatch batch;
  std::string encoded_time;
  keys::AppendU64(&encoded_time, time);
  batch.Put(Family::kMeta, keys::kClockKey, encoded_time);
  std::vector<keys::EdgeKey> edges;
  CG_RETURN_IF_ERROR(StageScore(view, statement_id, score, !current, &batch, &edges));
  CG_RETURN_IF_ERROR(store->Write(batch, storage::WriteSync::kDeferred));
  CG_RETURN_IF_ERROR(UpdateSourceGraph(time, {}));
  NotifyCommitted(time, {statement_id}, edges);
  if (!current) {
    // Writes came after the snapshot: this value is newer than the stored one but still pending.
    rescore_queue.push_back(statement_id);
    return absl::OkStatus();
  }
  pending_scores.erase(pending);
  if (pending_scores.empty()) rescore_settled.notify_all();
  return absl::OkStatus();
}

void Database::Impl::RescoreLoop() {
  std::unique_lock lock(write_mutex);
  while (true) {
    rescore_wake.wait(lock, [&] { return stop_rescoring || !rescore_queue.empty(); });
    if (stop_rescoring) return;
    const uint64_t statement_id = rescore_queue.front();
    rescore_queue.pop_front();
    // The snapshot and the clock together, under the lock: the snapshot holds exactly the writes
    // up to `seen`.
    const uint64_t seen = clock.load();
    std::unique_ptr<ReadView> view = LatestView();
    StatementScorer score = scorer;
    lock.unlock();
    auto result = score(*view, statement_id, std::numeric_limits<size_t>::max());
    lock.lock();
    absl::Status status = result.status();
    if (status.ok()) status = LandScore(*view, statement_id, result->score, seen);
    if (status.ok()) continue;
    // Left pending (and its dirty marker in place); retried after a pause, so a failing store
    // is not hammered.
    rescore_failures += 1;
    last_rescore_failure = status;
    rescore_settled.notify_all();
    rescore_queue.push_back(statement_id);
    rescore_wake.wait_for(lock, std::chrono::milliseconds(100), [&] { return stop_rescoring; });
  }
}

void Database::Impl::StopRescoring() {
  {
    std::lock_guard lock(write_mutex);
    stop_rescoring = true;
  }
  rescore_wake.notify_all();
  rescore_settled.notify_all();
  // Statements still pending keep their dirty markers: the next SetStatementScorer rescores them.
  if (rescorer.joinable()) rescorer.join();
}

absl::Status Database::SetStatementScorer(StatementScorer scorer) {
  std::lock_guard lock(impl_->write_mutex);
  impl_->scorer = std::move(scorer);
  // A crash or a close before a rescore landed leaves a dirty marker: rescore those now.
  std::set<uint64_t> dirty;
  std::string lower(kDirtyScorePrefix);
  auto cursor =
      impl_->store->NewCursor(nullptr, Family::kMeta, lower, keys::PrefixSuccessor(lower));
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto statement = keys::DecodeDirtyScoreKey(cursor->key());
    if (!statement) return absl::DataLossError("malformed dirty score marker");
    // Queued ones (when the scorer is replaced) are the rescoring thread's.
    if (impl_->pending_scores.count(*statement) == 0) dirty.insert(*statement);
  }
  CG_RETURN_IF_ERROR(cursor->status());
  // Sources a deferred-scoring write regraded or relinked: their dependents too. The markers go
  // once the scores are written (a failure before leaves them for the next call).
  storage::WriteBatch done;
  std::string sources(keys::kSourceRescorePrefix);
  cursor = impl_->store->NewCursor(nullptr, Family::kMeta, sources, keys::PrefixSuccessor(sources));
  std::unique_ptr<ReadView> view;
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto marker = keys::DecodeSourceRescoreKey(cursor->key());
    if (!marker) return absl::DataLossError("malformed source rescore marker");
    if (!view) view = impl_->LatestView();
    CG_ASSIGN_OR_RETURN(auto dependents,
                        DependentStatements(*view, marker->source, marker->derivations));
    for (uint64_t statement : dependents) {
      if (impl_->pending_scores.count(statement) == 0) dirty.insert(statement);
    }
    done.Delete(Family::kMeta, std::string(cursor->key()));
  }
  CG_RETURN_IF_ERROR(cursor->status());
  CG_RETURN_IF_ERROR(impl_->RescoreNow(dirty));
  // Synced: the scores above were written deferred, and the log is synced in order, so once the
  // markers' removal is durable so are the scores that replace them.
  if (!done.empty()) CG_RETURN_IF_ERROR(impl_->store->Write(done));
  if (!impl_->rescorer.joinable() && !impl_->stop_rescoring) {
    impl_->rescorer = std::thread([impl = impl_.get()] { impl->RescoreLoop(); });
  }
  return absl::OkStatus();
}

absl::Status Database::SettleScores() {
  std::unique_lock lock(impl_->write_mutex);
  const uint64_t failures = impl_->rescore_failures;
  impl_->rescore_settled.wait(lock, [&] {
    return impl_->pending_scores.empty() || impl_->stop_rescoring ||
           impl_->rescore_failures != failures;
  });
  if (impl_->rescore_failures != failures) return impl_->last_rescore_failure;
  return absl::OkStatus();
}

}  // namespace claimgraph
