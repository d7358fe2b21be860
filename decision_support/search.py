"""Guideline search (sökning i rådgivningsstöd): typo-tolerant, diacritic-insensitive.

How it works
------------
At build time every search phrase of every guideline (title, symptoms, body
parts, events, lay terms, misspellings, synonyms, summary) is normalised with
:func:`decision_support.normalise.terms` into stems. The index keeps

* a postings map ``stem → {guideline: best (weight, field, phrase)}``;
* the vocabulary of unique stems, bucketed by length, for fuzzy matching with
  rapidfuzz (``process.extract`` over the *vocabulary*, never per guideline);
* compound maps ``part → stems`` for every split of an indexed stem into two
  parts of at least three letters, so ``smärta`` finds ``bröstsmärta`` and
  ``bröstet`` finds ``bröstkorg``;
* a phrase map for whole-query matches (``ont i bröstet`` as written).

A query word matches vocabulary stems exactly (quality 1.0), as a part of an
indexed compound (0.7), as an unknown compound read as modifier + head (0.8
when both parts are known, less for one), as the beginning of a word (0.6), or
by edit distance (0.75 for one edit, 0.6 for two; longer words allow more).

Ranking, per guideline: for each query word the best ``quality × field
weight`` over its matches (plus half the second best, from another phrase:
more evidence), where the field weight is lowered for long phrases (a word
that is most of a short phrase is a more exact match); times the word's idf, taken
from how many guidelines the word reaches by *any* kind of match; summed over
the words, plus a bonus when the whole query equals one of the guideline's
phrases. The best candidates are then re-ranked by exactness (how much of a
phrase the query covers and how much of the query the phrase covers), so a
specialised guideline ("Migrän hos äldre") does not outrank the general one
for a general query. Every hit explains itself: for each query word, the
field, the phrase and the kind of match (``"symtom 'bröstsmärta' (stavfel:
'brostsmarat')"``).

Speed: the work per query is bounded by the vocabulary (fuzzy matching runs
on the unique stems of nearby lengths, not on guidelines) and by the postings
of the matched stems; the figures are in ``bench/guideline_search.py``.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from decision_support.model import Age, Audience, Guideline
from decision_support.normalise import STOPWORDS, fold, stem, terms, words
from decision_support.search_filter import AudienceFilter

__all__ = ["FIELD_WEIGHTS", "GuidelineIndex", "SearchHit"]

#: Field name → (weight, Swedish label used in "why" texts).
FIELD_WEIGHTS: dict[str, tuple[float, str]] = {
    "title": (1.0, "titel"),
    "symptoms": (0.9, "symtom"),
    "synonyms": (0.9, "synonym"),
    "lay_terms": (0.85, "vardagsuttryck"),
    "misspellings": (0.8, "vanlig felstavning"),
    "events": (0.85, "händelse"),
    "body_parts": (0.6, "kroppsdel"),
    "summary": (0.3, "sammanfattning"),
}
_EXACT, _PART, _SPLIT, _FUZZY = "exakt", "del av sammansatt ord", "sammansatt ord", "stavfel"
_PREFIX = "ordbörjan"
_Q_PART, _Q_SPLIT, _Q_PREFIX = 0.7, 0.8, 0.6
_Q_FUZZY = {1: 0.75, 2: 0.6}
_MIN_PART = 3
_MIN_TYPED = 3  # a function word still being typed searched as a prefix from here
_PHRASE_BONUS = 1.5
_MAX_EXPANSIONS = 40
_LENGTH_PENALTY = 0.2
_RERANK, _EXACTNESS = 60, 0.6
_SECOND = 0.5  # weight of a word's second-best phrase match (more evidence)


@dataclass(frozen=True)
class SearchHit:
    """One search result (träff): which guideline, how well, and why it matched."""

    guideline_id: str
    title: str
    version: str
    score: float
    why: list[str]


@dataclass(frozen=True)
class _Posting:
    weight: float
    field: str
    phrase: str
    size: int = 1  # number of stems in the phrase, for exactness


@dataclass(frozen=True)
class _Match:
    stem: str
    quality: float
    kind: str
    word: str


def _max_edits(length: int) -> int:
    return 0 if length <= 3 else 1 if length <= 6 else 2


class GuidelineIndex:
    """An in-memory search index over guidelines, built once at load (sökindex)."""

    def __init__(self, guidelines: tuple[Guideline, ...]) -> None:
        self._guidelines = guidelines
        self._postings: dict[str, dict[int, _Posting]] = defaultdict(dict)
        self._phrases: dict[str, dict[int, _Posting]] = defaultdict(dict)
        self._phrase_stems: list[list[frozenset[str]]] = []
        for gi, g in enumerate(guidelines):
            own: set[frozenset[str]] = set()
            for field_name, phrase in _phrases_of(g):
                self._add(gi, field_name, phrase)
                if field_name != "summary" and (stems := frozenset(terms(phrase))):
                    own.add(stems)
            self._phrase_stems.append(list(own))
        self._n = max(len(guidelines), 1)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        self._prefix: dict[str, list[str]] = defaultdict(list)
        self._suffix: dict[str, list[str]] = defaultdict(list)
        for s in sorted(self._postings):
            self._by_length[len(s)].append(s)
            for cut in range(_MIN_PART, len(s) - _MIN_PART + 1):
                self._prefix[s[:cut]].append(s)
                self._suffix[s[cut:]].append(s)
        self._vocab = sorted(self._postings)
        self._ages = [(g.ages.min_days, g.ages.max_days) for g in guidelines]

    @classmethod
    def build(cls, guidelines: Iterable[Guideline]) -> GuidelineIndex:
        """Build the index over ``guidelines`` (typically a library's guidelines)."""
        return cls(tuple(guidelines))

    def __len__(self) -> int:
        return len(self._guidelines)

    @property
    def vocabulary_size(self) -> int:
        """Number of unique stems in the index."""
        return len(self._postings)

    def _add(self, gi: int, field_name: str, phrase: str) -> None:
        stems = terms(phrase)
        # Exactness: a word that is most of a short phrase says more than one word of a long one.
        weight = FIELD_WEIGHTS[field_name][0] / (1.0 + _LENGTH_PENALTY * max(len(stems) - 1, 0))
        posting = _Posting(weight, field_name, phrase, size=max(len(stems), 1))
        for s in stems:
            old = self._postings[s].get(gi)
            if old is None or old.weight < weight:
                self._postings[s][gi] = posting
        key = " ".join(stems)
        old = self._phrases[key].get(gi)
        if key and (old is None or old.weight < weight):
            self._phrases[key][gi] = posting

    # -- matching a query word against the vocabulary -------------------------

    def _matches(self, word: str) -> list[_Match]:
        s = stem(word)
        known = s in self._postings
        found: dict[str, _Match] = {}

        def offer(candidate: str, quality: float, kind: str) -> None:
            if candidate not in found or found[candidate].quality < quality:
                found[candidate] = _Match(candidate, quality, kind, word)

        if known:
            offer(s, 1.0, _EXACT)
        if len(s) >= _MIN_PART:
            for part_of in (self._prefix.get(s, ()), self._suffix.get(s, ())):
                for longer in part_of[:_MAX_EXPANSIONS]:
                    offer(longer, _Q_PART, _PART)
        if known:
            return list(found.values())
        for completed in self._completions(word):
            offer(completed, _Q_PREFIX, _PREFIX)
        for candidate, quality in self._splits(word):
            offer(candidate, quality, _SPLIT)
        edits = _max_edits(len(s))
        if edits:
            for candidate, distance in self._fuzzy(s, edits):
                q = _Q_FUZZY[int(distance)]
                offer(candidate, q, _FUZZY)
                if len(candidate) > _MIN_PART:
                    for longer in self._suffix.get(candidate, ())[:_MAX_EXPANSIONS]:
                        offer(longer, q * _Q_PART, _FUZZY)
        return list(found.values())

    def _completions(self, word: str) -> list[str]:
        """Vocabulary stems that start with ``word``: the nurse typed only the beginning."""
        if len(word) < 2:
            return []
        start = bisect.bisect_left(self._vocab, word)
        out = []
        for candidate in self._vocab[start : start + _MAX_EXPANSIONS]:
            if not candidate.startswith(word):
                break
            out.append(candidate)
        return out

    def _splits(self, word: str) -> list[tuple[str, float]]:
        """Read an unknown word as a compound: modifier + head (förled + efterled).

        Both parts known gives the split quality; otherwise the known part
        alone counts in proportion to how much of the word it explains, so
        ``migränanfall`` leans on ``migrän`` rather than on ``fall``.
        """
        out: list[tuple[str, float]] = []
        for cut in range(_MIN_PART, len(word) - _MIN_PART + 1):
            left, right = word[:cut], stem(word[cut:])
            if left not in self._postings and left.endswith("s"):
                left = left[:-1]  # Swedish linking -s- (fogemorfem)
            if left not in self._postings and stem(left) in self._postings:
                left = stem(left)  # migrän|anfall: the modifier is indexed as its stem
            left_ok, head_ok = left in self._postings, right in self._postings
            if left_ok and head_ok:
                out += [(left, _Q_SPLIT), (right, _Q_SPLIT)]
                continue
            sides = (
                (right, head_ok, self._suffix, len(word) - cut),
                (left, left_ok, self._prefix, cut),
            )
            for part, known, table, surface in sides:
                if len(part) <= _MIN_PART:
                    continue
                share = _Q_SPLIT * surface / len(word)
                if known:
                    out.append((part, share))
                else:
                    out += [(longer, share * _Q_PART) for longer in table.get(part, ())[:10]]
        return out

    def _fuzzy(self, s: str, edits: int) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        for length in range(len(s) - edits, len(s) + edits + 1):
            bucket = self._by_length.get(length)
            if not bucket:
                continue
            for candidate, distance, _ in process.extract(
                s, bucket, scorer=OSA.distance, score_cutoff=edits, limit=5
            ):
                out.append((candidate, distance))
        return out

    # -- querying -------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        age: Age | float | None = None,
        audience: Audience | str | None = None,
        limit: int = 10,
    ) -> list[SearchHit]:
        """Guidelines matching ``query``, best first, each with the reasons it matched.

        ``age`` (an :class:`Age`, or years as a number) keeps guidelines whose
        age bounds contain it; ``audience`` (``adult``/``child``) keeps guidelines
        written for that audience or for both.
        """
        query_words = list(dict.fromkeys(words(query) + _being_typed(query)))
        if not query_words or limit <= 0:
            return []
        allowed = self._filter(age, audience)
        scores: dict[int, float] = defaultdict(float)
        reasons: dict[int, list[tuple[_Match, _Posting]]] = defaultdict(list)
        matched: list[set[str]] = []
        for word in query_words:
            best: dict[int, tuple[float, _Match, _Posting]] = {}
            second: dict[int, float] = {}
            matches = self._matches(word)
            matched.append({m.stem for m in matches})
            for m in matches:
                for gi, p in self._postings[m.stem].items():
                    value = m.quality * p.weight
                    current = best.get(gi)
                    if current is None:
                        best[gi] = (value, m, p)
                    elif current[0] < value:
                        second[gi] = max(second.get(gi, 0.0), current[0])
                        best[gi] = (value, m, p)
                    elif value > second.get(gi, 0.0) and p.phrase != current[2].phrase:
                        second[gi] = value
            # The word's specificity: how many guidelines it reaches by any kind of match,
            # so a rare compound containing a common word does not inherit rarity.
            idf = math.log(1.0 + self._n / max(len(best), 1))
            for gi, (value, m, p) in best.items():
                if allowed is None or gi in allowed:
                    scores[gi] += (value + _SECOND * second.get(gi, 0.0)) * idf
                    reasons[gi].append((m, p))
        phrase_key = " ".join(stem(w) for w in query_words)
        phrase_hits = self._phrases.get(phrase_key, {}) if len(query_words) > 1 else {}
        for gi, p in phrase_hits.items():
            if gi in scores:
                scores[gi] += _PHRASE_BONUS * p.weight
        ranked = self._rerank(scores, matched, limit)
        return [
            self._hit(gi, score, reasons[gi], phrase_hits.get(gi)) for gi, score in ranked[:limit]
        ]

    def _rerank(
        self,
        scores: dict[int, float],
        matched: list[set[str]],
        limit: int,
    ) -> list[tuple[int, float]]:
        """Order the best candidates by raw score × exactness.

        Exactness is the best, over a guideline's phrases, of (share of the phrase
        the query covers) × (share of the query the phrase covers): ``migrän``
        is fully the symptom ``migrän`` but only half the title ``Migrän hos
        äldre``, so a specialised guideline does not outrank the general one.
        """
        first = heapq.nlargest(max(_RERANK, limit), scores.items(), key=lambda kv: kv[1])
        n_words = max(len(matched), 1)
        out = []
        for gi, score in first:
            exact = 0.0
            for stems in self._phrase_stems[gi]:
                hits = sum(1 for m in matched if m & stems)
                if hits:
                    exact = max(exact, (hits / len(stems)) * (hits / n_words))
            out.append((gi, score * (1.0 - _EXACTNESS + _EXACTNESS * exact)))
        out.sort(key=lambda kv: (-kv[1], self._guidelines[kv[0]].id))
        return out

    def _filter(self, age: Age | float | None,
                audience: Audience | str | None) -> AudienceFilter | None:
        if age is None and audience is None:
            return None
        days = None
        if age is not None:
            days = age.days if isinstance(age, Age) else Age.of_years(float(age)).days
        want = Audience(audience) if audience is not None else None
        return AudienceFilter(self._guidelines, self._ages, days, want)

    def _hit(
        self,
        gi: int,
        score: float,
        reasons: list[tuple[_Match, _Posting]],
        phrase: _Posting | None,
    ) -> SearchHit:
        g = self._guidelines[gi]
        why = []
        if phrase is not None:
            why.append(f"{FIELD_WEIGHTS[phrase.field][1]} '{phrase.phrase}' (hela frasen)")
        for m, p in reasons:
            label = FIELD_WEIGHTS[p.field][1]
            if m.kind == _EXACT:
                exact = fold(p.phrase) == fold(m.word) or m.word in fold(p.phrase).split()
                kind = f"exakt: '{m.word}'" if exact else f"böjningsform: '{m.word}'"
            else:
                kind = f"{m.kind}: '{m.word}'"
            why.append(f"{label} '{p.phrase}' ({kind})")
        return SearchHit(g.id, g.title, g.version, round(score, 4), why)


def _phrases_of(g: Guideline) -> Iterable[tuple[str, str]]:
    yield "title", g.title
    t = g.search_terms
    for field_name in ("symptoms", "body_parts", "events", "lay_terms", "misspellings", "synonyms"):
        for phrase in getattr(t, field_name):
            yield field_name, phrase
    if g.summary:
        yield "summary", g.summary


def _being_typed(query: str) -> list[str]:
    """The word the nurse is still typing when it is, so far, a function word: searching
    as she types, "hos" is the start of "hosta", not the word "hos" (which is dropped)."""
    if not query or query[-1].isspace():
        return []
    folded = fold(query).split()
    last = folded[-1] if folded else ""
    return [last] if last in STOPWORDS and len(last) >= _MIN_TYPED else []
