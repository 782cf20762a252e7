// ReadView's batched and marker-guarded reads: a claim without lifecycle events is read without
// any scan, a claim with events still shows them at every as_of, and ResolveMany /
// SourcesByInternalIds answer exactly what the one-at-a-time calls answer.
#include "engine/read_view.h"

#include <doctest/doctest.h>

#include "engine/ids.h"
#include "engine/storage/counting_store.h"
#include "engine/storage/key_value_store.h"
#include "unit/engine/test_database.h"

namespace claimgraph {
namespace {

using testing::MakeClaim;
using testing::MakeRetraction;
using testing::MakeStatement;
using testing::Must;

// A TestDatabase whose store counts reads.
struct CountingDatabase {
  CountingDatabase() {
    auto options = testing::TestOptions(dir.path());
    auto store = Must(storage::OpenStore(options.storage));
    auto wrapped = std::make_unique<storage::CountingStore>(std::move(store));
    counting = wrapped.get();
    db = Must(Database::OpenWithStore(options, std::move(wrapped)));
  }
  testing::TempDir dir;
  storage::CountingStore* counting = nullptr;
  std::unique_ptr<Database> db;
};

TEST_CASE("a claim without lifecycle events is read without a scan, one with events shows them") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  auto quiet = Must(t.db->CreateClaim(
      MakeClaim(MakeStatement("iran", "supplies", "russia"), "john_kirby"), "", t.context));
  auto retracted = Must(t.db->CreateClaim(
      MakeClaim(MakeStatement("iran", "supplies", "russia"), "william_burns"), "", t.context));
  auto retraction = Must(t.db->RecordLifecycleEvent(
      MakeRetraction(retracted.record.id(), "william_burns"), t.context));
  auto view = t.View();
  auto quiet_id = *Must(view->Resolve(keys::IdKind::kClaim, quiet.record.id()));
  auto retracted_id = *Must(view->Resolve(keys::IdKind::kClaim, retracted.record.id()));
  CHECK(Must(view->ClaimEvents(quiet_id)).empty());
  CHECK(Must(view->ClaimEvents(quiet_id, false)).empty());
  auto events = Must(view->ClaimEvents(retracted_id));
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind() == v1::LIFECYCLE_KIND_RETRACTION);
  CHECK(Must(view->GetClaim(retracted.record.id())).status() == v1::CLAIM_STATUS_RETRACTED);
  CHECK(Must(view->GetClaim(quiet.record.id())).status() == v1::CLAIM_STATUS_ACTIVE);

  // As of a time before the retraction the marker exists but the scan finds nothing yet.
  const uint64_t retracted_at = ids::ToMicros(retraction.record.recorded_at());
  auto past = t.View(retracted_at - 1);
  CHECK(Must(past->ClaimEvents(retracted_id)).empty());
  CHECK(Must(past->GetClaim(retracted.record.id())).status() == v1::CLAIM_STATUS_ACTIVE);
  CHECK_FALSE(Must(past->ClaimInactive(retracted_id)));
  CHECK(Must(t.View(retracted_at)->ClaimInactive(retracted_id)));
}

TEST_CASE("GetClaim opens no cursor for a claim without lifecycle events") {
  CountingDatabase c;
  Must(c.db->CreateEntity(testing::MakeEntity("iran", "country", "Iran"), {}));
  Must(c.db->CreateEntity(testing::MakeEntity("russia", "country", "Russia"), {}));
  Must(c.db->CreateEntity(testing::MakeEntity("kirby", "person", "John Kirby"), {}));
  auto claim = Must(
      c.db->CreateClaim(MakeClaim(MakeStatement("iran", "supplies", "russia"), "kirby"), "", {}));
  auto view = Must(c.db->NewReadView());
  auto before = c.counting->counts();
  CHECK(Must(view->GetClaim(claim.record.id())).status() == v1::CLAIM_STATUS_ACTIVE);
  CHECK(c.counting->Since(before).cursors == 0);

  // With an event: one scan, for that claim only.
  Must(c.db->RecordLifecycleEvent(MakeRetraction(claim.record.id(), "kirby"), {}));
  view = Must(c.db->NewReadView());
  before = c.counting->counts();
  CHECK(Must(view->GetClaim(claim.record.id())).status() == v1::CLAIM_STATUS_RETRACTED);
  CHECK(c.counting->Since(before).cursors == 1);
}

TEST_CASE("ResolveMany and SourcesByInternalIds answer as the one-at-a-time reads do") {
  testing::TestDatabase t;
  testing::SeedWorld(t);
  v1::Source page = Must(t.View()->GetSource("page"));
  const uint64_t first_version = ids::ToMicros(page.recorded_at());
  page.set_title("Republished page, renamed");
  Must(t.db->UpdateSource(page, {"title"}, t.context));

  const std::vector<std::string> names = {"page", "missing", "original", "page"};
  for (auto as_of : {std::optional<uint64_t>(), std::optional<uint64_t>(first_version)}) {
    auto view = t.View(as_of);
    auto many = Must(view->ResolveMany(keys::IdKind::kSource, names));
    REQUIRE(many.size() == names.size());
    std::vector<uint64_t> ids;
    for (size_t i = 0; i < names.size(); ++i) {
      CHECK(many[i] == Must(view->Resolve(keys::IdKind::kSource, names[i])));
      ids.push_back(many[i].value_or(999999));
    }
    auto sources = Must(view->SourcesByInternalIds(ids));
    REQUIRE(sources.size() == ids.size());
    for (size_t i = 0; i < ids.size(); ++i) {
      auto single = Must(view->SourceByInternalId(ids[i]));
      REQUIRE(sources[i].has_value() == single.has_value());
      if (single) CHECK(sources[i]->SerializeAsString() == single->SerializeAsString());
    }
    CHECK(sources[0]->title() == (as_of ? "Republished page" : "Republished page, renamed"));
    CHECK_FALSE(sources[1].has_value());
  }
}

TEST_CASE("GetEntity resolves a repeated id from the record cache and still answers per view") {
  CountingDatabase c;
  Must(c.db->CreateEntity(testing::MakeEntity("iran", "country", "Iran"), {}));
  // A view taken before "russia" exists, and an as_of before it was created.
  auto before_russia = Must(c.db->NewReadView());
  auto russia = Must(c.db->CreateEntity(testing::MakeEntity("russia", "country", "Russia"), {}));

  // The first read resolves the id in storage (two point reads), a repeat only reads the record.
  auto view = Must(c.db->NewReadView());
  auto counts = c.counting->counts();
  CHECK(Must(view->GetEntity("russia")).name() == "Russia");
  CHECK(c.counting->Since(counts).gets == 2);
  counts = c.counting->counts();
  CHECK(Must(view->GetEntity("russia")).name() == "Russia");
  CHECK(c.counting->Since(counts).gets == 1);

  // The id is cached now, but the older view and the past as_of do not hold the entity.
  auto missing = before_russia->GetEntity("russia");
  CHECK(missing.status().code() == absl::StatusCode::kNotFound);
  CHECK(std::string(missing.status().message()) == "entity 'russia' not found");
  const uint64_t created_at = ids::ToMicros(russia.record.recorded_at());
  CHECK(Must(c.db->NewReadView(created_at - 1))->GetEntity("russia").status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(before_russia->GetEntity("nobody").status().code() == absl::StatusCode::kNotFound);

  // Only the id is cached: an update is seen by the next view, the old version as of before it.
  v1::Entity renamed = russia.record;
  renamed.set_name("Russian Federation");
  Must(c.db->UpdateEntity(renamed, {"name"}, {}));
  CHECK(Must(Must(c.db->NewReadView())->GetEntity("russia")).name() == "Russian Federation");
  CHECK(Must(Must(c.db->NewReadView(created_at))->GetEntity("russia")).name() == "Russia");
}

}  // namespace
}  // namespace claimgraph
