// On-disk format upgrades done by Database::Open: a version 1 database (no lifecycle markers)
// gains the 'h' marker of every claim with an event on its first read-write open, and a
// read-only open of it is refused rather than answering without the events.
#include <doctest/doctest.h>

#include "engine/database.h"
#include "engine/storage/key_codec.h"
#include "unit/engine/test_database.h"

namespace claimgraph {
namespace {

using testing::MakeClaim;
using testing::MakeRetraction;
using testing::MakeStatement;
using testing::Must;

std::optional<std::string> MetaValue(Database& db, std::string_view key) {
  return Must(db.store().Get(nullptr, storage::Family::kMeta, key));
}

TEST_CASE("a version 1 database gains the lifecycle markers on its first read-write open") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  std::vector<std::string> claims;
  for (const char* claimant : {"john_kirby", "william_burns", "nsc"}) {
    claims.push_back(
        Must(t.db->CreateClaim(MakeClaim(MakeStatement("iran", "supplies", "russia"), claimant), "",
                               t.context))
            .record.id());
  }
  Must(t.db->RecordLifecycleEvent(MakeRetraction(claims[0], "john_kirby"), t.context));
  Must(t.db->RecordLifecycleEvent(MakeRetraction(claims[1], "william_burns"), t.context));
  v1::LifecycleEvent deprecation;
  deprecation.set_kind(v1::LIFECYCLE_KIND_DEPRECATION);
  deprecation.mutable_target()->set_claim_id(claims[1]);
  deprecation.set_actor_id("checker");
  Must(t.db->RecordLifecycleEvent(deprecation, t.context));

  // Make it what version 1 wrote: the same keys without the markers.
  std::vector<uint64_t> internal;
  {
    auto view = t.View();
    for (const auto& id : claims)
      internal.push_back(*Must(view->Resolve(keys::IdKind::kClaim, id)));
    storage::WriteBatch batch;
    for (uint64_t id : internal) {
      batch.Delete(storage::Family::kRecords, keys::RecordKey(keys::kClaimHasEvents, id));
    }
    std::string version;
    keys::AppendU32(&version, 1);
    batch.Put(storage::Family::kMeta, keys::kFormatVersionKey, version);
    REQUIRE(t.db->store().Write(batch).ok());
    // Without the markers this build would not see the events.
    CHECK(Must(view->ClaimEvents(internal[0])).size() == 1);
    CHECK(Must(t.View()->ClaimEvents(internal[0])).empty());
  }
  t.db.reset();

  auto read_only = testing::TestOptions(t.dir.path());
  read_only.storage.read_only = true;
  auto refused = Database::Open(read_only);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(refused.status().message()).find("format version 1") != std::string::npos);

  t.Reopen();
  CHECK(keys::DecodeU32(*MetaValue(*t.db, keys::kFormatVersionKey)) == keys::kFormatVersion);
  auto view = t.View();
  CHECK(Must(view->ClaimEvents(internal[0])).size() == 1);
  CHECK(Must(view->ClaimEvents(internal[1])).size() == 2);
  CHECK(Must(view->ClaimEvents(internal[2])).empty());
  CHECK(Must(view->GetClaim(claims[0])).status() == v1::CLAIM_STATUS_RETRACTED);
  CHECK(Must(view->GetClaim(claims[1])).status() == v1::CLAIM_STATUS_RETRACTED);
  CHECK(Must(view->GetClaim(claims[2])).status() == v1::CLAIM_STATUS_ACTIVE);
  CHECK_FALSE(Must(t.db->store().Get(nullptr, storage::Family::kRecords,
                                     keys::RecordKey(keys::kClaimHasEvents, internal[2])))
                  .has_value());
}

}  // namespace
}  // namespace claimgraph
