"""Text normalisation shared by the search index and queries (textnormalisering).

Indexing and querying must fold text the same way, so both go through
:func:`terms`: lower-case, strip diacritics (``bröstsmärta`` → ``brostsmarta``),
split on anything that is not a letter or digit, drop function words
(``ont i bröstet`` → ``ont``, ``brost``), and cut common Swedish inflection
endings with a light stemmer (``bröstet``/``bröst`` → ``brost``,
``ramlade``/``ramlat`` → ``raml``).

The stemmer is deliberately light: it only removes an ending when at least
three letters remain, because over-stemming short Swedish words merges
unrelated words (``hals``/``hal``). Compound words are not split here; the
index handles compounds by matching parts of indexed words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["STOPWORDS", "fold", "stem", "terms", "words"]

_NON_WORD = re.compile(r"[^0-9a-z]+")

#: Function words dropped from queries and indexed text (already folded).
# fmt: off
STOPWORDS = frozenset((
    "i", "pa", "av", "har", "hade", "ha", "en", "ett", "och", "att", "jag", "min", "mitt",
    "mina", "sig", "det", "den", "som", "med", "till", "efter", "vid", "kan", "inte", "ar",
    "om", "fran", "for", "hen", "han", "hon", "de", "dom", "mig", "dig", "sin", "sitt",
    "sina", "nagot", "nagon", "nat", "lite", "mycket", "valdigt", "sedan", "nar", "da", "over",
    "under", "ner", "upp", "ut", "in", "eller", "men", "sa", "nu", "bara", "ocksa", "mer",
    "hos", "vad", "hur", "ska", "skulle", "blev", "blir", "bli", "fatt", "far", "fa", "kanns",
    "kanner", "typ", "liksom", "hela", "tiden", "sen", "igen", "jatte",
    # negations: "får ingen luft" is about "luft"; "ingen" only matched -ing endings
    "ingen", "inget", "inga",
    # age words ("4-åring", "treåring" splits to tre + åring): age is a filter, not a topic
    "aring", "aringen", "aringar",
))
# fmt: on

# Longest first; an ending is cut only if at least three letters remain.
_SUFFIXES = (
    "arnas", "ernas", "ornas", "heten", "arna", "erna", "orna", "aste", "ande", "ende",
    "ade", "are", "ast", "ens", "ets", "het", "en", "an", "et", "ar", "er", "or", "na",
    "at", "a", "e", "t",
)  # fmt: skip
_VOWELS = frozenset("aeiouy")
_MIN_STEM = 3


def fold(text: str) -> str:
    """Lower-case, strip diacritics and turn every non-alphanumeric run into one space."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped.replace("ø", "o").replace("æ", "ae")).strip()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Cut one common Swedish inflection ending from an already folded word."""
    if word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            if suffix == "t" and word[-2] not in _VOWELS:
                continue  # only the neuter -t of ögat/knät, not bröst/ont/bränt
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """Folded words of ``text`` without function words (not stemmed)."""
    return [w for w in fold(text).split() if w not in STOPWORDS]


def terms(text: str) -> list[str]:
    """Folded, stemmed words of ``text`` without function words: the unit of indexing."""
    return [stem(w) for w in words(text)]
