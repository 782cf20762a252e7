// Paged traces against the unpaged trace on random provenance graphs (relay chains and rings,
// derivation chains and cycles, anonymous claimants, bases, retractions, node limits): the
// pages' nodes and edges, concatenated, are the unpaged trace's as of the first page's time, in
// order, each flag comes with its node and the summaries with the first page, while claims,
// links and retractions are written between the pages; and tokens bound to query and time.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "engine/paging.h"
#include "engine/provenance/trace.h"
#include "engine/provenance/who_said.h"
#include "unit/engine/provenance/provenance_fixture.h"

namespace claimgraph::provenance {
namespace {

using testing::ClaimSpec;
using testing::Fixture;

// Each claim's claimant ("" when anonymous): a retraction is the claimant's.
std::map<std::string, std::string> claimant_of;

v1::LifecycleEvent Retraction(const std::string& claim) {
  v1::LifecycleEvent retraction;
  retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  retraction.mutable_target()->set_claim_id(claim);
  retraction.set_actor_id(claimant_of[claim]);
  return retraction;
}

// A random provenance graph about the fixture's statement: `claims` claims in two batches.
std::vector<std::string> RandomProvenance(Fixture& f, std::mt19937_64& random, int claims) {
  claimant_of.clear();
  f.IranSuppliesRussia();
  const std::vector<std::string> people = {"p0", "p1", "p2", "p3"};
  for (const auto& id : people) f.Entity(id, "person");
  f.Entity("gov", "government");
  f.Entity("wire", "news_organisation");
  f.Entity("outlet", "news_organisation");
  const int sources = 1 + static_cast<int>(random() % 6);
  for (int i = 0; i < sources; ++i) {
    std::vector<std::pair<v1::DerivationType, std::string>> derived;
    if (i > 0 && random() % 2) {
      derived.push_back({random() % 2 ? v1::DERIVATION_TYPE_REPUBLISHES : v1::DERIVATION_TYPE_CITES,
                         "s" + std::to_string(random() % i)});
    }
    f.Source("s" + std::to_string(i), random() % 2 ? "wire" : "outlet", v1::RELIABILITY_C,
             1 + static_cast<int64_t>(random() % 50), derived,
             random() % 2 ? 1 + static_cast<int64_t>(random() % 50) : 0);
  }
  // A derivation cycle now and then: the first source derives from the last.
  if (sources > 1 && random() % 3 == 0) {
    f.Source("s0", "wire", v1::RELIABILITY_C, 5,
             {{v1::DERIVATION_TYPE_CITES, "s" + std::to_string(sources - 1)}}, 0, true);
  }
  std::vector<std::string> ids;
  for (int batch = 0; batch < 2; ++batch) {
    std::vector<v1::Claim> written;
    const int first = batch * claims / 2, end = (batch + 1) * claims / 2;
    for (int i = first; i < end; ++i) {
      ClaimSpec spec;
      spec.id = "c" + std::to_string(i);
      int who = static_cast<int>(random() % 6);
      if (who < 4) spec.claimant = people[who];
      if (who == 4) spec.claimant = "gov";
      if (random() % 4 == 0) spec.on_behalf_of = "gov";
      if (random() % 3) spec.source = "s" + std::to_string(random() % sources);
      // Relays any claim of this batch or before: rings form within a batch.
      if (i > 0 && random() % 3) spec.relays = "c" + std::to_string(random() % end);
      if (spec.relays == spec.id) spec.relays.clear();
      if (random() % 5 == 0) spec.basis_description = random() % 2 ? "intelligence" : "a leak";
      if (random() % 7 == 0) spec.basis_source = "s" + std::to_string(random() % sources);
      if (random() % 3) spec.claimed_day = 1 + static_cast<int64_t>(random() % 30);
      spec.stance = random() % 5 == 0 ? v1::STANCE_REFUTES : v1::STANCE_SUPPORTS;
      written.push_back(f.Build(spec));
      ids.push_back(spec.id);
      claimant_of[spec.id] = spec.claimant;
    }
    auto records = f.db->CreateClaims(written, f.context);
    REQUIRE_MESSAGE(records.ok(), records.status().ToString());
    f.statement_id = records->front().record.statement_id();
  }
  for (const auto& id : ids) {
    if (random() % 8 != 0 || claimant_of[id].empty()) continue;
    auto retracted = f.db->RecordLifecycleEvent(Retraction(id), f.context);
    REQUIRE_MESSAGE(retracted.ok(), retracted.status().ToString());
  }
  return ids;
}

std::vector<std::string> Serialized(const auto& messages) {
  std::vector<std::string> out;
  for (const auto& message : messages) out.push_back(message.SerializeAsString());
  return out;
}

// A trace's summaries, as one comparable string.
std::string Summaries(const v1::Trace& trace) {
  v1::Trace summary;
  *summary.mutable_root_claim_ids() = trace.root_claim_ids();
  *summary.mutable_root_source_ids() = trace.root_source_ids();
  *summary.mutable_first_claim_ids() = trace.first_claim_ids();
  *summary.mutable_first_source_ids() = trace.first_source_ids();
  *summary.mutable_cycles() = trace.cycles();
  *summary.mutable_relay_cycles() = trace.relay_cycles();
  return summary.SerializeAsString();
}

// One page: TraceStatementPage when `claim` is empty, else TraceClaimPage.
absl::StatusOr<TracePage> Page(const ReadView& view, Fixture& f, const std::string& claim,
                               const TraceOptions& options, const TracePaging& paging) {
  if (claim.empty()) return TraceStatementPage(view, f.statement_id, options, paging);
  return TraceClaimPage(view, claim, options, paging);
}

TEST_CASE("paged traces: the pages are the unpaged trace, whatever is written between them") {
  for (int seed = 0; seed < 60; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 random(seed * 7919 + 3);
    Fixture f;
    auto ids = RandomProvenance(f, random, 2 + static_cast<int>(random() % 40));
    const std::string claim = random() % 3 == 0 ? "" : ids[random() % ids.size()];
    CAPTURE(claim);
    TraceOptions options;
    options.include_inactive = random() % 2;
    if (random() % 4 == 0) options.max_nodes = 1 + random() % 20;
    TracePaging paging;
    paging.page_size = std::vector<size_t>{1, 2, 3, 7, 1000}[random() % 5];
    if (random() % 4 == 0) paging.max_page_bytes = 1 + random() % 300;
    CAPTURE(paging.page_size);
    CAPTURE(paging.max_page_bytes);

    auto first = f.db->NewPinnedReadView();
    REQUIRE(first.ok());
    const uint64_t pinned = (*first)->as_of();
    std::unique_ptr<ReadView> view = std::move(*first);
    v1::Trace joined;
    std::string summaries;
    std::set<std::string> known;  // node keys of the pages so far
    size_t total_nodes = 0, total_edges = 0;
    for (int page = 0;; ++page) {
      auto answer = Page(*view, f, claim, options, paging);
      REQUIRE_MESSAGE(answer.ok(), answer.status().ToString());
      const v1::Trace& trace = answer->trace;
      CHECK(static_cast<size_t>(trace.nodes_size() + trace.edges_size()) <= paging.page_size);
      CHECK(trace.nodes_size() + trace.edges_size() > 0);
      if (page == 0) {
        summaries = Summaries(trace);
        total_nodes = answer->total_nodes;
        total_edges = answer->total_edges;
      } else {
        CHECK(Summaries(trace) == Summaries(v1::Trace()));
        CHECK(answer->total_nodes == total_nodes);
        CHECK(answer->total_edges == total_edges);
      }
      std::set<std::string> on_page;
      for (const auto& node : trace.nodes()) {
        on_page.insert(node.key());
        known.insert(node.key());
      }
      // Edges name nodes of this page or earlier ones; flags, nodes of this page.
      for (const auto& edge : trace.edges()) {
        CHECK(known.count(edge.from_key()) == 1);
        CHECK(known.count(edge.to_key()) == 1);
      }
      for (const auto& flag : trace.flags()) CHECK(on_page.count(flag.node_key()) == 1);
      joined.MergeFrom(trace);
      joined.set_truncated(trace.truncated());
      if (answer->next_page_token.empty()) break;
      REQUIRE(page < 10'000);
      // Writes between pages: a claim relaying one on the trace, a retraction, a new derivation.
      f.Claim({.id = "late" + std::to_string(page),
               .claimant = "p1",
               .source = "s0",
               .relays = ids[random() % ids.size()]});
      // (Refused for a claim already retracted or anonymous: as good for the test.)
      auto retracted =
          f.db->RecordLifecycleEvent(Retraction(ids[random() % ids.size()]), f.context);
      (void)retracted;
      f.Source("s0", "outlet", v1::RELIABILITY_A, 2, {}, 0, true);
      paging.page_token = answer->next_page_token;
      auto as_of = paging::PinnedPageTokenAsOf(paging.page_token);
      REQUIRE(as_of.ok());
      REQUIRE(**as_of == pinned);
      view = f.View(**as_of);
    }
    // The unpaged trace as of the pinned time.
    auto unpaged = claim.empty() ? TraceStatement(*f.View(pinned), f.statement_id, options)
                                 : TraceClaim(*f.View(pinned), claim, options);
    REQUIRE_MESSAGE(unpaged.ok(), unpaged.status().ToString());
    CHECK(Serialized(joined.nodes()) == Serialized(unpaged->nodes()));
    CHECK(Serialized(joined.edges()) == Serialized(unpaged->edges()));
    auto flags = Serialized(joined.flags()), expected_flags = Serialized(unpaged->flags());
    std::sort(flags.begin(), flags.end());
    std::sort(expected_flags.begin(), expected_flags.end());
    CHECK(flags == expected_flags);
    CHECK(summaries == Summaries(*unpaged));
    CHECK(joined.truncated() == unpaged->truncated());
    CHECK(joined.as_of().SerializeAsString() == unpaged->as_of().SerializeAsString());
    CHECK(total_nodes == static_cast<size_t>(unpaged->nodes_size()));
    CHECK(total_edges == static_cast<size_t>(unpaged->edges_size()));
  }
}

TEST_CASE("paged trace tokens are bound to their query and time") {
  std::mt19937_64 random(5);
  Fixture f;
  auto ids = RandomProvenance(f, random, 30);
  auto first = f.db->NewPinnedReadView();
  REQUIRE(first.ok());
  const ReadView& view = **first;
  TraceOptions options;
  TracePaging paging;
  paging.page_size = 1;
  auto page = TraceStatementPage(view, f.statement_id, options, paging);
  REQUIRE(page.ok());
  REQUIRE_FALSE(page->next_page_token.empty());
  paging.page_token = page->next_page_token;
  auto expect_rejected = [](const absl::StatusOr<TracePage>& answer) {
    CHECK(answer.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(answer.status().message().find("page_token") != std::string_view::npos);
  };
  // Another RPC, another max_nodes, include_inactive, another time, garbage.
  expect_rejected(TraceClaimPage(view, ids[0], options, paging));
  TraceOptions changed = options;
  changed.max_nodes = 7;
  expect_rejected(TraceStatementPage(view, f.statement_id, changed, paging));
  changed = options;
  changed.include_inactive = true;
  expect_rejected(TraceStatementPage(view, f.statement_id, changed, paging));
  expect_rejected(TraceStatementPage(*f.View(view.as_of() - 1), f.statement_id, options, paging));
  paging.page_token = "%%%";
  expect_rejected(TraceStatementPage(view, f.statement_id, options, paging));
  // A WhoSaid token is not a trace's, nor a trace's a WhoSaid's.
  WhoSaidOptions who;
  who.page_size = 1;
  auto said = WhoSaid(view, f.statement_id, who);
  REQUIRE(said.ok());
  REQUIRE_FALSE(said->next_page_token().empty());
  paging.page_token = said->next_page_token();
  expect_rejected(TraceStatementPage(view, f.statement_id, options, paging));
  who.page_token = page->next_page_token;
  CHECK(WhoSaid(view, f.statement_id, who).status().code() == absl::StatusCode::kInvalidArgument);
  // A position past the answer.
  paging.page_token = paging::EncodePinnedPageToken(paging::Fingerprint("x"), view.as_of(),
                                                    paging::EncodeGraphPosition(1, 1'000'000));
  expect_rejected(TraceStatementPage(view, f.statement_id, options, paging));
  // A view that is not pinned.
  paging.page_token.clear();
  CHECK(TraceStatementPage(*f.View(), f.statement_id, options, paging).status().code() ==
        absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace claimgraph::provenance
