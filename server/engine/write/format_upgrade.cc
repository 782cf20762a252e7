#include "engine/write/format_upgrade.h"

#include "engine/status_macros.h"
#include "engine/storage/key_codec.h"

namespace claimgraph {

using storage::Family;

// Format version 2 added the 'h' marker of claims with lifecycle events (readers skip the event
// scan of claims without it): writes it for every claim that has an event, then the version,
// last, so an interrupted upgrade is redone whole by the next open. Cost: one scan of the claim
// events, a small share of any database.
absl::Status UpgradeFromVersion1(storage::KeyValueStore& store) {
  constexpr size_t kMarkersPerBatch = 10000;
  std::string lower = keys::TargetKindPrefix(keys::kEventRecord, keys::TargetKind::kClaim);
  auto cursor = store.NewCursor(nullptr, Family::kRecords, lower, keys::PrefixSuccessor(lower));
  storage::WriteBatch batch;
  uint64_t last_claim = 0;
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) {
    auto key = keys::DecodeTargetRecordKey(cursor->key());
    if (!key) return absl::DataLossError("corrupt event key");
    const uint64_t claim = key->target;
    if (claim == last_claim) continue;
    last_claim = claim;
    batch.Put(Family::kRecords, keys::RecordKey(keys::kClaimHasEvents, claim), "");
    if (batch.operations().size() >= kMarkersPerBatch) {
      CG_RETURN_IF_ERROR(store.Write(batch));
      batch.Clear();
    }
  }
  CG_RETURN_IF_ERROR(cursor->status());
  std::string encoded;
  keys::AppendU32(&encoded, keys::kFormatVersion);
  batch.Put(Family::kMeta, keys::kFormatVersionKey, encoded);
  return store.Write(batch);
}

}  // namespace claimgraph
