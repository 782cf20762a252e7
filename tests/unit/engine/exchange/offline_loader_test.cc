// Offline loader: the same input through the streaming import and through the offline loader
// gives the same database, compared by export and key by key; also with many small spills and
// into a stopped database that already holds data. Statement scores: the loader computes them
// once at the end (or leaves dirty markers the next scorer installation resolves), and they equal
// what the provenance scorer answers over the loaded data.
#include "engine/exchange/offline_loader.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include "engine/exchange/staging_store.h"
#include "engine/storage/counting_store.h"
#include "engine/provenance/corroborate.h"
#include "exchange_test_support.h"

namespace claimgraph::exchange {
namespace {

using testing::Describe;
using testing::Export;
using testing::Import;
using testing::OpenTestDatabase;
using testing::TempDir;
using testing::TestOptions;

ImportSummary Load(const std::string& path, const std::string& data, size_t batch_size,
                   size_t max_staged_bytes, testing::TestClock clock = testing::NewTestClock(),
                   bool score = true) {
  OfflineLoadOptions options;
  options.import.batch_size = batch_size;
  options.max_staged_bytes = max_staged_bytes;
  options.score = score;
  std::istringstream input(data);
  auto summary =
      OfflineLoad(TestOptions(path, std::move(clock)), &input, options, WriteContext{"test"});
  REQUIRE_MESSAGE(summary.ok(), std::string(summary.status().message()));
  return *std::move(summary);
}

std::string EscapeKey(std::string_view key) {
  std::string out;
  for (unsigned char c : key) {
    if (c >= 0x20 && c < 0x7f)
      out.push_back(static_cast<char>(c));
    else
      out += StrCat("\\x", static_cast<int>(c));
  }
  return out;
}

// The dirty-score markers (meta keys "dirty" + statement) left for a rescore.
size_t DirtyMarkers(Database* database) {
  auto cursor = database->store().NewCursor(nullptr, storage::Family::kMeta, "dirty", "dirtz");
  size_t count = 0;
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next()) ++count;
  REQUIRE(cursor->status().ok());
  return count;
}

// Every out- and in-edge carries the score the provenance scorer gives its statement now.
// Returns the number of edges checked.
size_t CheckScoresCurrent(Database* database) {
  auto view = database->NewReadView();
  REQUIRE(view.ok());
  auto cursor = database->store().NewCursor(nullptr, storage::Family::kEdges, "", "");
  size_t edges = 0;
  for (cursor->SeekToFirst(); cursor->Valid(); cursor->Next(), ++edges) {
    auto key = keys::EdgeKey::Decode(cursor->key());
    REQUIRE(key.has_value());
    auto aggregate = storage::EdgeAggregate::Decode(cursor->value());
    REQUIRE(aggregate.has_value());
    auto expected = provenance::FusedScore(**view, key->statement);
    REQUIRE(expected.ok());
    INFO("statement ", key->statement);
    REQUIRE(aggregate->score.has_value());
    CHECK(*aggregate->score == doctest::Approx(expected->value_or(0.0)).epsilon(1e-12));
  }
  REQUIRE(cursor->status().ok());
  return edges;
}

// Every key and value of every family; entity records are compared as messages, because their
// map fields serialize in an unspecified order, and edge aggregates field by field, their scores
// only when `compare_scores` (a database imported without a scorer has none).
void CheckSameKeys(Database* a, Database* b, bool compare_scores = false) {
  for (int f = 0; f < storage::kFamilyCount; ++f) {
    auto family = static_cast<storage::Family>(f);
    auto left = a->store().NewCursor(nullptr, family, "", "");
    auto right = b->store().NewCursor(nullptr, family, "", "");
    left->SeekToFirst();
    right->SeekToFirst();
    size_t keys = 0;
    for (; left->Valid() && right->Valid(); left->Next(), right->Next(), ++keys) {
      INFO("family ", std::string(storage::FamilyName(family)), " key #", keys, " ",
           EscapeKey(left->key()), " vs ", EscapeKey(right->key()));
      REQUIRE(left->key() == right->key());
      char prefix = left->key().empty() ? 0 : left->key()[0];
      if (family == storage::Family::kRecords &&
          (prefix == keys::kEntityRecord || prefix == keys::kCurrentEntity)) {
        v1::Entity x, y;
        REQUIRE(x.ParseFromArray(left->value().data(), static_cast<int>(left->value().size())));
        REQUIRE(y.ParseFromArray(right->value().data(), static_cast<int>(right->value().size())));
        CHECK(google::protobuf::util::MessageDifferencer::Equals(x, y));
      } else if (family == storage::Family::kEdges) {
        auto x = storage::EdgeAggregate::Decode(left->value());
        auto y = storage::EdgeAggregate::Decode(right->value());
        REQUIRE(x.has_value());
        REQUIRE(y.has_value());
        CHECK(x->claims == y->claims);
        CHECK(x->supporting == y->supporting);
        CHECK(x->refuting == y->refuting);
        CHECK(x->best_confidence == y->best_confidence);
        CHECK(x->first_recorded_at == y->first_recorded_at);
        CHECK(x->last_recorded_at == y->last_recorded_at);
        if (compare_scores) CHECK(x->score == y->score);
      } else {
        CHECK(left->value() == right->value());
      }
    }
    CHECK(left->status().ok());
    CHECK(right->status().ok());
    CHECK_FALSE(left->Valid());
    CHECK_FALSE(right->Valid());
    CHECK(keys > 0);
  }
}

TEST_CASE("the offline loader builds the database the streaming import builds") {
  TempDir dir;
  std::string data = testing::Generate(17, 150, 1200);
  auto streamed = OpenTestDatabase(dir.path("streamed"));
  ImportOptions import;
  import.batch_size = 250;
  auto streamed_summary = Import(streamed.get(), data, import);
  INFO(Describe(streamed_summary));
  REQUIRE(streamed_summary.rejected_total == 0);

  auto summary = Load(dir.path("offline"), data, 250, 512u << 20);
  CHECK(summary.rejected_total == 0);
  // Built beside the target and moved into place: nothing of the staging directory is left.
  CHECK(!std::filesystem::exists(dir.path("offline") + ".bulk-load"));
  CHECK(summary.claims.created == streamed_summary.claims.created);
  CHECK(summary.entities.created == streamed_summary.entities.created);
  CHECK(summary.sources.updated == streamed_summary.sources.updated);
  auto offline = OpenTestDatabase(dir.path("offline"));
  CHECK(Export(offline.get()) == Export(streamed.get()));
  CheckSameKeys(streamed.get(), offline.get());
  // Scored at the end of the load: no marker left, every edge carries its statement's score.
  CHECK(DirtyMarkers(offline.get()) == 0);
  CHECK(CheckScoresCurrent(offline.get()) > 0);

  // Spilling after every batch (many ingests, merges folded across them) changes nothing.
  auto spilled = Load(dir.path("spilled"), data, 250, 1);
  CHECK(spilled.rejected_total == 0);
  auto spilled_database = OpenTestDatabase(dir.path("spilled"));
  CheckSameKeys(streamed.get(), spilled_database.get());
}

TEST_CASE("the offline loader scores as the streaming import with a scorer does") {
  TempDir dir;
  std::string data = testing::Generate(31, 120, 900);
  // The server's streaming import: a scorer installed, statements rescored after every batch.
  auto streamed = OpenTestDatabase(dir.path("streamed"));
  REQUIRE(provenance::InstallStatementScorer(*streamed).ok());
  ImportOptions import;
  import.batch_size = 200;
  REQUIRE(Import(streamed.get(), data, import).rejected_total == 0);
  CHECK(DirtyMarkers(streamed.get()) == 0);

  REQUIRE(Load(dir.path("offline"), data, 200, 512u << 20).rejected_total == 0);
  auto offline = OpenTestDatabase(dir.path("offline"));
  CHECK(DirtyMarkers(offline.get()) == 0);
  CheckScoresCurrent(offline.get());
  CheckSameKeys(streamed.get(), offline.get(), true);
}

TEST_CASE("an offline load without scoring leaves markers the next scorer resolves") {
  TempDir dir;
  std::string data = testing::Generate(37, 100, 600);
  REQUIRE(Load(dir.path("deferred"), data, 150, 512u << 20, testing::NewTestClock(), false)
              .rejected_total == 0);
  REQUIRE(Load(dir.path("scored"), data, 150, 512u << 20).rejected_total == 0);
  auto deferred = OpenTestDatabase(dir.path("deferred"));
  auto scored = OpenTestDatabase(dir.path("scored"));
  auto statements = deferred->GetStats();
  REQUIRE(statements.ok());
  // One marker per statement: every statement was touched by the load.
  CHECK(DirtyMarkers(deferred.get()) == statements->statements);
  // claimgraphd installs the scorer at start, which rescores the marked statements.
  REQUIRE(provenance::InstallStatementScorer(*deferred).ok());
  CHECK(DirtyMarkers(deferred.get()) == 0);
  CheckScoresCurrent(deferred.get());
  CheckSameKeys(scored.get(), deferred.get(), true);
}

TEST_CASE("the offline loader adds to a stopped database that already holds data") {
  TempDir dir;
  std::string data = testing::Generate(23, 120, 800);
  // Split after 500 records, a whole number of batches, so both databases see the same batches.
  size_t half = 0;
  for (int line = 0; line < 500; ++line) half = data.find('\n', half) + 1;
  ImportOptions import;
  import.batch_size = 100;
  auto streamed = OpenTestDatabase(dir.path("streamed"));
  REQUIRE(Import(streamed.get(), data, import).rejected_total == 0);

  // The first half streamed, then the database stopped and the second half loaded offline; the
  // clock continues where the first half left it, as a restarted server's would.
  auto clock = testing::NewTestClock();
  {
    auto first = OpenTestDatabase(dir.path("mixed"), clock);
    REQUIRE(Import(first.get(), data.substr(0, half), import).rejected_total == 0);
  }
  auto summary = Load(dir.path("mixed"), data.substr(half), 100, 64u << 10, clock);
  INFO(Describe(summary));
  CHECK(summary.rejected_total == 0);
  auto mixed = OpenTestDatabase(dir.path("mixed"));
  CHECK(Export(mixed.get()) == Export(streamed.get()));
  CheckSameKeys(streamed.get(), mixed.get());
}

// Every source record of `data` again, with another reliability grade (and, for every third, a
// derivation link to the first source): NDJSON regrading sources that claims already cite.
std::string Regraded(const std::string& data) {
  std::istringstream lines(data);
  std::string line, out, first;
  int sources = 0;
  while (std::getline(lines, line)) {
    v1::ImportRecord record;
    if (!google::protobuf::util::JsonStringToMessage(line, &record).ok() || !record.has_source()) {
      continue;
    }
    v1::Source* source = record.mutable_source();
    source->set_reliability(source->reliability() == v1::RELIABILITY_E ? v1::RELIABILITY_A
                                                                       : v1::RELIABILITY_E);
    if (first.empty()) {
      first = source->id();
    } else if (++sources % 3 == 0) {
      auto* link = source->add_derived_from();
      link->set_type(v1::DERIVATION_TYPE_CITES);
      link->set_source_id(first);
    }
    std::string json;
    REQUIRE(google::protobuf::util::MessageToJsonString(record, &json).ok());
    out += json + "\n";
  }
  REQUIRE(sources > 3);
  return out;
}

TEST_CASE("an offline load that regrades sources rescores the statements already citing them") {
  TempDir dir;
  const std::string data = testing::Generate(43, 100, 600);
  const std::string regrade = Regraded(data);
  ImportOptions import;
  import.batch_size = 100;
  // Streamed with the server's scorer: the regrade rescores every statement citing the sources.
  auto stream = [&](const std::string& name, const std::vector<std::string>& files) {
    auto database = OpenTestDatabase(dir.path(name));
    REQUIRE(provenance::InstallStatementScorer(*database).ok());
    for (const auto& file : files)
      REQUIRE(Import(database.get(), file, import).rejected_total == 0);
    REQUIRE(database->SettleScores().ok());
    return database;
  };

  SUBCASE("the claims and the regrade in one offline load") {
    // One file, so both see the same batches.
    auto streamed = stream("streamed", {data + regrade});
    REQUIRE(Load(dir.path("offline"), data + regrade, 100, 512u << 20).rejected_total == 0);
    auto offline = OpenTestDatabase(dir.path("offline"));
    CHECK(CheckScoresCurrent(offline.get()) > 0);
    CheckSameKeys(streamed.get(), offline.get(), true);
  }
  auto streamed = stream("streamed", {data, regrade});
  SUBCASE("the claims streamed, the regrade loaded offline into the stopped database") {
    auto clock = testing::NewTestClock();
    {
      auto first = OpenTestDatabase(dir.path("offline"), clock);
      REQUIRE(provenance::InstallStatementScorer(*first).ok());
      REQUIRE(Import(first.get(), data, import).rejected_total == 0);
      REQUIRE(first->SettleScores().ok());
    }
    REQUIRE(Load(dir.path("offline"), regrade, 100, 512u << 20, clock).rejected_total == 0);
    auto offline = OpenTestDatabase(dir.path("offline"));
    CHECK(DirtyMarkers(offline.get()) == 0);
    CHECK(CheckScoresCurrent(offline.get()) > 0);
    CheckSameKeys(streamed.get(), offline.get(), true);
  }
  SUBCASE("loaded without scoring, the next scorer installation rescores them") {
    auto clock = testing::NewTestClock();
    {
      auto first = OpenTestDatabase(dir.path("offline"), clock);
      REQUIRE(provenance::InstallStatementScorer(*first).ok());
      REQUIRE(Import(first.get(), data, import).rejected_total == 0);
      REQUIRE(first->SettleScores().ok());
    }
    REQUIRE(Load(dir.path("offline"), regrade, 100, 512u << 20, clock, false).rejected_total == 0);
    auto offline = OpenTestDatabase(dir.path("offline"));
    REQUIRE(provenance::InstallStatementScorer(*offline).ok());
    CHECK(CheckScoresCurrent(offline.get()) > 0);
    CheckSameKeys(streamed.get(), offline.get(), true);
  }
}

TEST_CASE("the offline loader reports bad records as the streaming import does") {
  TempDir dir;
  std::string data = testing::Generate(29, 80, 100);
  data += "{\"claim\":{\"id\":\"bad\"}}\nnot json\n";
  auto summary = Load(dir.path("db"), data, 50, 512u << 20);
  CHECK(summary.rejected_total == 2);
  REQUIRE(summary.rejections.size() == 2);
  CHECK(std::string(summary.rejections[0].error.message()).rfind("claim.statement: ", 0) == 0);
  CHECK(std::string(summary.rejections[1].error.message()).rfind("line ", 0) == 0);
}

TEST_CASE("a staging store folds merges, refuses scans and deletes, and spills atomically") {
  TempDir dir;
  auto base = storage::OpenStore(TestOptions(dir.path()).storage);
  REQUIRE(base.ok());
  StagingStore staging(base->get());
  storage::EdgeAggregate one;
  one.claims = 1;
  one.first_recorded_at = one.last_recorded_at = 10;
  storage::WriteBatch batch;
  batch.MergeAggregate(storage::Family::kEdges, "edge", one.Encode());
  batch.Put(storage::Family::kRecords, "record", "value");
  REQUIRE(staging.Write(batch).ok());
  REQUIRE(staging.Spill().ok());
  CHECK(staging.staged_bytes() == 0);
  REQUIRE(staging.Write(batch).ok());  // the second merge stays a delta over the spilled value
  auto value = staging.Get(nullptr, storage::Family::kEdges, "edge");
  REQUIRE(value.ok());
  REQUIRE(value->has_value());
  CHECK(storage::EdgeAggregate::Decode(**value)->claims == 2);
  REQUIRE(staging.Spill().ok());
  auto stored = (*base)->Get(nullptr, storage::Family::kEdges, "edge");
  REQUIRE(stored.ok());
  CHECK(storage::EdgeAggregate::Decode(**stored)->claims == 2);
  CHECK(**(*base)->Get(nullptr, storage::Family::kRecords, "record") == "value");

  auto cursor = staging.NewCursor(nullptr, storage::Family::kRecords, "", "");
  cursor->SeekToFirst();
  CHECK_FALSE(cursor->Valid());
  CHECK(absl::IsFailedPrecondition(cursor->status()));
  storage::WriteBatch deletes;
  deletes.Delete(storage::Family::kRecords, "record");
  CHECK(absl::IsFailedPrecondition(staging.Write(deletes)));
}

TEST_CASE("a background spill keeps every write readable and folds merges across it") {
  TempDir dir;
  auto base = storage::OpenStore(TestOptions(dir.path()).storage);
  REQUIRE(base.ok());
  StagingStore staging(base->get());
  storage::EdgeAggregate one;
  one.claims = 1;
  one.first_recorded_at = one.last_recorded_at = 10;
  // Each round merges into the same edge and adds a record, then spills in the background: the
  // next round's merge reads the value from the spilling maps or, once ingested, the base.
  constexpr int kRounds = 40;
  for (int round = 0; round < kRounds; ++round) {
    storage::WriteBatch batch;
    batch.MergeAggregate(storage::Family::kEdges, "edge", one.Encode());
    batch.Put(storage::Family::kRecords, StrCat("record-", round), StrCat("value-", round));
    REQUIRE(staging.Write(batch).ok());
    auto edge = staging.Get(nullptr, storage::Family::kEdges, "edge");
    REQUIRE(edge.ok());
    REQUIRE(edge->has_value());
    CHECK(storage::EdgeAggregate::Decode(**edge)->claims == static_cast<uint64_t>(round + 1));
    for (int earlier = 0; earlier <= round; ++earlier) {
      auto record = staging.Get(nullptr, storage::Family::kRecords, StrCat("record-", earlier));
      REQUIRE(record.ok());
      REQUIRE(record->has_value());
      CHECK(**record == StrCat("value-", earlier));
    }
    REQUIRE(staging.SpillInBackground().ok());
    CHECK(staging.staged_bytes() == 0);
  }
  REQUIRE(staging.Spill().ok());
  auto stored = (*base)->Get(nullptr, storage::Family::kEdges, "edge");
  REQUIRE(stored.ok());
  CHECK(storage::EdgeAggregate::Decode(**stored)->claims == kRounds);
  for (int round = 0; round < kRounds; ++round) {
    CHECK(**(*base)->Get(nullptr, storage::Family::kRecords, StrCat("record-", round)) ==
          StrCat("value-", round));
  }
  // A store destroyed during a background spill waits for it.
  {
    StagingStore last(base->get());
    storage::WriteBatch batch;
    batch.Put(storage::Family::kRecords, "last", "written");
    REQUIRE(last.Write(batch).ok());
    REQUIRE(last.SpillInBackground().ok());
  }
  CHECK(**(*base)->Get(nullptr, storage::Family::kRecords, "last") == "written");
}

// A RocksDB store under `path` whose point reads are counted.
std::unique_ptr<storage::KeyValueStore> OpenCountedBase(const std::string& path) {
  auto opened = storage::OpenStore(TestOptions(path).storage);
  REQUIRE(opened.ok());
  return std::make_unique<storage::CountingStore>(*std::move(opened));
}

TEST_CASE("a staging store stages merges as deltas over spilled values without reading them") {
  TempDir dir;
  std::unique_ptr<storage::KeyValueStore> owned_base = OpenCountedBase(dir.path());
  auto* reads = static_cast<storage::CountingStore*>(owned_base.get());
  auto* base = &owned_base;
  // A base edge the staging store did not write, as when loading into a stopped database.
  storage::EdgeAggregate stored;
  stored.claims = 5;
  stored.supporting = 5;
  stored.best_confidence = 0.5;
  stored.first_recorded_at = 3;
  stored.last_recorded_at = 4;
  stored.score = 0.25;
  storage::WriteBatch seed;
  seed.Put(storage::Family::kEdges, "edge", stored.Encode());
  REQUIRE((*base)->Write(seed).ok());

  StagingStore staging(base->get());
  auto delta = [](int64_t claims, double confidence, uint64_t at, bool pending) {
    storage::EdgeAggregate aggregate;
    aggregate.claims = aggregate.supporting = claims;
    aggregate.best_confidence = confidence;
    aggregate.first_recorded_at = aggregate.last_recorded_at = at;
    aggregate.score_pending = pending;
    return aggregate;
  };
  // The reference: every delta folded in order onto the stored value.
  storage::EdgeAggregate expected = stored;
  auto merge = [&](const storage::EdgeAggregate& d) {
    storage::WriteBatch batch;
    batch.MergeAggregate(storage::Family::kEdges, "edge", d.Encode());
    auto before = reads->counts();
    REQUIRE(staging.Write(batch).ok());
    CHECK(reads->Since(before).gets == 0);  // the merge did not read the value below
    expected.Apply(d);
    auto read = staging.Get(nullptr, storage::Family::kEdges, "edge");
    REQUIRE(read.ok());
    REQUIRE(read->has_value());
    CHECK(**read == expected.Encode());
  };
  merge(delta(1, 0.9, 10, true));
  merge(delta(2, 0.1, 1, false));  // folded with the first delta, still no base read
  REQUIRE(staging.SpillInBackground().ok());
  merge(delta(1, 0.7, 20, true));  // over the spilling layer's delta and the base
  REQUIRE(staging.Spill().ok());
  merge(delta(3, 0.2, 30, false));  // over two ingested merge entries
  storage::EdgeAggregate scored;
  scored.score = 0.75;  // a score delta replaces the score and clears pending
  merge(scored);
  REQUIRE(staging.Spill().ok());
  auto result = (*base)->Get(nullptr, storage::Family::kEdges, "edge");
  REQUIRE(result.ok());
  REQUIRE(result->has_value());
  CHECK(**result == expected.Encode());
  CHECK(expected.claims == 12);
  CHECK(expected.score == 0.75);
  CHECK_FALSE(expected.score_pending);

  // A delta on a new edge lands as a merge entry with nothing below it; a value written after a
  // delta in the same layer replaces it.
  storage::WriteBatch batch;
  batch.MergeAggregate(storage::Family::kEdges, "new-edge", delta(1, 0.3, 5, false).Encode());
  batch.MergeAggregate(storage::Family::kEdges, "replaced", delta(1, 0.3, 5, false).Encode());
  batch.Put(storage::Family::kEdges, "replaced", stored.Encode());
  REQUIRE(staging.Write(batch).ok());
  REQUIRE(staging.Spill().ok());
  CHECK(**(*base)->Get(nullptr, storage::Family::kEdges, "new-edge") ==
        delta(1, 0.3, 5, false).Encode());
  CHECK(**(*base)->Get(nullptr, storage::Family::kEdges, "replaced") == stored.Encode());
  // Compaction folds the ingested merge entries with the values below them.
  REQUIRE((*base)->CompactAll().ok());
  CHECK(**(*base)->Get(nullptr, storage::Family::kEdges, "edge") == expected.Encode());
}

TEST_CASE("a staging store over an empty base answers for keys it never wrote without the base") {
  TempDir dir;
  std::unique_ptr<storage::KeyValueStore> owned_base = OpenCountedBase(dir.path());
  auto* reads = static_cast<storage::CountingStore*>(owned_base.get());
  auto* base = &owned_base;
  StagingStore staging(base->get());
  // Written while the filter was on; the base is only written through the staging store.
  for (int round = 0; round < 3; ++round) {
    storage::WriteBatch batch;
    for (int i = 0; i < 1000; ++i) {
      batch.Put(storage::Family::kDictionary, StrCat("id-", round, "-", i), "x");
      batch.Put(storage::Family::kRecords, StrCat("record-", round, "-", i), StrCat(round));
    }
    REQUIRE(staging.Write(batch).ok());
    REQUIRE(staging.SpillInBackground().ok());
  }
  REQUIRE(staging.Spill().ok());
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 1000; ++i) {
      auto id = staging.Get(nullptr, storage::Family::kDictionary, StrCat("id-", round, "-", i));
      REQUIRE(id.ok());
      CHECK(id->has_value());
      auto record =
          staging.Get(nullptr, storage::Family::kRecords, StrCat("record-", round, "-", i));
      REQUIRE(record.ok());
      REQUIRE(record->has_value());
      CHECK(**record == StrCat(round));
    }
  }
  auto before = reads->counts();
  for (int i = 0; i < 1000; ++i) {
    auto absent = staging.Get(nullptr, storage::Family::kDictionary, StrCat("absent-", i));
    REQUIRE(absent.ok());
    CHECK_FALSE(absent->has_value());
  }
  // Only the filter's false positives (~1%) reach the base.
  CHECK(reads->Since(before).gets < 50);
  // Families the filter does not cover always read the base.
  before = reads->counts();
  REQUIRE(staging.Get(nullptr, storage::Family::kIndexes, "absent").ok());
  CHECK(reads->Since(before).gets == 1);
  // A second staging store over the now non-empty base must read it: no filter.
  StagingStore later(base->get());
  auto earlier = later.Get(nullptr, storage::Family::kRecords, "record-1-7");
  REQUIRE(earlier.ok());
  REQUIRE(earlier->has_value());
  CHECK(**earlier == "1");
  before = reads->counts();
  REQUIRE(later.Get(nullptr, storage::Family::kDictionary, "absent-1").ok());
  CHECK(reads->Since(before).gets == 1);
}

}  // namespace
}  // namespace claimgraph::exchange
