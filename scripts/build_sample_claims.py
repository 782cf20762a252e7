#!/usr/bin/env python3
"""Builds data/sample/claims.ndjson from the example article data/sample/000_ceec28604e489d04.txt.

The NDJSON file is the checked-in artefact; this script is how it was made, so that a change to
the modelling is made here and the file regenerated (`python3 scripts/build_sample_claims.py`).
Every quote is located in the page text by the script: offsets are Unicode code point offsets
(Python str indices), start inclusive, end exclusive. A quote that does not occur exactly once
must name which occurrence it means.

Modelling choices are explained in docs/data-model.md.
"""
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ARTICLE = os.path.join(ROOT, "data", "sample", "000_ceec28604e489d04.txt")
OUTPUT = os.path.join(ROOT, "data", "sample", "claims.ndjson")

# The article body: the first line of it and the last line of it, inclusive. The page furniture
# before (breadcrumb, title, "View", the date line) and after ("- In:" tags, "Related",
# "Ranking", "Recommendation") is not part of the document's text.
FIRST_LINE = "Iran has been sending material to Russia"
LAST_LINE_END = "to Tehran's drone program."

PAGE = "capitaltrack-2025-04-16-iran-drones"
ORIGINAL = "cbs-news-2023-06-09-iran-drone-plant"
BRIEFING = "white-house-2023-06-09-briefing"
INTELLIGENCE = "us-intel-2023-06-09-iran-russia-drone-plant"

# Dates the article gives to the day are recorded at 00:00:00Z of that day; a month or a year
# only, at 00:00:00Z of its first day (docs/data-model.md, "Times").
FRIDAY = "2023-06-09T00:00:00Z"       # "the White House said Friday": Friday 9 June 2023
LAST_MONTH = "2023-05-01T00:00:00Z"   # "At a press briefing last month": May 2023
JULY_LAST_YEAR = "2022-07-01T00:00:00Z"  # "in July last year": July 2022
LAST_YEAR = "2022-01-01T00:00:00Z"    # "Last year": 2022


def article_text():
    with open(ARTICLE, encoding="utf-8") as f:
        page = f.read()
    start = page.index(FIRST_LINE)
    end = page.index(LAST_LINE_END) + len(LAST_LINE_END)
    return page[start:end]


TEXT = article_text()


def quote(words, occurrence=0):
    """The quote record of `words` in TEXT; `occurrence` picks among repeated phrases."""
    positions = []
    at = TEXT.find(words)
    while at >= 0:
        positions.append(at)
        at = TEXT.find(words, at + 1)
    if not positions:
        sys.exit(f"quote not in the article: {words!r}")
    if len(positions) > 1 and occurrence == 0:
        sys.exit(f"quote occurs {len(positions)} times, name the occurrence: {words!r}")
    start = positions[occurrence - 1 if occurrence else 0]
    return {"text": words, "start": start, "end": start + len(words)}


def entity_value(entity_id):
    return {"entity_id": entity_id}


def string_value(text):
    return {"string_value": text}


def qualifier(key, value):
    return {"key": key, "value": value}


def statement(subject, predicate, obj, *qualifiers, valid_from=None, valid_to=None):
    result = {"subject_id": subject, "predicate": predicate, "object": obj}
    if qualifiers:
        result["qualifiers"] = list(qualifiers)
    if valid_from:
        result["valid_from"] = valid_from
    if valid_to:
        result["valid_to"] = valid_to
    return result


records = []


def emit(kind, body):
    records.append({kind: body})


# ----------------------------------------------------------------------------- entities
def entity(entity_id, type_, name, description="", aliases=(), wikidata=None, attributes=None):
    body = {"id": entity_id, "type": type_, "name": name}
    if aliases:
        body["aliases"] = list(aliases)
    if description:
        body["description"] = description
    if attributes:
        body["attributes"] = attributes
    if wikidata:
        body["external_ids"] = {"wikidata": wikidata}
    emit("entity", body)


# Countries and places.
entity("iran", "country", "Iran", wikidata="Q794",
       description="The Islamic Republic of Iran; 'Tehran' is used for its government.")
entity("russia", "country", "Russia", wikidata="Q159",
       description="The Russian Federation; 'Moscow' is used for its government.")
entity("ukraine", "country", "Ukraine", wikidata="Q212")
entity("turkey", "country", "Turkey", wikidata="Q43",
       description="Named through 'Turkish leaders' at the July 2022 Tehran meeting.")
entity("united-states", "country", "United States", aliases=["U.S.", "US"], wikidata="Q30",
       description="The United States; as a claimant ('the U.S. believes'), its government.")
entity("moscow", "city", "Moscow", wikidata="Q649", description="Capital of Russia.")
entity("tehran", "city", "Tehran", wikidata="Q3616", description="Capital of Iran.")
entity("kyiv", "city", "Kyiv", aliases=["Kiev"], wikidata="Q1899")
entity("amirabad", "city", "Amirabad",
       description="Iranian Caspian port from which the drones are shipped.")
entity("makhachkala", "city", "Makhachkala",
       description="Russian Caspian port where the drones arrive.")
entity("caspian-sea", "body_of_water", "Caspian Sea", wikidata="Q5484")
entity("colorado", "region", "Colorado", description="U.S. state; the Aspen Security Forum's venue.")
entity("alabuga-sez", "economic_zone", "Alabuga Special Economic Zone",
       aliases=["Alabuga SEZ", "Alabuga"],
       description="Special economic zone about 600 miles east of Moscow.")
entity("alabuga-drone-plant", "facility", "Alabuga drone manufacturing plant",
       aliases=["the drone manufacturing plant", "domestic facility"],
       description="The drone plant under construction in the Alabuga Special Economic Zone.")
entity("kashan-airfield", "facility", "Kashan Airfield", description="Airfield in Iran.")
# Government bodies and people.
entity("white-house", "government_body", "the White House", aliases=["White House"],
       wikidata="Q35525",
       description="The Executive Office of the U.S. President, speaking for the administration.")
entity("biden-administration", "government", "the Biden administration",
       aliases=["the administration"], description="The U.S. federal administration of 2021-2025.")
entity("national-security-council", "government_body", "National Security Council",
       aliases=["NSC"], description="The U.S. National Security Council.")
entity("cia", "intelligence_agency", "Central Intelligence Agency", aliases=["CIA"],
       wikidata="Q37230")
entity("john-kirby", "person", "John Kirby", attributes={"role": "National Security Council spokesman"})
entity("william-burns", "person", "William Burns", aliases=["Bill Burns"],
       attributes={"role": "CIA Director"})
entity("vladimir-putin", "person", "Vladimir Putin", wikidata="Q7747",
       attributes={"role": "President of Russia"})
entity("russian-officials", "group", "Russian officials",
       description="The Russian delegation that visited Kashan Airfield in 2022.")
entity("european-union", "international_organisation", "European Union", aliases=["EU"],
       wikidata="Q458")
# Things and happenings.
entity("iranian-attack-drones", "weapon", "Iranian attack drones",
       aliases=["attack drones", "Iranian drones", "weapons-capable drones"],
       description="Iranian-designed attack drones (the article does not name the model).")
entity("iranian-drone-industry", "industry", "Iranian drone industry")
entity("iranian-drone-procurement-networks", "group", "Iranian drone procurement networks",
       description="The alleged networks supplying equipment to the Iranian drone industry.")
entity("iran-drone-program", "program", "Iran's drone program", aliases=["Tehran's drone program"])
entity("us-drone-advisory-2023", "document", "U.S. government advisory on Iran's drone program",
       description="The advisory the White House said on 9 June 2023 it would release.")
entity("aspen-security-forum", "meeting", "Aspen Security Forum",
       description="Annual security conference in Aspen, Colorado.")
# Publishers and the sample's own editors.
entity("capitaltrack", "news_organisation", "CapitalTrack",
       description="The republishing site the sample page was taken from.")
entity("cbs-news", "news_organisation", "CBS News",
       description="Identified by the sample's editors as the publisher of the original report "
                   "(an editorial judgement; the page names no original).")
entity("claimgraph-sample-editors", "organisation", "claimgraph sample data editors",
       description="The people who modelled this sample; assessor of the page.")

# ----------------------------------------------------------------------------- sources
emit("source", {
    "id": INTELLIGENCE,
    "title": "Declassified U.S. intelligence on Iranian support for a Russian drone plant "
             "(satellite imagery of Alabuga, graphic of the Caspian shipping route)",
    "kind": "SOURCE_KIND_INTELLIGENCE_RELEASE",
    "publisher_id": "white-house",
    "declared_published_at": FRIDAY,
    "first_seen_at": FRIDAY,
    "reliability": "RELIABILITY_B",
    "language": "en",
})
emit("source", {
    "id": BRIEFING,
    "title": "White House press briefing of 9 June 2023 (NSC spokesman John Kirby)",
    "kind": "SOURCE_KIND_BRIEFING",
    "publisher_id": "white-house",
    "declared_published_at": FRIDAY,
    "first_seen_at": FRIDAY,
    "reliability": "RELIABILITY_B",
    "derived_from": [{"type": "DERIVATION_TYPE_CITES", "source_id": INTELLIGENCE}],
    "language": "en",
})
emit("source", {
    "id": ORIGINAL,
    "title": "Iran helping Russia build plant to manufacture drones for likely use in Ukraine, "
             "White House says",
    "kind": "SOURCE_KIND_ARTICLE",
    "publisher_id": "cbs-news",
    "declared_published_at": FRIDAY,
    "first_seen_at": FRIDAY,
    "reliability": "RELIABILITY_B",
    "derived_from": [
        {"type": "DERIVATION_TYPE_QUOTES", "source_id": BRIEFING},
        {"type": "DERIVATION_TYPE_CITES", "source_id": INTELLIGENCE},
    ],
    "language": "en",
})
emit("source", {
    "id": PAGE,
    "title": "Iran helping Russia build plant to manufacture drones for likely use in Ukraine, "
             "White House says",
    "kind": "SOURCE_KIND_ARTICLE",
    "publisher_id": "capitaltrack",
    # As the page declares it ("Date:2025-04-16 23:37:17", no zone given: read as UTC).
    "declared_published_at": "2025-04-16T23:37:17Z",
    "content_hash": "sha256:" + hashlib.sha256(TEXT.encode("utf-8")).hexdigest(),
    "reliability": "RELIABILITY_D",
    "derived_from": [{"type": "DERIVATION_TYPE_REPUBLISHES", "source_id": ORIGINAL}],
    "text": TEXT,
    "language": "en",
})

# ----------------------------------------------------------------------------- claims
ACT = {a: f"CLAIM_ACT_{a.upper()}" for a in
       ["asserts", "believes", "predicts", "reports", "says", "warns", "alleges"]}
STANCE = {"supports": "STANCE_SUPPORTS", "refutes": "STANCE_REFUTES"}
CERTAINTY = {c: f"CERTAINTY_{c.upper()}" for c in ["certain", "probable", "possible", "underspecified"]}

# Attribution confidence of claims ascribed to the original outlet: the page does not name it.
ORIGINAL_ATTRIBUTION_CONFIDENCE = 0.8


def claim(claim_id, st, claimant, act, words, *, stance="supports", certainty="certain",
          estimative_word="", cue="", on_behalf_of="", basis=None, claimed_at=None,
          relays="", confidence=None, occurrence=0):
    body = {"id": claim_id, "statement": st, "act": ACT[act], "stance": STANCE[stance],
            "certainty": CERTAINTY[certainty]}
    if estimative_word:
        body["estimative_word"] = estimative_word
    if cue:
        body["cue"] = cue
    body["claimant"] = claimant
    if on_behalf_of:
        body["on_behalf_of_id"] = on_behalf_of
    if basis:
        body["basis"] = basis
    body["source_id"] = PAGE
    body["quote"] = quote(words, occurrence)
    if relays:
        body["relays_claim_id"] = relays
    if confidence is not None:
        body["confidence"] = confidence
    if claimed_at:
        body["claimed_at"] = claimed_at
    emit("claim", body)
    return claim_id


def agent(entity_id):
    return {"entity_id": entity_id}


INTEL_BASIS = {"source_id": INTELLIGENCE, "description": "newly declassified intelligence"}


def relay_through_outlets(name, st, inner, words, *, stance="supports", certainty="certain",
                          estimative_word="", occurrence=0, claimed_at=FRIDAY):
    """The original outlet reports `inner` (or, with inner empty, says it in its own voice) and
    the page republishes that report: two claims, original first."""
    original = claim(f"claim-{name}-cbs", st, agent("cbs-news"), "reports", words, stance=stance,
                     certainty=certainty, estimative_word=estimative_word, relays=inner,
                     confidence=ORIGINAL_ATTRIBUTION_CONFIDENCE, occurrence=occurrence,
                     claimed_at=claimed_at)
    return claim(f"claim-{name}-page", st, agent("capitaltrack"), "reports", words, stance=stance,
                 certainty=certainty, estimative_word=estimative_word, relays=original,
                 occurrence=occurrence, claimed_at="2025-04-16T23:37:17Z")


P1 = ("Iran has been sending material to Russia for the construction of a domestic facility the "
      "U.S. believes will be used to build drones intended for Moscow's war in Ukraine, according "
      "to newly declassified intelligence, in the latest indication of a deepening military "
      "partnership between Tehran and Moscow.")

# --- Iran supplies materials to Russia for the drone plant (4-link chain).
st = statement("iran", "supplies", entity_value("russia"),
               qualifier("item", string_value("material")),
               qualifier("purpose", entity_value("alabuga-drone-plant")))
inner = claim("claim-supply-us", st, agent("united-states"), "believes",
              "Iran has been sending material to Russia for the construction of a domestic facility",
              cue="according to", basis=INTEL_BASIS, claimed_at=FRIDAY)
inner = claim("claim-supply-white-house", st, agent("white-house"), "says",
              "according to newly declassified intelligence", cue="according to",
              basis=INTEL_BASIS, claimed_at=FRIDAY, relays=inner)
relay_through_outlets("supply", st, inner, P1)

# --- The plant will build drones for the war in Ukraine ("the U.S. believes").
st = statement("alabuga-drone-plant", "manufactures", entity_value("iranian-attack-drones"),
               qualifier("intended_use", entity_value("ukraine")))
inner = claim("claim-plant-purpose-us", st, agent("united-states"), "believes",
              "the U.S. believes will be used to build drones intended for Moscow's war in Ukraine",
              certainty="probable", cue="believes", basis=INTEL_BASIS, claimed_at=FRIDAY)
relay_through_outlets("plant-purpose", st, inner, P1)

# --- The partnership: supported by the outlet and by Kirby (NSC), qualified by Burns (CIA).
PARTNERSHIP = statement("russia", "cooperates_with", entity_value("iran"),
                        qualifier("domain", string_value("military")))
relay_through_outlets("partnership-deepening", PARTNERSHIP, "",
                      "in the latest indication of a deepening military partnership between "
                      "Tehran and Moscow")
inner = claim("claim-partnership-expanding-kirby", PARTNERSHIP, agent("john-kirby"), "warns",
              'the Iran-Russia military partnership was "expanding,"', cue="warned",
              on_behalf_of="national-security-council", claimed_at=LAST_MONTH)
relay_through_outlets("partnership-expanding", PARTNERSHIP, inner,
                      'At a press briefing last month, Kirby warned that the Iran-Russia military '
                      'partnership was "expanding,"')
SUPPORT_BOTH_WAYS = ('"The support is flowing both ways: from Iran to Russia, and from Russia to '
                     'Iran," National Security Council spokesman John Kirby said Friday.')
inner = claim("claim-partnership-both-ways-kirby", PARTNERSHIP, agent("john-kirby"), "says",
              "The support is flowing both ways: from Iran to Russia, and from Russia to Iran",
              cue="said", on_behalf_of="national-security-council", claimed_at=FRIDAY)
relay_through_outlets("partnership-both-ways", PARTNERSHIP, inner, SUPPORT_BOTH_WAYS)
inner = claim("claim-partnership-limits-burns", PARTNERSHIP, agent("william-burns"), "says",
              'there were likely "limits" to the partnership', stance="refutes",
              certainty="probable", estimative_word="likely", cue="said", on_behalf_of="cia",
              claimed_at=JULY_LAST_YEAR)
relay_through_outlets("partnership-limits", PARTNERSHIP, inner,
                      'in July last year, CIA Director William Burns said there were likely '
                      '"limits" to the partnership', stance="refutes", certainty="probable",
                      estimative_word="likely")

# --- "likely to remain transactional" (unnamed U.S. officials).
st = statement("russia", "cooperates_with", entity_value("iran"),
               qualifier("nature", string_value("transactional")))
inner = claim("claim-transactional-officials", st, {"some_value": {"description": "U.S. officials"}},
              "predicts", "the relationship between Moscow and Tehran was likely to remain "
              "transactional", certainty="probable", estimative_word="likely", cue="said",
              on_behalf_of="united-states")
relay_through_outlets("transactional", st, inner,
                      "U.S. officials have previously said the relationship between Moscow and "
                      "Tehran was likely to remain transactional", certainty="probable",
                      estimative_word="likely")

# --- The plant is in the Alabuga Special Economic Zone (4-link chain).
st = statement("alabuga-drone-plant", "located_in", entity_value("alabuga-sez"))
inner = claim("claim-plant-location-us", st, agent("united-states"), "believes",
              "the suspected facilities being constructed in the Alabuga Special Economic Zone",
              certainty="probable", estimative_word="suspected", cue="showing",
              basis=INTEL_BASIS, claimed_at=FRIDAY)
inner = claim("claim-plant-location-white-house", st, agent("white-house"), "asserts",
              "It released satellite imagery showing the suspected facilities being constructed "
              "in the Alabuga Special Economic Zone", certainty="probable",
              estimative_word="suspected", cue="released satellite imagery showing",
              basis=INTEL_BASIS, claimed_at=FRIDAY, relays=inner)
relay_through_outlets("plant-location", st, inner,
                      "It released satellite imagery showing the suspected facilities being "
                      "constructed in the Alabuga Special Economic Zone, about 600 miles east of "
                      "Moscow.", certainty="probable", estimative_word="suspected")

# --- The zone lies about 600 miles east of Moscow (the outlet's own description).
st = statement("alabuga-sez", "located_in", entity_value("russia"),
               qualifier("direction", string_value("east")),
               qualifier("distance", {"quantity_value": {"amount": 600, "unit": "mi"}}),
               qualifier("distance_from", entity_value("moscow")))
relay_through_outlets("alabuga-in-russia", st, "", "about 600 miles east of Moscow")

# --- Operational as soon as next year (the White House, "could be").
st = statement("alabuga-drone-plant", "operational_from",
               {"timestamp_value": "2024-01-01T00:00:00Z"},
               qualifier("bound", string_value("earliest")),
               qualifier("precision", string_value("year")))
inner = claim("claim-operational-white-house", st, agent("white-house"), "predicts",
              "The drone manufacturing plant could be operational as soon as next year",
              certainty="possible", estimative_word="could be", cue="said", claimed_at=FRIDAY)
relay_through_outlets("operational", st, inner,
                      "The drone manufacturing plant could be operational as soon as next year, "
                      "the White House said Friday.", certainty="possible",
                      estimative_word="could be")

# --- "hundreds" of drones already shipped from Iran to Russia (the administration).
st = statement("iran", "supplies", entity_value("russia"),
               qualifier("item", entity_value("iranian-attack-drones")),
               qualifier("quantity", string_value("hundreds")))
inner = claim("claim-drones-shipped-administration", st, agent("biden-administration"), "says",
              '"hundreds" of attack drones that had already been shipped from Iran to Russia',
              cue="said", basis=INTEL_BASIS, claimed_at=FRIDAY)
relay_through_outlets("drones-shipped", st, inner,
                      "The administration also released a graphic illustrating the transportation "
                      'path for what it said were "hundreds" of attack drones that had already been '
                      "shipped from Iran to Russia.")

# --- The route: from Amirabad, to Makhachkala, across the Caspian Sea (4-link chains).
KIRBY_ROUTE = ("The drones are built in Iran, shipped across the Caspian Sea, from Amirabad, Iran "
               "to Makhachkala, Russia, and then used operationally by Russian forces against "
               "Ukraine")
KIRBY_ROUTE_SENTENCE = f'"{KIRBY_ROUTE}," said National Security Council spokesman John Kirby'
for leg, predicate, place in [("from", "shipped_from", "amirabad"),
                              ("to", "shipped_to", "makhachkala"),
                              ("via", "shipped_via", "caspian-sea")]:
    st = statement("iranian-attack-drones", predicate, entity_value(place),
                   qualifier("origin_country", entity_value("iran")),
                   qualifier("destination_country", entity_value("russia")))
    inner = claim(f"claim-route-{leg}-administration", st, agent("biden-administration"),
                  "believes", "a graphic illustrating the transportation path",
                  cue="released a graphic illustrating", basis=INTEL_BASIS, claimed_at=FRIDAY)
    inner = claim(f"claim-route-{leg}-kirby", st, agent("john-kirby"), "says", KIRBY_ROUTE,
                  cue="said", on_behalf_of="national-security-council", claimed_at=FRIDAY,
                  relays=inner)
    relay_through_outlets(f"route-{leg}", st, inner, KIRBY_ROUTE_SENTENCE)

# --- Russian forces use the drones against Ukraine; Russia struck Kyiv with them (Kirby).
st = statement("russia", "uses", entity_value("iranian-attack-drones"),
               qualifier("against", entity_value("ukraine")))
inner = claim("claim-drones-used-kirby", st, agent("john-kirby"), "says",
              "used operationally by Russian forces against Ukraine", cue="said",
              on_behalf_of="national-security-council", claimed_at=FRIDAY)
relay_through_outlets("drones-used", st, inner, KIRBY_ROUTE_SENTENCE)
st = statement("russia", "attacked", entity_value("kyiv"),
               qualifier("weapon", entity_value("iranian-attack-drones")))
inner = claim("claim-kyiv-strike-kirby", st, agent("john-kirby"), "says",
              "Russia had recently used Iranian drones to strike Kyiv", cue="adding",
              on_behalf_of="national-security-council", claimed_at=FRIDAY)
relay_through_outlets("kyiv-strike", st, inner,
                      "adding that Russia had recently used Iranian drones to strike Kyiv, "
                      "Ukraine's capital")
relay_through_outlets("kyiv-capital", statement("kyiv", "capital_of", entity_value("ukraine")), "",
                      "Kyiv, Ukraine's capital")

# --- Kirby, last month: Russia likely to request more advanced models.
st = statement("russia", "requests", entity_value("iran"),
               qualifier("item", string_value("more advanced drone models")))
inner = claim("claim-advanced-models-kirby", st, agent("john-kirby"), "predicts",
              "Russia was likely to request more advanced models from Tehran",
              certainty="probable", estimative_word="likely", cue="noting",
              on_behalf_of="national-security-council", claimed_at=LAST_MONTH)
relay_through_outlets("advanced-models", st, inner,
                      "noting Russia was likely to request more advanced models from Tehran",
                      certainty="probable", estimative_word="likely")

# --- Kirby, Friday: Russia offers Iran unprecedented defense cooperation.
st = statement("russia", "offers_cooperation", entity_value("iran"),
               qualifier("area", string_value("missiles")),
               qualifier("area", string_value("electronics")),
               qualifier("area", string_value("air defense")),
               qualifier("domain", string_value("defense")),
               qualifier("degree", string_value("unprecedented")))
inner = claim("claim-defense-cooperation-kirby", st, agent("john-kirby"), "says",
              "Russia has been offering Iran unprecedented defense cooperation, including on "
              "missiles, electronics, and air defense", cue="said",
              on_behalf_of="national-security-council", claimed_at=FRIDAY)
relay_through_outlets("defense-cooperation", st, inner,
                      '"Russia has been offering Iran unprecedented defense cooperation, including '
                      'on missiles, electronics, and air defense," he said.')

# --- Last year: Russian officials visited Kashan Airfield (the administration released images).
IN_2022 = {"valid_from": "2022-01-01T00:00:00Z", "valid_to": "2023-01-01T00:00:00Z"}
st = statement("russian-officials", "visited", entity_value("kashan-airfield"),
               qualifier("purpose", string_value("to view weapons-capable drones")), **IN_2022)
inner = claim("claim-kashan-visit-administration", st, agent("biden-administration"), "asserts",
              "Russian officials visiting Iran's Kashan Airfield to view weapons-capable drones",
              cue="released images of",
              basis={"description": "images released by the biden administration"},
              claimed_at=LAST_YEAR)
relay_through_outlets("kashan-visit", st, inner,
                      "Last year, the Biden administration also released images of Russian "
                      "officials visiting Iran's Kashan Airfield to view weapons-capable drones.")
relay_through_outlets("kashan-in-iran",
                      statement("kashan-airfield", "located_in", entity_value("iran")), "",
                      "Iran's Kashan Airfield")

# --- Putin's trip to Tehran (the outlet's own voice).
st = statement("vladimir-putin", "visited", entity_value("tehran"),
               qualifier("purpose", string_value("to meet with Iranian and Turkish leaders")),
               qualifier("met_leaders_of", entity_value("iran")),
               qualifier("met_leaders_of", entity_value("turkey")),
               qualifier("note", string_value(
                   "first international trip since launching the Ukraine invasion")), **IN_2022)
relay_through_outlets("putin-tehran", st, "",
                      "Soon after their visit, Russian President Vladimir Putin traveled to Tehran "
                      "in his first international trip since launching the Ukraine invasion, to "
                      "meet with Iranian and Turkish leaders.")
relay_through_outlets("putin-president",
                      statement("vladimir-putin", "leader_of", entity_value("russia")), "",
                      "Russian President Vladimir Putin")
relay_through_outlets("kirby-spokesman",
                      statement("john-kirby", "spokesperson_for",
                                entity_value("national-security-council")), "",
                      "National Security Council spokesman John Kirby", occurrence=1)
relay_through_outlets("burns-director",
                      statement("william-burns", "leader_of", entity_value("cia")), "",
                      "CIA Director William Burns")

# --- Burns at the Aspen Security Forum, July 2022.
relay_through_outlets("burns-aspen",
                      statement("william-burns", "participated_in",
                                entity_value("aspen-security-forum"), **IN_2022), "",
                      "Burns said at the annual Aspen Security Forum in Colorado")
relay_through_outlets("aspen-in-colorado",
                      statement("aspen-security-forum", "located_in", entity_value("colorado")), "",
                      "the annual Aspen Security Forum in Colorado")
for country in ["iran", "russia"]:
    st = statement("united-states", "sanctions", entity_value(country))
    inner = claim(f"claim-{country}-sanctioned-burns", st, agent("william-burns"), "says",
                  "Both federally sanctioned countries", cue="said", on_behalf_of="cia",
                  claimed_at=JULY_LAST_YEAR)
    relay_through_outlets(f"{country}-sanctioned", st, inner,
                          '"Both federally sanctioned countries, both looking to break out of '
                          'political isolation as well," Burns said')
for truster, trusted in [("iran", "russia"), ("russia", "iran")]:
    st = statement(truster, "trusts", entity_value(trusted))
    inner = claim(f"claim-distrust-{truster}-burns", st, agent("william-burns"), "says",
                  "they don't really trust each other", stance="refutes", cue="said",
                  on_behalf_of="cia", claimed_at=JULY_LAST_YEAR)
    relay_through_outlets(f"distrust-{truster}", st, inner,
                          '"But if they need each other, they don\'t really trust each other, in '
                          'the sense that they\'re energy rivals and historical competitors," he '
                          'said.', stance="refutes")
for name, domain, words in [("energy", "energy", "energy rivals"),
                            ("historical", "history", "historical competitors")]:
    st = statement("russia", "rivals", entity_value("iran"), qualifier("domain", string_value(domain)))
    inner = claim(f"claim-rivals-{name}-burns", st, agent("william-burns"), "says", words,
                  cue="said", on_behalf_of="cia", claimed_at=JULY_LAST_YEAR)
    relay_through_outlets(f"rivals-{name}", st, inner,
                          '"But if they need each other, they don\'t really trust each other, in '
                          'the sense that they\'re energy rivals and historical competitors," he '
                          'said.')

# --- Sanctions by the U.S. and the EU (the outlet's own voice).
SANCTIONS = ("The U.S. and the European Union have previously sanctioned the Iranian drone "
             "industry and alleged procurement networks working to supply it with equipment.")
for sanctioner in ["united-states", "european-union"]:
    for target, name in [("iranian-drone-industry", "industry"),
                         ("iranian-drone-procurement-networks", "networks")]:
        relay_through_outlets(f"sanctions-{sanctioner}-{name}",
                              statement(sanctioner, "sanctions", entity_value(target)), "",
                              SANCTIONS)
relay_through_outlets("procurement-networks",
                      statement("iranian-drone-procurement-networks", "supplies",
                                entity_value("iranian-drone-industry"),
                                qualifier("item", string_value("equipment"))), "",
                      "alleged procurement networks working to supply it with equipment",
                      certainty="possible", estimative_word="alleged")

# --- The White House will release an advisory.
st = statement("white-house", "publishes", entity_value("us-drone-advisory-2023"),
               qualifier("concerns", entity_value("iran-drone-program")))
inner = claim("claim-advisory-white-house", st, agent("white-house"), "says",
              'it would release a new government advisory to "help governments and businesses put '
              'in place measures to ensure they are not inadvertently contributing" to Tehran\'s '
              "drone program", cue="said", claimed_at=FRIDAY)
relay_through_outlets("advisory", st, inner,
                      "The White House also said Friday it would release a new government advisory "
                      'to "help governments and businesses put in place measures to ensure they are '
                      "not inadvertently contributing\" to Tehran's drone program.")

# ----------------------------------------------------------------------------- assessments
emit("assessment", {
    "id": "assessment-page-decontextualised",
    "assessor_id": "claimgraph-sample-editors",
    "target": {"source_id": PAGE},
    "verdict_text": "Old news under a new date",
    "verdict": "VERDICT_OTHER",
    "media_category": "decontextualised",
    "explanation": "The page declares 2025-04-16 but republishes a report of Friday 9 June 2023: "
                   "'the White House said Friday', 'as soon as next year' and 'last month' are "
                   "relative to June 2023, not April 2025.",
    "assessed_at": "2026-11-28T00:00:00Z",
})

with open(OUTPUT, "w", encoding="utf-8") as out:
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, separators=(", ", ": ")) + "\n")
print(f"{OUTPUT}: {len(records)} records, "
      f"{sum(1 for r in records if 'claim' in r)} claims")
