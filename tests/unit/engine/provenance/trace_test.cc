// Trace: roots, who said it first, where it first appeared, flags, cycles, node limits and a
// relay chain 100,000 claims long walked without recursion (docs/provenance.md section 1).
#include "engine/provenance/trace.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "engine/provenance/corroborate.h"
#include "unit/engine/provenance/provenance_fixture.h"

namespace claimgraph::provenance {
namespace {

using testing::ClaimSpec;
using testing::Fixture;

bool HasFlag(const v1::Trace& trace, v1::TraceFlagKind kind, const std::string& node_key,
             const std::string& related_key = "") {
  for (const auto& flag : trace.flags()) {
    if (flag.kind() == kind && flag.node_key() == node_key &&
        (related_key.empty() || flag.related_key() == related_key)) {
      return true;
    }
  }
  return false;
}

const v1::TraceNode* Node(const v1::Trace& trace, const std::string& key) {
  for (const auto& node : trace.nodes()) {
    if (node.key() == key) return &node;
  }
  return nullptr;
}

bool HasEdge(const v1::Trace& trace, const std::string& from, const std::string& to,
             v1::TraceEdgeKind kind) {
  for (const auto& edge : trace.edges()) {
    if (edge.from_key() == from && edge.to_key() == to && edge.kind() == kind) return true;
  }
  return false;
}

// The outlet (republishing page) reports that Kirby, for the NSC, said it; Kirby relays the
// US government's belief, which rests on declassified intelligence.
void BuildRepublishedReport(Fixture& f) {
  f.IranSuppliesRussia();
  f.Entity("us-government", "government", "US government");
  f.Entity("nsc", "government_body", "National Security Council");
  f.Entity("kirby", "person", "John Kirby");
  f.Entity("cbs", "news_organisation", "CBS News");
  f.Entity("capitaltrack", "news_organisation", "CapitalTrack");
  f.Source("cbs-report", "cbs", v1::RELIABILITY_B, 19517, {}, 19517);
  f.Source("capitaltrack-page", "capitaltrack", v1::RELIABILITY_E, 20194,
           {{v1::DERIVATION_TYPE_REPUBLISHES, "cbs-report"}}, 20194);
  f.Claim({.id = "us",
           .claimant = "us-government",
           .certainty = v1::CERTAINTY_PROBABLE,
           .basis_description = "newly declassified intelligence",
           .claimed_day = 19516,
           .act = v1::CLAIM_ACT_BELIEVES});
  f.Claim({.id = "kirby",
           .claimant = "kirby",
           .on_behalf_of = "nsc",
           .source = "cbs-report",
           .relays = "us",
           .claimed_day = 19517});
  f.Claim({.id = "page",
           .claimant = "capitaltrack",
           .source = "capitaltrack-page",
           .relays = "kirby",
           .claimed_day = 20194,
           .act = v1::CLAIM_ACT_REPORTS});
}

TEST_CASE("trace of a republished report: chain, roots, firsts and flags") {
  Fixture f;
  BuildRepublishedReport(f);
  auto view = f.View();
  auto trace = TraceClaim(*view, "page");
  REQUIRE_MESSAGE(trace.ok(), trace.status().ToString());
  CHECK_FALSE(trace->truncated());
  CHECK(HasEdge(*trace, "claim:page", "claim:kirby", v1::TRACE_EDGE_KIND_RELAYS));
  CHECK(HasEdge(*trace, "claim:kirby", "claim:us", v1::TRACE_EDGE_KIND_RELAYS));
  CHECK(HasEdge(*trace, "claim:kirby", "agent:nsc", v1::TRACE_EDGE_KIND_ON_BEHALF_OF));
  CHECK(HasEdge(*trace, "claim:kirby", "agent:kirby", v1::TRACE_EDGE_KIND_CLAIMANT));
  CHECK(HasEdge(*trace, "claim:us", "basis:newly declassified intelligence",
                v1::TRACE_EDGE_KIND_BASIS));
  CHECK(HasEdge(*trace, "source:capitaltrack-page", "source:cbs-report",
                v1::TRACE_EDGE_KIND_DERIVED_FROM));
  CHECK(HasEdge(*trace, "source:cbs-report", "agent:cbs", v1::TRACE_EDGE_KIND_PUBLISHED_BY));
  REQUIRE(trace->root_claim_ids_size() == 1);
  CHECK(trace->root_claim_ids(0) == "us");
  REQUIRE(trace->first_claim_ids_size() == 1);
  CHECK(trace->first_claim_ids(0) == "us");
  REQUIRE(trace->root_source_ids_size() == 1);
  CHECK(trace->root_source_ids(0) == "cbs-report");
  REQUIRE(trace->first_source_ids_size() == 1);
  CHECK(trace->first_source_ids(0) == "cbs-report");
  CHECK(HasFlag(*trace, v1::TRACE_FLAG_KIND_COPY_DATED_LATER, "source:capitaltrack-page",
                "source:cbs-report"));
  CHECK(HasFlag(*trace, v1::TRACE_FLAG_KIND_ROOT_WITHOUT_SOURCE, "claim:us"));
  CHECK_FALSE(HasFlag(*trace, v1::TRACE_FLAG_KIND_COPY_DATED_LATER, "source:cbs-report"));
  CHECK_FALSE(HasFlag(*trace, v1::TRACE_FLAG_KIND_ANONYMOUS_CLAIMANT, "claim:us"));
  const v1::TraceNode* us = Node(*trace, "claim:us");
  REQUIRE(us != nullptr);
  CHECK(us->root());
  CHECK(us->depth() == 2);
  CHECK(us->label() == "believes: US government");
  CHECK(ids::ToMicros(us->claimed_at()) == ids::ToMicros(testing::Day(19516)));
  const v1::TraceNode* page = Node(*trace, "source:capitaltrack-page");
  REQUIRE(page != nullptr);
  CHECK_FALSE(page->root());
  CHECK(page->reliability() == v1::RELIABILITY_E);
  CHECK(ids::ToMicros(page->declared_published_at()) == ids::ToMicros(testing::Day(20194)));
  // The republished page adds no independent origin apart from the report it copies.
  auto answer = Corroborate(*view, f.statement_id);
  REQUIRE(answer.ok());
  CHECK(answer->origins_size() == 1);
}

TEST_CASE("a copy dated no later than its original is not flagged") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("wire", "news_organisation");
  f.Entity("outlet", "news_organisation");
  f.Source("story", "wire", v1::RELIABILITY_A, 100);
  f.Source("same-day", "outlet", v1::RELIABILITY_C, 100,
           {{v1::DERIVATION_TYPE_REPUBLISHES, "story"}});
  f.Source("quote", "outlet", v1::RELIABILITY_C, 300, {{v1::DERIVATION_TYPE_QUOTES, "same-day"}});
  f.Claim({.id = "c", .claimant = "outlet", .source = "quote"});
  auto trace = TraceClaim(*f.View(), "c");
  REQUIRE(trace.ok());
  for (const auto& flag : trace->flags())
    CHECK(flag.kind() != v1::TRACE_FLAG_KIND_COPY_DATED_LATER);
  CHECK(trace->root_source_ids_size() == 1);
  CHECK(trace->root_source_ids(0) == "story");
}

TEST_CASE("a chain ending in an anonymous claimant is flagged") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("outlet", "news_organisation");
  f.Source("article", "outlet", v1::RELIABILITY_C);
  f.Claim({.id = "officials", .claimant = "", .source = "article"});
  f.Claim({.id = "report", .claimant = "outlet", .source = "article", .relays = "officials"});
  auto trace = TraceClaim(*f.View(), "report");
  REQUIRE(trace.ok());
  CHECK(HasFlag(*trace, v1::TRACE_FLAG_KIND_ANONYMOUS_CLAIMANT, "claim:officials", "claim:report"));
  CHECK(Node(*trace, "anonymous:officials") != nullptr);
  CHECK_FALSE(HasFlag(*trace, v1::TRACE_FLAG_KIND_ROOT_WITHOUT_SOURCE, "claim:officials"));
}

TEST_CASE("who said it first and where it first appeared across a statement's claims") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("a", "person");
  f.Entity("b", "person");
  f.Entity("c", "person");
  f.Entity("outlet", "news_organisation");
  f.Source("late", "outlet", v1::RELIABILITY_C, 0, {}, 500);
  f.Source("early", "outlet", v1::RELIABILITY_C, 200);  // no first seen: declared date counts
  f.Source("undated", "outlet", v1::RELIABILITY_C);
  f.Claim({.id = "a", .claimant = "a", .source = "late", .claimed_day = 300});
  f.Claim({.id = "b", .claimant = "b", .source = "early", .claimed_day = 100});
  f.Claim({.id = "c", .claimant = "c", .source = "undated"});
  auto trace = TraceStatement(*f.View(), f.statement_id);
  REQUIRE(trace.ok());
  CHECK(trace->root_claim_ids_size() == 3);
  REQUIRE(trace->first_claim_ids_size() == 1);
  CHECK(trace->first_claim_ids(0) == "b");
  CHECK(trace->root_source_ids_size() == 3);
  REQUIRE(trace->first_source_ids_size() == 1);
  CHECK(trace->first_source_ids(0) == "early");
}

TEST_CASE("trace reports a derivation cycle with its members and walks it once") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("x-pub", "news_organisation");
  f.Entity("y-pub", "news_organisation");
  f.Source("x", "x-pub", v1::RELIABILITY_C);
  f.Source("y", "y-pub", v1::RELIABILITY_C, 0, {{v1::DERIVATION_TYPE_CITES, "x"}});
  f.Source("x", "x-pub", v1::RELIABILITY_C, 0, {{v1::DERIVATION_TYPE_CITES, "y"}}, 0, true);
  f.Claim({.id = "c", .claimant = "y-pub", .source = "y"});
  auto trace = TraceClaim(*f.View(), "c");
  REQUIRE(trace.ok());
  REQUIRE(trace->cycles_size() == 1);
  REQUIRE(trace->cycles(0).source_ids_size() == 2);
  CHECK(trace->cycles(0).source_ids(0) == "x");
  CHECK(trace->cycles(0).source_ids(1) == "y");
  CHECK(HasFlag(*trace, v1::TRACE_FLAG_KIND_DERIVATION_CYCLE, "source:x"));
  CHECK(HasFlag(*trace, v1::TRACE_FLAG_KIND_DERIVATION_CYCLE, "source:y"));
  // Both members of a root cycle are root documents.
  CHECK(trace->root_source_ids_size() == 2);
  CHECK(HasEdge(*trace, "source:x", "source:y", v1::TRACE_EDGE_KIND_DERIVED_FROM));
  CHECK(HasEdge(*trace, "source:y", "source:x", v1::TRACE_EDGE_KIND_DERIVED_FROM));
  // As of before the cycle was closed there is none.
  auto before = f.View(ids::ToMicros(f.View()->GetSource("y")->recorded_at()));
  auto earlier = TraceClaim(*before, "c");
  CHECK(earlier.status().code() == absl::StatusCode::kNotFound);  // the claim came later
}

TEST_CASE("a relay chain 100,000 claims long is traced and corroborated without recursion") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("relay", "person");
  constexpr int kLength = 100'000;
  constexpr int kBatch = 10'000;
  for (int start = 0; start < kLength; start += kBatch) {
    std::vector<v1::Claim> claims;
    for (int i = start; i < start + kBatch; ++i) {
      ClaimSpec spec{.id = "c" + std::to_string(i),
                     .claimant = "relay",
                     .relays = i == 0 ? "" : "c" + std::to_string(i - 1)};
      if (i == 0) spec.claimant = "";
      claims.push_back(f.Build(spec));
      if (f.statement_id.empty() && i == 0) {
        auto first = f.db->CreateClaims({claims.back()}, f.context);
        REQUIRE(first.ok());
        f.statement_id = first->front().record.statement_id();
        claims.clear();
      }
    }
    auto written = f.db->CreateClaims(claims, f.context);
    REQUIRE_MESSAGE(written.ok(), written.status().ToString());
  }
  auto view = f.View();
  const std::string outermost = "c" + std::to_string(kLength - 1);
  // Bounded by the node limit: cut short and flagged.
  TraceOptions small;
  small.max_nodes = 100;
  auto cut = TraceClaim(*view, outermost, small);
  REQUIRE(cut.ok());
  CHECK(cut->truncated());
  CHECK(cut->nodes_size() == 100);
  // Whole: every claim, the claimant and the anonymous origin.
  TraceOptions whole;
  whole.max_nodes = 200'000;
  auto trace = TraceClaim(*view, outermost, whole);
  REQUIRE(trace.ok());
  CHECK_FALSE(trace->truncated());
  CHECK(trace->nodes_size() == kLength + 2);
  REQUIRE(trace->root_claim_ids_size() == 1);
  CHECK(trace->root_claim_ids(0) == "c0");
  CHECK(HasFlag(*trace, v1::TRACE_FLAG_KIND_ANONYMOUS_CLAIMANT, "claim:c0"));
  auto answer = Corroborate(*view, f.statement_id);
  REQUIRE(answer.ok());
  REQUIRE(answer->origins_size() == 1);
  CHECK(answer->origins(0).keys(0) == "anonymous:c0");
  const auto& last = answer->origins(0).supporting(kLength - 1);
  CHECK(last.claim_id() == outermost);
  CHECK(last.chain_length() == kLength);
  CHECK(last.innermost_claim_id() == "c0");
}

TEST_CASE("trace errors: empty and unknown ids, zero node limit") {
  Fixture f;
  f.IranSuppliesRussia();
  auto view = f.View();
  CHECK(TraceClaim(*view, "").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(TraceClaim(*view, "nope").status().code() == absl::StatusCode::kNotFound);
  CHECK(TraceStatement(*view, "st_nope").status().code() == absl::StatusCode::kNotFound);
  TraceOptions zero;
  zero.max_nodes = 0;
  CHECK(TraceClaim(*view, "x", zero).status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("retracted claims leave a statement's trace unless asked for, and are flagged") {
  Fixture f;
  f.IranSuppliesRussia();
  f.Entity("a", "person");
  f.Entity("outlet", "news_organisation");
  auto inner = f.Claim({.id = "inner", .claimant = "a"});
  f.Claim({.id = "outer", .claimant = "outlet", .relays = "inner"});
  v1::LifecycleEvent retraction;
  retraction.set_kind(v1::LIFECYCLE_KIND_RETRACTION);
  retraction.mutable_target()->set_claim_id("inner");
  retraction.set_actor_id("a");
  REQUIRE(f.db->RecordLifecycleEvent(retraction, f.context).ok());
  auto trace = TraceStatement(*f.View(), f.statement_id);
  REQUIRE(trace.ok());
  // The outer claim still relays it: the retracted claim stays on the chain, flagged.
  CHECK(HasFlag(*trace, v1::TRACE_FLAG_KIND_INACTIVE_CLAIM, "claim:inner"));
  CHECK(Node(*trace, "claim:inner")->status() == v1::CLAIM_STATUS_RETRACTED);
  CHECK(Node(*trace, "claim:outer")->depth() == 0);
  CHECK(Node(*trace, "claim:inner")->depth() == 1);
  // As of before the retraction: no flag.
  auto then = TraceStatement(*f.View(ids::ToMicros(inner.recorded_at()) + 1), f.statement_id);
  REQUIRE(then.ok());
  CHECK_FALSE(HasFlag(*then, v1::TRACE_FLAG_KIND_INACTIVE_CLAIM, "claim:inner"));
}

}  // namespace
}  // namespace claimgraph::provenance
