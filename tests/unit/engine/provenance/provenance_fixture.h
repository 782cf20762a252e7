// A temporary database with the default ontology and short builders for the records provenance
// tests need. Header only: included by the provenance tests.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/database.h"
#include "engine/ids.h"
#include "engine/status_macros.h"
#include "engine/storage/counting_store.h"
#include "engine/storage/key_value_store.h"

namespace claimgraph::provenance::testing {

inline google::protobuf::Timestamp Day(int64_t days_since_epoch) {
  return ids::FromMicros(static_cast<uint64_t>(days_since_epoch) * 86400ull * 1000000ull);
}

struct ClaimSpec {
  std::string id{};
  std::string claimant{};  // entity id; empty: anonymous ("officials")
  std::string on_behalf_of{};
  v1::Stance stance = v1::STANCE_SUPPORTS;
  v1::Certainty certainty = v1::CERTAINTY_CERTAIN;
  std::string estimative_word{};
  std::string source{};
  std::string relays{};
  std::optional<double> confidence{};
  std::string basis_description{};
  std::string basis_source{};
  int64_t claimed_day = 0;  // 0: unset
  v1::ClaimAct act = v1::CLAIM_ACT_SAYS;
};

// A store that loses what a power loss would: deferred writes (storage::WriteSync::kDeferred)
// reach the wrapped store only at the next SyncLog, and those still held when it is closed are
// dropped. Everything else is forwarded. (Unlike a real store, a held write is not visible until
// then, so a test sees it only after the write call that synced it returned.)
class DeferredWriteLosingStore final : public storage::KeyValueStore {
 public:
  explicit DeferredWriteLosingStore(std::unique_ptr<storage::KeyValueStore> inner)
      : inner_(std::move(inner)) {}
  std::unique_ptr<storage::Snapshot> NewSnapshot() override { return inner_->NewSnapshot(); }
  absl::StatusOr<std::optional<std::string>> Get(const storage::Snapshot* snapshot,
                                                 storage::Family family,
                                                 std::string_view key) override {
    return inner_->Get(snapshot, family, key);
  }
  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      const storage::Snapshot* snapshot, storage::Family family,
      const std::vector<std::string>& keys) override {
    return inner_->MultiGet(snapshot, family, keys);
  }
  std::unique_ptr<storage::Cursor> NewCursor(const storage::Snapshot* snapshot,
                                             storage::Family family, std::string_view lower,
                                             std::string_view upper) override {
    return inner_->NewCursor(snapshot, family, lower, upper);
  }
  absl::Status Write(const storage::WriteBatch& batch, storage::WriteSync sync) override {
    std::lock_guard lock(mutex_);
    if (sync == storage::WriteSync::kDeferred) {
      held_.push_back(batch);
      return absl::OkStatus();
    }
    CG_RETURN_IF_ERROR(ApplyHeld());
    return inner_->Write(batch, sync);
  }
  absl::Status SyncLog() override {
    std::lock_guard lock(mutex_);
    CG_RETURN_IF_ERROR(ApplyHeld());
    return inner_->SyncLog();
  }
  absl::StatusOr<storage::StoreStats> Stats() override { return inner_->Stats(); }
  absl::Status CompactAll() override { return inner_->CompactAll(); }
  absl::Status Flush() override { return inner_->Flush(); }
  absl::Status VerifyChecksums() override { return inner_->VerifyChecksums(); }
  absl::StatusOr<storage::BackupInfo> CreateBackup(const std::string& backup_dir) override {
    return inner_->CreateBackup(backup_dir);
  }

 private:
  absl::Status ApplyHeld() {
    for (const auto& batch : held_) CG_RETURN_IF_ERROR(inner_->Write(batch));
    held_.clear();
    return absl::OkStatus();
  }
  std::unique_ptr<storage::KeyValueStore> inner_;
  std::mutex mutex_;
  std::vector<storage::WriteBatch> held_;  // guarded by mutex_
};

struct FixtureOptions {
  // DatabaseOptions::inline_rescore_max_claims.
  size_t inline_rescore_max_claims = 64;
  // Open the database over a CountingStore (Fixture::counting) to check how queries read.
  bool count_reads = false;
  // Drop every deferred write (storage::WriteSync::kDeferred) before it reaches the store: what
  // a power loss before the next synced write could lose. Reopen() opens without it.
  bool lose_deferred_writes = false;
};

class Fixture {
 public:
  explicit Fixture(const FixtureOptions& fixture_options = {}) {
    std::random_device random;
    directory_ = std::filesystem::temp_directory_path() /
                 ("claimgraph-provenance-" + std::to_string(random()) + std::to_string(random()));
    auto schema = schema::SchemaRegistry::LoadTextFile(std::string(CLAIMGRAPH_SOURCE_DIR) +
                                                       "/schema/default.textproto");
    REQUIRE(schema.ok());
    DatabaseOptions options;
    options.storage.path = directory_.string();
    options.storage.sync_writes = false;
    options.storage.cache_bytes = 8 << 20;
    options.schema = std::shared_ptr<const schema::SchemaRegistry>(std::move(*schema));
    options.inline_rescore_max_claims = fixture_options.inline_rescore_max_claims;
    absl::StatusOr<std::unique_ptr<Database>> opened;
    if (fixture_options.count_reads || fixture_options.lose_deferred_writes) {
      auto opened_store = storage::OpenStore(options.storage);
      REQUIRE_MESSAGE(opened_store.ok(), opened_store.status().ToString());
      std::unique_ptr<storage::KeyValueStore> store = std::move(*opened_store);
      if (fixture_options.lose_deferred_writes) {
        store = std::make_unique<DeferredWriteLosingStore>(std::move(store));
      }
      if (fixture_options.count_reads) {
        auto wrapped = std::make_unique<claimgraph::storage::CountingStore>(std::move(store));
        counting = wrapped.get();
        store = std::move(wrapped);
      }
      opened = Database::OpenWithStore(options, std::move(store));
    } else {
      opened = Database::Open(options);
    }
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    db = std::move(*opened);
    options_ = options;
  }

  // Closes and opens the database again (same options, no counting store).
  void Reopen() {
    db.reset();
    counting = nullptr;
    auto opened = Database::Open(options_);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    db = std::move(*opened);
  }
  ~Fixture() {
    db.reset();
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  void Entity(const std::string& id, const std::string& type, const std::string& name = "") {
    v1::Entity entity;
    entity.set_id(id);
    entity.set_type(type);
    entity.set_name(name.empty() ? id : name);
    auto written = db->CreateEntity(entity, context);
    REQUIRE_MESSAGE(written.ok(), written.status().ToString());
  }

  // Creates or (with `update`) replaces a source.
  void Source(const std::string& id, const std::string& publisher, v1::Reliability reliability,
              int64_t declared_day = 0,
              const std::vector<std::pair<v1::DerivationType, std::string>>& derived = {},
              int64_t first_seen_day = 0, bool update = false) {
    v1::Source source;
    source.set_id(id);
    source.set_title(id);
    source.set_publisher_id(publisher);
    source.set_reliability(reliability);
    if (declared_day != 0) *source.mutable_declared_published_at() = Day(declared_day);
    if (first_seen_day != 0) *source.mutable_first_seen_at() = Day(first_seen_day);
    for (const auto& [type, earlier] : derived) {
      auto* link = source.add_derived_from();
      link->set_type(type);
      link->set_source_id(earlier);
    }
    auto written =
        db->CreateSource(source, context, update ? OnExisting::kUpdate : OnExisting::kFail);
    REQUIRE_MESSAGE(written.ok(), written.status().ToString());
  }

  v1::Claim Build(const ClaimSpec& spec) const {
    v1::Claim claim;
    claim.set_id(spec.id);
    if (statement_id.empty()) {
      *claim.mutable_statement() = statement;
    } else {
      claim.set_statement_id(statement_id);
    }
    claim.set_act(spec.act);
    claim.set_stance(spec.stance);
    claim.set_certainty(spec.certainty);
    claim.set_estimative_word(spec.estimative_word);
    if (spec.claimant.empty()) {
      claim.mutable_claimant()->mutable_some_value()->set_description("officials");
    } else {
      claim.mutable_claimant()->set_entity_id(spec.claimant);
    }
    claim.set_on_behalf_of_id(spec.on_behalf_of);
    claim.set_source_id(spec.source);
    claim.set_relays_claim_id(spec.relays);
    if (spec.confidence) claim.set_confidence(*spec.confidence);
    claim.mutable_basis()->set_description(spec.basis_description);
    claim.mutable_basis()->set_source_id(spec.basis_source);
    if (spec.claimed_day != 0) *claim.mutable_claimed_at() = Day(spec.claimed_day);
    return claim;
  }

  // Creates the claim about the fixture's statement (set `statement` first).
  v1::Claim Claim(const ClaimSpec& spec) {
    auto written = db->CreateClaim(Build(spec), "", context);
    REQUIRE_MESSAGE(written.ok(), written.status().ToString());
    statement_id = written->record.statement_id();
    return written->record;
  }

  // (iran, supplies, russia) with the entities it needs.
  void IranSuppliesRussia() {
    Entity("iran", "country", "Iran");
    Entity("russia", "country", "Russia");
    statement = v1::Statement();
    statement.set_subject_id("iran");
    statement.set_predicate("supplies");
    statement.mutable_object()->set_entity_id("russia");
    statement_id.clear();
  }

  std::unique_ptr<ReadView> View(std::optional<uint64_t> as_of = std::nullopt) {
    auto view = db->NewReadView(as_of);
    REQUIRE_MESSAGE(view.ok(), view.status().ToString());
    return std::move(*view);
  }

  std::unique_ptr<Database> db;
  claimgraph::storage::CountingStore* counting = nullptr;  // with FixtureOptions::count_reads
  WriteContext context;
  v1::Statement statement;
  std::string statement_id{};

 private:
  std::filesystem::path directory_;
  DatabaseOptions options_;
};

}  // namespace claimgraph::provenance::testing
