"""Acceptance, section 3 (clusters): the same words found across outlets, and only those words together."""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations, cycle, pairwise
from pathlib import Path

import pandas as pd
import pytest

from pipeline.evaluation.ecbplus import read_split
from pipeline.extract.mentions import mention_candidates
from pipeline.extract.quotes import quotes_table
from pipeline.reconcile.entities import resolve_entities
from pipeline.reconcile.quotes import CLUSTER_COLUMNS, cluster_quotes, quote_words
from tests.conftest import SAMPLE, SHARED, ecbplus_train_folder, library_parse

ALL_SEEDS = ["000", "001", "002", "003", "004"]
ECBPLUS = SHARED / "ecbplus"
# How many synthetic quotes the scale test clusters; set NEWSRECON_QUOTE_SCALE=100000 for the full run.
SCALE = int(os.environ.get("NEWSRECON_QUOTE_SCALE", "5000"))


@dataclass
class Clustered:
    """Quotes with their clusters, and the articles they come from."""

    quotes: pd.DataFrame
    clusters: pd.DataFrame
    articles: pd.DataFrame

    def seed(self, article_id: str) -> str:
        paths = dict(zip(self.articles["article_id"], self.articles["source_path"], strict=True))
        return paths[article_id][:3]

    def passages(self) -> pd.DataFrame:
        """One row per passage of a quote: its text (typography folded) and cluster."""
        texts = dict(zip(self.articles["article_id"], self.articles["text"], strict=True))
        rows = [
            {
                "quote_id": quote.quote_id,
                "article_id": quote.article_id,
                "cluster_id": part["cluster_id"],
                "text": fold(texts[quote.article_id][part["start_char"] : part["end_char"]]),
            }
            for quote in self.quotes.itertuples()
            for part in quote.passages
        ]
        return pd.DataFrame(rows)

    def clusters_carrying(self, pattern: str) -> pd.DataFrame:
        """The clusters with a passage that matches `pattern` (case-insensitive, typography folded)."""
        passages = self.passages()
        hits = passages[passages["text"].str.contains(pattern, flags=re.IGNORECASE, regex=True)]
        return self.clusters[self.clusters["cluster_id"].isin(hits["cluster_id"])]

    def cluster_carrying(self, pattern: str) -> pd.Series:
        found = self.clusters_carrying(pattern)
        assert len(found) == 1, f"{pattern!r} is in {len(found)} clusters"
        return found.iloc[0]

    def quote(self, pattern: str) -> pd.Series:
        found = self.quotes[self.quotes["text"].map(fold).str.contains(pattern, flags=re.IGNORECASE)]
        assert len(found) == 1, f"{pattern!r} matches {len(found)} quotes"
        return found.iloc[0]

    def seeds_of(self, cluster: pd.Series) -> list[str]:
        return sorted(self.seed(article_id) for article_id in cluster["article_ids"])


def fold(text: str) -> str:
    return text.replace("’", "'").replace("–", "-")


@pytest.fixture(scope="module")
def seeds() -> Clustered:
    parsed = library_parse(SAMPLE)
    mentions, entities = resolve_entities(mention_candidates(parsed.articles, parsed.sentences, parsed.docs))
    quotes, _ = quotes_table(parsed.articles, parsed.sentences, mentions, entities, parsed.docs)
    clustered, clusters = cluster_quotes(quotes, parsed.articles)
    return Clustered(clustered, clusters, parsed.articles)


# --- The seeds -------------------------------------------------------------------------------------------

MILLER_STATEMENTS = [
    (r"^Assad is a brutal dictator with blood on his hands", ALL_SEEDS),
    (r"^Ultimately, what we want to see is a political process forward", ALL_SEEDS),
    (r"^Nothing has changed", ["000", "001", "002", "004"]),
    (r"helpful if Russia and Iran stopped their destabilizing influence inside", ["000", "002", "004"]),
    (r"de-escalation and protection of civilians and minority groups", ["001", "003"]),
]


@pytest.mark.parametrize(("pattern", "expected"), MILLER_STATEMENTS)
def test_each_of_millers_statements_is_one_cluster_across_the_outlets_that_carry_it(
    seeds: Clustered, pattern: str, expected: list[str]
) -> None:
    cluster = seeds.cluster_carrying(pattern)
    assert seeds.seeds_of(cluster) == expected
    assert cluster["speaker_name"] == "Matthew Miller"
    miller = seeds.quote(r"^Nothing has changed with respect.*As I said").speaker_entity_id
    assert cluster["speaker_entity_id"] == miller


def test_millers_different_statements_stay_in_different_clusters(seeds: Clustered) -> None:
    ids = {seeds.cluster_carrying(pattern)["cluster_id"] for pattern, _ in MILLER_STATEMENTS}
    assert len(ids) == len(MILLER_STATEMENTS)


def test_the_political_process_cluster_counts_three_wordings(seeds: Clustered) -> None:
    # `forward, where` and `forward where` are one wording; `but where` and `that - where` two more.
    cluster = seeds.cluster_carrying(r"^Ultimately, what we want to see")
    assert cluster["variant_count"] == 3
    for wording in ["forward, where", "forward where", "forward, but where", "forward that - where"]:
        assert seeds.cluster_carrying(wording)["cluster_id"] == cluster["cluster_id"]


def test_the_british_spelling_joins_the_us_spelling(seeds: Clustered) -> None:
    destabilise = seeds.cluster_carrying(r"continue to destabilise the situation")
    destabilize = seeds.cluster_carrying(r"continue to destabilize the situation")
    assert destabilise["cluster_id"] == destabilize["cluster_id"]
    assert seeds.seeds_of(destabilise) == ["000", "002", "004"]
    assert destabilise["variant_count"] == 1


def test_a_long_quote_is_listed_in_every_cluster_whose_words_it_carries(seeds: Clustered) -> None:
    block = seeds.quote(r"^Nothing has changed.*As I said")  # 000 runs the whole statement together
    carrying = seeds.clusters[seeds.clusters["quote_ids"].map(lambda ids: block.quote_id in ids)]
    for pattern, _ in MILLER_STATEMENTS[:4]:
        assert seeds.cluster_carrying(pattern)["cluster_id"] in set(carrying["cluster_id"])
    assert block.cluster_id in set(carrying["cluster_id"])
    # Its passages cover it from its first word to its last, one after another.
    spans = [(part["start_char"], part["end_char"]) for part in block.passages]
    assert spans[0][0] == block.start_char
    assert spans[-1][1] == block.end_char
    assert all(end <= start for (_, end), (start, _) in pairwise(spans))


def test_words_no_other_outlet_quotes_stay_one_passage_of_the_long_quote(seeds: Clustered) -> None:
    cluster = seeds.cluster_carrying(r"^As I said, United Nations Security Council Resolution 2254")
    assert seeds.seeds_of(cluster) == ["000"]
    assert cluster["text"].endswith("where the regime engages with opposition groups.")


def test_the_canonical_text_is_the_longest_faithful_version_as_written(seeds: Clustered) -> None:
    nothing = seeds.cluster_carrying(r"^Nothing has changed")
    assert nothing["text"] == "Nothing has changed with respect to our policy."
    assert nothing["variant_count"] == 2
    engage = seeds.cluster_carrying(r"for the Assad regime")
    assert "..." not in engage["text"]
    assert engage["text"].startswith("We hope that every country")


def test_the_savett_quote_is_not_in_a_miller_cluster(seeds: Clustered) -> None:
    cluster = seeds.cluster_carrying(r"^\[t\]he Assad regime's ongoing refusal")
    assert cluster["speaker_name"] == "Sean Savett"
    assert seeds.seeds_of(cluster) == ["002"]


def test_a_quote_repeated_inside_one_article_counts_that_article_once(seeds: Clustered) -> None:
    cluster = seeds.cluster_carrying(r"^What we want to see are de-escalation")
    assert seeds.seeds_of(cluster) == ["001", "003"]
    repeated = seeds.quotes[seeds.quotes["text"].str.startswith("What we want to see are de-escalation")]
    assert len(repeated) == 2
    assert set(repeated["quote_id"]) <= set(cluster["quote_ids"])
    assert cluster["outlet_count"] == 2


def test_a_partial_quote_attaches_to_the_longer_quote_it_comes_from(seeds: Clustered) -> None:
    partial = seeds.quote(r"^for the Assad regime \.\.\. to actually engage in a dialogue")
    longer = seeds.quote(r"^We hope that every country")
    assert partial.cluster_id == longer.cluster_id
    assert seeds.seeds_of(seeds.cluster_carrying(r"for the Assad regime")) == ["002", "003"]


def test_a_partial_quote_no_longer_quote_holds_stays_on_its_own(seeds: Clustered) -> None:
    # No seed quotes "in any way, shape or form" at more length: there is nothing to attach to.
    cluster = seeds.cluster_carrying(r"in any way, shape or form")
    assert cluster["quote_ids"] == [seeds.quote(r"in any way, shape or form").quote_id]


def test_every_quote_is_in_exactly_one_cluster_that_lists_it(seeds: Clustered) -> None:
    assert list(seeds.clusters.columns) == CLUSTER_COLUMNS
    assert seeds.clusters["cluster_id"].is_unique
    members = dict(zip(seeds.clusters["cluster_id"], seeds.clusters["quote_ids"], strict=True))
    for quote in seeds.quotes.itertuples():
        assert quote.quote_id in members[quote.cluster_id]


def test_outlets_and_first_publication_come_from_the_member_articles(seeds: Clustered) -> None:
    # Only 003 names its outlet (Anadolu Agency): the four unnamed outlets count once each.
    cluster = seeds.cluster_carrying(r"^Assad is a brutal dictator")
    assert cluster["outlet_count"] == 5
    assert cluster["first_published"] == dt.date(2024, 12, 2)
    # 002 and 004 carry no date: the earliest is that of 000.
    russia = seeds.cluster_carrying(r"helpful if Russia and Iran")
    assert russia["first_published"] == dt.date(2024, 12, 3)


def test_cluster_ids_do_not_depend_on_the_order_of_the_quotes(seeds: Clustered) -> None:
    shuffled = seeds.quotes.drop(columns=["cluster_id", "passages"]).sample(frac=1, random_state=7)
    again, clusters = cluster_quotes(shuffled, seeds.articles)
    assert sorted(clusters["cluster_id"]) == sorted(seeds.clusters["cluster_id"])
    before = dict(zip(seeds.quotes["quote_id"], seeds.quotes["cluster_id"], strict=True))
    assert dict(zip(again["quote_id"], again["cluster_id"], strict=True)) == before


# --- Text written for the purpose ------------------------------------------------------------------------


def frames(*quotes: tuple[str, str, str | None]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`quotes` and `articles` for `(article_id, text, speaker)` rows; every article its own outlet."""
    rows = []
    for n, (article_id, text, speaker) in enumerate(quotes):
        start = 10 * n
        rows.append(
            {
                "quote_id": f"{article_id}:{start}-{start + len(text)}",
                "article_id": article_id,
                "sentence_id": 0,
                "start_char": start,
                "end_char": start + len(text),
                "text": text,
                "speaker_name": speaker,
                "speaker_entity_id": None if speaker is None else "E" + speaker.replace(" ", ""),
                "speaker_start": None,
                "speaker_end": None,
                "cue": "said",
                "kind": "direct",
            }
        )
    ids = sorted({article_id for article_id, _, _ in quotes})
    articles = pd.DataFrame(
        {"article_id": ids, "outlet": [f"Outlet {i}" for i in ids], "published_date": [None] * len(ids)}
    )
    return pd.DataFrame(rows), articles


def cluster_of(quotes: pd.DataFrame, text: str) -> str:
    """The one cluster of every quote whose text is `text`."""
    [cluster_id] = set(quotes.loc[quotes["text"] == text, "cluster_id"])
    return cluster_id


def test_two_outlets_quoting_one_statement_with_different_cuts_and_typography_share_a_cluster() -> None:
    full = (
        "We will not negotiate with people who target civilians - not now, not ever. "
        "The programme of talks we offered last year remains open to every group that renounces violence."
    )
    cut = (
        "[w]e will not negotiate with people who target civilians — not now, not ever … "
        "the program of talks … remains open to every group that renounces violence"
    )
    quotes, clusters = cluster_quotes(*frames(("a", full, "Jane Doe"), ("b", cut, "Jane Doe")))
    assert cluster_of(quotes, full) == cluster_of(quotes, cut)
    shared = clusters[clusters["cluster_id"] == cluster_of(quotes, full)].iloc[0]
    assert shared["article_ids"] == ["a", "b"]
    assert shared["outlet_count"] == 2
    assert shared["text"] == "We will not negotiate with people who target civilians - not now, not ever."


def test_two_different_statements_by_one_speaker_stay_apart() -> None:
    budget = "The budget we present on Tuesday will cut the deficit in half within four years."
    border = "The border crossing at the river will reopen to trucks carrying food next week."
    quotes, clusters = cluster_quotes(
        *frames(("a", budget, "Jane Doe"), ("b", budget, "Jane Doe"), ("c", border, "Jane Doe"))
    )
    assert cluster_of(quotes, budget) != cluster_of(quotes, border)
    assert len(clusters) == 2


def test_the_same_words_credited_to_different_speakers_stay_together_and_the_majority_names_them() -> None:
    said = "Our hospitals have run out of fuel and the generators will stop within two days."
    _, clusters = cluster_quotes(
        *frames(("a", said, "Jane Doe"), ("b", said, "Jane Doe"), ("c", said, "John Roe"), ("d", said, None))
    )
    [cluster] = clusters.itertuples()
    assert cluster.article_ids == ["a", "b", "c", "d"]
    assert (cluster.speaker_name, cluster.speaker_entity_id) == ("Jane Doe", "EJaneDoe")


def test_a_short_common_phrase_does_not_glue_unrelated_stories_together() -> None:
    mine = "We are working on it, and we expect to have news for the families of the miners by Friday."
    bridge = "We are working on it. The bridge will stay closed until engineers say it is safe to reopen."
    quotes, clusters = cluster_quotes(
        *frames(
            ("mine1", mine, "Ann Coal"),
            ("mine2", mine.replace(",", ""), "Ann Coal"),
            ("bridge1", bridge, "Bob Span"),
            ("bridge2", bridge.replace("We are", "we are"), "Bob Span"),
            ("phone", "we are working on it", "Cy Tel"),
        )
    )
    stories = {"mine1": "mine", "mine2": "mine", "bridge1": "bridge", "bridge2": "bridge", "phone": "phone"}
    for article_ids in clusters["article_ids"]:
        assert len({stories[a] for a in article_ids}) == 1, article_ids
    assert cluster_of(quotes, mine) == cluster_of(quotes, mine.replace(",", ""))
    assert cluster_of(quotes, bridge) == cluster_of(quotes, bridge.replace("We are", "we are"))


def test_a_fragment_attaches_to_the_one_longer_quote_it_is_taken_from() -> None:
    long = "The ceasefire must hold so that aid convoys can reach the north before winter sets in."
    quotes, _ = cluster_quotes(
        *frames(("a", long, "Jane Doe"), ("b", "aid convoys can reach the north", "Jane Doe"))
    )
    assert cluster_of(quotes, "aid convoys can reach the north") == cluster_of(quotes, long)


def test_bracketed_insertions_and_british_spellings_do_not_separate_a_quote() -> None:
    us = "The staff there helped me recognize what I had to change, and I am in their favor forever"
    uk = "The staff [at Morningside Recovery] helped me recognise what I had to change; I am in their favour"
    quotes, clusters = cluster_quotes(*frames(("a", us, "Sam Lee"), ("b", uk, "Sam Lee")))
    assert cluster_of(quotes, us) == cluster_of(quotes, uk)
    assert clusters.iloc[0]["text"] == us


def test_quote_words_fold_what_outlets_change() -> None:
    assert quote_words("It’s destabilising [the region]… U.S.-led, [t]he “favour”") == [
        "its",
        "destabilizing",
        "us",
        "led",
        "the",
        "favor",
    ]
    assert quote_words("Syria[n] forces [sic] – 2,254 troops") == ["syrian", "forces", "2254", "troops"]


def test_no_quotes_give_no_clusters() -> None:
    quotes, articles = frames(("a", "x", None))
    empty, clusters = cluster_quotes(quotes.iloc[:0], articles)
    assert empty.empty
    assert "cluster_id" in empty.columns
    assert clusters.empty
    assert list(clusters.columns) == CLUSTER_COLUMNS


def test_quotes_too_short_to_compare_are_never_shared() -> None:
    quotes, clusters = cluster_quotes(
        *frames(("a", "terrorists", "Jane Doe"), ("b", "terrorists", "John Roe"))
    )
    assert len(clusters) == 2
    assert quotes["cluster_id"].is_unique


# --- ECB+ train text -------------------------------------------------------------------------------------


@pytest.mark.skipif(not ECBPLUS.is_dir(), reason=f"ECB+ not found at {ECBPLUS}")
def test_ecbplus_outlets_quoting_bettie_pages_agent_share_clusters(tmp_path: Path) -> None:
    names = tuple(f"4_{n}ecb" for n in range(1, 15))
    parsed = library_parse(ecbplus_train_folder(tmp_path, names))
    mentions, entities = resolve_entities(mention_candidates(parsed.articles, parsed.sentences, parsed.docs))
    quotes, _ = quotes_table(parsed.articles, parsed.sentences, mentions, entities, parsed.docs)
    clustered, clusters = cluster_quotes(quotes, parsed.articles)
    found = Clustered(clustered, clusters, parsed.articles)

    def sources(pattern: str) -> list[str]:
        cluster = found.cluster_carrying(pattern)
        paths = dict(zip(parsed.articles["article_id"], parsed.articles["source_path"], strict=True))
        return sorted(paths[a].removesuffix("ecb.txt") for a in cluster["article_ids"])

    assert sources(r"captured the imagination of a generation") == ["4_1", "4_2", "4_5", "4_6", "4_7", "4_8"]
    # `6:41pm PST` in one outlet, `18:41` in the other: most of the words still agree.
    assert sources(r"With deep personal sadness") == ["4_1", "4_5"]


# --- Scale: synthetic quotes built from real sentences ---------------------------------------------------


def real_statements(seed: int) -> list[str]:
    """ECB+ train sentences, detokenized, one or two per statement, none sharing five words with another."""
    rng = random.Random(seed)
    seen: set[tuple[str, ...]] = set()
    statements = []
    for document in read_split(ECBPLUS, "train"):
        kept = []
        for line in document.text.splitlines():
            text = re.sub(r" ([,.;:!?)%]|n't|'s)", r"\1", line.replace("``", "").replace("''", "")).strip()
            words = quote_words(text)
            grams = {tuple(words[i : i + 5]) for i in range(len(words) - 4)}
            if len(words) >= 8 and not grams & seen and "http" not in text:
                seen |= grams
                kept.append(text)
        while kept:
            take = rng.choice([1, 1, 2])
            statements.append(" ".join(kept[:take]))
            kept = kept[take:]
    return statements


def outlet_version(text: str, rng: random.Random) -> str:
    """What an outlet may do to a statement: cut it, elide, bracket, respell, retype, add a word."""
    words = text.split(" ")
    edits = rng.sample(["trim", "ellipsis", "bracket", "insert", "british", "typography"], rng.randint(1, 3))
    if "trim" in edits and len(words) > 10:
        words = words[rng.randint(0, 3) : len(words) - rng.randint(0, 3)]
    if "ellipsis" in edits and len(words) > 14:
        cut = rng.randint(4, len(words) - 8)
        words = [*words[:cut], rng.choice(["...", "…"]), *words[cut + rng.randint(2, 4) :]]
    if "insert" in edits:
        words.insert(
            rng.randint(1, len(words) - 1), rng.choice(["that", "but", "–", "[in the city]", "[sic]"])
        )
    if "bracket" in edits and words[0][:1].isalpha():
        words[0] = f"[{words[0][0].lower()}]{words[0][1:]}"
    version = " ".join(words)
    if "british" in edits:
        version = re.sub(r"iz(e|ed|es|ing|ation)\b", r"is\1", version)
        version = re.sub(r"\b(favo|colo|behavio|labo|hono|neighbo)r", r"\1ur", version)
    if "typography" in edits:
        version = version.replace("'", "’").replace(",", "")
    return version


def synthetic_quotes(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, list[int], list[bool]]:
    """`n` quotes, 2 to 8 outlets' versions of each statement (15% of them partial), with the statement."""
    rng = random.Random(seed)
    statements = real_statements(seed)
    quotes, statement_of, partial = [], [], []
    for s in cycle(range(len(statements))):
        if len(quotes) == n:
            break
        speaker = f"Speaker {rng.randrange(300)}"
        for _ in range(rng.randint(2, 8)):
            is_partial = rng.random() < 0.15
            if is_partial:
                words = statements[s].split(" ")
                start = rng.randrange(max(1, len(words) - 8))
                text = " ".join(words[start : start + rng.randint(3, 8)]).strip(",.;:")
            else:
                text = outlet_version(statements[s], rng)
            quotes.append((f"A{len(quotes)}", text, None if rng.random() < 0.1 else speaker))
            statement_of.append(s)
            partial.append(is_partial)
            if len(quotes) == n:
                break
    quote_frame, article_frame = frames(*quotes)
    article_frame["outlet"] = [
        rng.choice([None, *(f"Outlet {k}" for k in range(40))]) for _ in article_frame.index
    ]
    return quote_frame, article_frame, statement_of, partial


@pytest.mark.skipif(not ECBPLUS.is_dir(), reason=f"ECB+ not found at {ECBPLUS}")
def test_synthetic_quotes_from_real_sentences_cluster_quickly_and_correctly() -> None:
    quotes, articles, statement_of, partial = synthetic_quotes(SCALE)
    started = time.perf_counter()
    _, clusters = cluster_quotes(quotes, articles)
    elapsed = time.perf_counter() - started
    print(f"clustered {len(quotes)} quotes into {len(clusters)} clusters in {elapsed:.1f} s")
    assert elapsed < 60 * max(1, SCALE / 10_000)  # minutes for 100,000 quotes, not hours

    row = {quote_id: n for n, quote_id in enumerate(quotes["quote_id"])}
    together = {
        pair for ids in clusters["quote_ids"] for pair in combinations(sorted(row[q] for q in ids), 2)
    }
    by_statement = defaultdict(list)
    for n, s in enumerate(statement_of):
        if not partial[n]:
            by_statement[s].append(n)
    expected = {pair for rows in by_statement.values() for pair in combinations(rows, 2)}
    found = {(a, b) for a, b in together if not partial[a] and not partial[b]}
    assert len(expected & found) / len(expected) >= 0.97  # versions of one statement found together
    assert len(expected & found) / len(found) >= 0.97  # and not with other statements
    wrong = {
        a for pair in together for a in pair if partial[a] and statement_of[pair[0]] != statement_of[pair[1]]
    }
    assert len(wrong) / sum(partial) <= 0.03  # partial quotes never attach to the wrong statement
