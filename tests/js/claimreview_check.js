// Validates ClaimReview JSON-LD documents (one per line of the file given) with a JSON-LD
// processor (jsonld.js): each must expand to one schema.org ClaimReview carrying what Google's
// fact-check profile requires (claimReviewed, reviewRating.alternateName, url) and recommends
// (author, datePublished, itemReviewed as a Claim with author and an appearance), and use only
// schema.org terms that exist (a misspelt property expands to an unknown IRI and fails).
// Prints {"documents": N, "quads": Q}; exits 1 with the reasons when a document fails.
//
// The processor dereferences "@context": "https://schema.org"; tests run offline, so the
// document loader answers with the part of schema.org's context these documents use: its
// @vocab (http://schema.org/) and the properties whose values are IRIs.
"use strict";
const fs = require("fs");
const jsonld = require("jsonld");

const S = "http://schema.org/";
const SCHEMA_CONTEXT = {
  "@context": {
    "@vocab": S,
    "url": { "@type": "@id" },
    "sameAs": { "@type": "@id" },
  },
};
const KNOWN_TERMS = new Set([
  "ClaimReview", "Claim", "CreativeWork", "Rating", "Organization", "Person", "Thing",
  "claimReviewed", "itemReviewed", "author", "datePublished", "appearance", "firstAppearance",
  "reviewRating", "alternateName", "name", "ratingValue", "bestRating", "worstRating",
  "reviewBody", "url", "publisher", "sameAs",
].map((t) => S + t));

const loader = async (url) => {
  if (/^https?:\/\/schema\.org\/?$/.test(url)) {
    return { contextUrl: null, documentUrl: url, document: SCHEMA_CONTEXT };
  }
  throw new Error("offline: no document " + url);
};

function values(node, term) {
  return node[S + term] || [];
}

function check(expanded, problems) {
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("@")) {
        if (key === "@type") {
          for (const type of value) if (!KNOWN_TERMS.has(type)) problems.push("unknown type " + type);
        }
        continue;
      }
      if (!KNOWN_TERMS.has(key)) problems.push("unknown property " + key);
      walk(value);
    }
  };
  walk(expanded);
  if (expanded.length !== 1) return problems.push(`${expanded.length} top-level nodes`);
  const review = expanded[0];
  if (!(review["@type"] || []).includes(S + "ClaimReview")) problems.push("not a ClaimReview");
  for (const term of ["claimReviewed", "reviewRating", "url", "author", "datePublished", "itemReviewed"]) {
    if (!values(review, term).length) problems.push("no " + term);
  }
  const rating = values(review, "reviewRating")[0] || {};
  if (!values(rating, "alternateName").length) problems.push("no reviewRating.alternateName");
  const item = values(review, "itemReviewed")[0] || {};
  if (!(item["@type"] || []).includes(S + "Claim")) problems.push("itemReviewed is not a Claim");
  if (!values(item, "author").length) problems.push("no itemReviewed.author");
  if (!values(item, "appearance").length && !values(item, "firstAppearance").length) {
    problems.push("no itemReviewed.appearance");
  }
}

(async () => {
  const lines = fs.readFileSync(process.argv[2], "utf8").split("\n").filter((l) => l.trim());
  let quads = 0;
  let failed = false;
  for (const [i, line] of lines.entries()) {
    const problems = [];
    try {
      const document = JSON.parse(line);
      const expanded = await jsonld.expand(document, { documentLoader: loader, safe: true });
      check(expanded, problems);
      const nquads = await jsonld.toRDF(document, { documentLoader: loader, format: "application/n-quads" });
      quads += nquads.split("\n").filter((l) => l.trim()).length;
    } catch (e) {
      problems.push(String(e && e.message ? e.message : e));
    }
    if (problems.length) {
      failed = true;
      console.error(`document ${i + 1}: ${problems.join("; ")}`);
    }
  }
  console.log(JSON.stringify({ documents: lines.length, quads }));
  process.exit(failed || lines.length === 0 ? 1 : 0);
})();
