"""A document's task sentences joined once, so that each vocabulary is searched once per document.

The sentences are joined with NUL, which no vocabulary holds: a term found in the joined text lies
inside one sentence, and a sentence holds a term exactly when the search of the joined text finds
one there. The per-sentence functions use this only to skip sentences without any of their words;
every sentence that has one is still read on its own, by the same function as before.
"""

from __future__ import annotations

import re
from bisect import bisect_right

SEPARATOR = "\0"


class Joined:
    """The sentences, their joined text and where each one starts in it."""

    __slots__ = ("bases", "joined", "texts")

    def __init__(self, texts: list[str]):
        self.texts = texts
        joined = SEPARATOR.join(texts)
        # a sentence holding NUL itself cannot be told from its neighbours: no joined text then
        self.joined = joined if joined.count(SEPARATOR) == max(len(texts) - 1, 0) else None
        bases = []
        base = 0
        for text in texts:
            bases.append(base)
            base += len(text) + 1
        self.bases = bases

    def holding(self, pattern: re.Pattern[str]) -> list[bool] | None:
        """For each sentence, whether ``pattern`` finds anything in it; None when the joined text
        cannot tell (the pattern or a sentence holds NUL). The pattern must match within one
        sentence: words, or a character with a lookahead, as the vocabularies compile to."""
        joined = self.joined
        if joined is None or SEPARATOR in pattern.pattern:
            return None
        if not self.texts:
            return []
        flags = [False] * len(self.texts)
        bases = self.bases
        search = pattern.search
        last = len(bases) - 1
        position = 0
        while True:
            m = search(joined, position)
            if m is None:
                return flags
            t = bisect_right(bases, m.start()) - 1
            flags[t] = True
            if t == last:
                return flags
            position = bases[t + 1]  # the next sentence: one finding is enough
