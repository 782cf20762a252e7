#!/usr/bin/python3
"""powerlaw_claims.py: a deterministic power-law claims data set in the NDJSON import format.

The benchmark's fallback generator, used when the project's own generator (build/bin/
generate_claims) is not built. Entities are agents of a few types (so every predicate used here
fits the default schema's domain and range); statements draw subjects and objects from two
different power laws, so out-degree hubs and in-degree hubs are different entities, as in real
graphs (1M entities / 5M claims gives max out-degree ~5k, max in-degree ~50k). One source per
50 claims, published by a news organisation; claimants drawn by a third power law.

Usage: powerlaw_claims.py --entities N --claims M [--seed S] > claims.ndjson
"""
import argparse
import random
import sys

TYPES = ["organisation", "company", "government_body", "person", "news_organisation"]
PREDICATES = [("cooperates_with", 30), ("trusts", 20), ("sanctions", 15),
              ("offers_cooperation", 15), ("supplies", 20)]
ACTS = ["CLAIM_ACT_ASSERTS", "CLAIM_ACT_REPORTS", "CLAIM_ACT_SAYS", "CLAIM_ACT_BELIEVES"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entities", type=int, required=True)
    parser.add_argument("--claims", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    n = args.entities
    out = sys.stdout
    write = out.write

    # Rank -> entity index through a multiplicative permutation, so hubs are scattered over ids
    # and the subject and object laws pick different hubs.
    def permute(rank, salt):
        return (rank * 2654435761 + salt) % n

    news = []
    for i in range(n):
        entity_type = TYPES[i % len(TYPES)]
        if entity_type == "news_organisation":
            news.append(i)
        write('{"entity": {"id": "e%d", "type": "%s", "name": "Entity %d"}}\n' % (i, entity_type, i))

    source_count = max(1, args.claims // 50)
    for j in range(source_count):
        publisher = news[int(len(news) * rng.random() ** 2.0)]
        write('{"source": {"id": "src%d", "url": "https://news.example/%d", "kind": '
              '"SOURCE_KIND_ARTICLE", "publisher_id": "e%d", "reliability": "RELIABILITY_%s"}}\n'
              % (j, j, publisher, "ABCDEF"[j % 6]))

    predicate_table = []
    for name, weight in PREDICATES:
        predicate_table += [name] * weight
    random_ = rng.random
    for k in range(args.claims):
        subject = permute(int(n * random_() ** 2.0), 17)
        obj = permute(int(n * random_() ** 3.0), 7919)
        claimant = permute(int(n * random_() ** 2.5), 104729)
        predicate = predicate_table[int(random_() * len(predicate_table))]
        confidence = round(0.05 + 0.95 * random_(), 2)
        stance = "STANCE_REFUTES" if random_() < 0.05 else "STANCE_SUPPORTS"
        write('{"claim": {"id": "c%d", "statement": {"subject_id": "e%d", "predicate": "%s", '
              '"object": {"entity_id": "e%d"}}, "act": "%s", "stance": "%s", '
              '"claimant": {"entity_id": "e%d"}, "source_id": "src%d", "confidence": %s, '
              '"claimed_at": "2024-%02d-%02dT12:00:00Z"}}\n'
              % (k, subject, predicate, obj, ACTS[k % len(ACTS)], stance, claimant,
                 int(random_() * source_count), confidence, 1 + k % 12, 1 + k % 28))


if __name__ == "__main__":
    main()
