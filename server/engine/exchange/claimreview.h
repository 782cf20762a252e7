// schema.org ClaimReview (JSON-LD), the format fact-checkers publish verdicts in, both ways.
//
// Export: one ClaimReview per assessment of a statement or of one of its claims:
//   @context "https://schema.org", @type ClaimReview, @id <base>assessment/<id>;
//   claimReviewed: the proposition in words (entities by name);
//   itemReviewed: a Claim, @id <base>statement/<id> or <base>claim/<id> (what the assessment
//     targets), author: who said it first (the trace's first claim; Person or Organization by the
//     ontology's type, @id <base>entity/<id>), datePublished: when that was said, appearance:
//     the documents the statement's claims are found in, firstAppearance: where it appeared first
//     (the trace's first source); documents are CreativeWork, @id <base>source/<id>, with url,
//     name and datePublished;
//   author: the assessor as an Organization (@id <base>entity/<id>, name);
//   reviewRating: a Rating with alternateName the assessor's verdict words and name the
//     normalised verdict (True, False, Mixture, Other), ratingValue 5 / 1 / 3 of worstRating 1 to
//     bestRating 5 for the first three;
//   datePublished: the assessment's time; reviewBody: its explanation; url: the review article
//     (the source stored under the assessment's id by an import) or else the @id.
//
// Import: a feed is one JSON document (a ClaimReview, an array of them, or an object with
// "@graph" or "dataFeedElement" holding them; a DataFeedItem's "item" is read) or, when the text is
// not one JSON value, NDJSON (one such document per line). Each ClaimReview is at a position
// (1-based: its place in the array, or its line) and becomes import records:
//   - the review's author: an entity (fact_checker) — our own @id names a stored entity as is;
//     otherwise the id is "cr-" + a hash of its url, @id or name;
//   - what is reviewed: our own statement or claim @id when it is stored; otherwise a claim by the
//     itemReviewed author (an entity: person / organisation by @type) that they `said` the text of
//     claimReviewed, found in the firstAppearance (or first appearance) document, a source;
//   - the review article (url) a source published by the assessor, and the assessment itself:
//     verdict_text from reviewRating.alternateName (else name), the verdict normalised from
//     ratingValue on its worstRating..bestRating scale (else from the words), assessed_at from
//     datePublished, explanation from reviewBody.
// Entities and sources already stored are referred to, never rewritten; every id is derived from
// the document, so importing a feed twice changes nothing the second time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "claimgraph/v1/model.pb.h"
#include "engine/database.h"
#include "engine/exchange/importer.h"
#include "engine/read_view.h"

namespace claimgraph::exchange {

struct ClaimReviewOptions {
  // Prefix of the @id of our records; the N-Quads export's base, so both name a record alike.
  std::string base_iri = "http://claimgraph.example/id/";
  // Reviews exported at most (statements with more assessments are cut, `truncated` set).
  size_t max_reviews = 1000;
  // Feed text accepted at most.
  size_t max_feed_bytes = 16u << 20;
};

struct ClaimReviewExport {
  // Each one JSON-LD document (a ClaimReview) on one line, in statement then assessment order.
  std::vector<std::string> documents;
  bool truncated = false;
};

// The ClaimReviews of the given statements (NotFound names a statement unknown at the view's
// time; InvalidArgument a bad id), or of every assessed statement when `statement_ids` is empty.
absl::StatusOr<ClaimReviewExport> ExportClaimReviews(const ReadView& view,
                                                     const std::vector<std::string>& statement_ids,
                                                     const ClaimReviewOptions& options);

// One ClaimReview of a feed, converted.
struct ClaimReviewItem {
  uint64_t position = 0;  // 1-based
  absl::Status status;    // why it cannot be imported ("[position] field: reason"); then no records
  std::vector<v1::ImportRecord> records;
};

// Splits and converts a feed (see above). `view` tells which of our records exist. Fails only
// when the text as a whole is unusable (too large, not UTF-8, no ClaimReview at all is not an
// error: an empty list).
absl::StatusOr<std::vector<ClaimReviewItem>> ParseClaimReviewFeed(
    std::string_view text, const ReadView& view, const ClaimReviewOptions& options);

// Parses the feed against the current state and imports it with the Importer: each record's
// line is its review's position, a review that cannot be converted is one rejected record.
absl::StatusOr<ImportSummary> ImportClaimReviewFeed(Database* database, std::string_view text,
                                                    const ImportOptions& import_options,
                                                    const WriteContext& context,
                                                    const ClaimReviewOptions& options = {});

}  // namespace claimgraph::exchange
