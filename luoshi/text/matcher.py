"""The scan of unit suggestion: a dictionary of terms found leftmost-longest in a text.

``Dictionary(entries)`` compiles terms (vocabulary words, system names, unit names, places,
overrides: ``KEYWORD`` … ``OVERRIDE``) once; ``scan``, ``scan_indexes`` and ``scan_many`` give the
non-overlapping terms of a text left to right, the longest at each position, a word giving way to
a longer one that starts inside it. ahocorasick_rs does the scan when it is installed; without it
the same terms come from one regex over UTF-8 bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from ahocorasick_rs import AhoCorasick, MatchKind

_AhoCorasick: type[AhoCorasick] | None
_LEFTMOST_LONGEST: MatchKind | None
try:  # a compiled leftmost-longest matcher; without it the same scan runs as one regex
    import ahocorasick_rs

    _AhoCorasick = ahocorasick_rs.AhoCorasick
    _LEFTMOST_LONGEST = ahocorasick_rs.MatchKind.LeftmostLongest
except ImportError:  # pragma: no cover
    _AhoCorasick = None
    _LEFTMOST_LONGEST = None

# dictionary entry kinds; a keyword or system name may give way to a longer term, a name never
KEYWORD, SYSTEM, UNIT, PLACE, OVERRIDE = range(5)

# What an entry carries, handed back with each hit as it is: (unit index, weight) pairs.
Payload: TypeAlias = tuple[tuple[int, float], ...]
# An entry: (kind, term, payload).
Entry: TypeAlias = tuple[int, str, Payload]
# A hit of ``scan``: (start, end, kind, term, payload).
Hit: TypeAlias = tuple[int, int, int, str, Payload]
# A hit of ``scan_indexes``: (index in ``by_index``, start, end).
Found: TypeAlias = tuple[int, int, int]
# A compiled entry: (kind, term, payload, length, overtakers).
_Compiled: TypeAlias = tuple[int, str, Payload, int, tuple[int, ...]]
# A byte trie: each byte to the trie after it, None to an empty one where a word ends.
_Trie: TypeAlias = "dict[int | None, _Trie]"


def _trie_pattern(node: _Trie) -> bytes:
    """A regex (bytes) matching the words of a byte trie, the longest at a position first."""
    alternatives = [
        re.escape(bytes((byte,))) + _trie_pattern(child) for byte, child in node.items() if byte is not None
    ]
    if not alternatives:
        return b""
    body = alternatives[0] if len(alternatives) == 1 else b"(?:" + b"|".join(alternatives) + b")"
    if None in node:  # a word ends here: a longer one is tried first
        body = (b"(?:" + body + b")?") if len(alternatives) > 1 or len(body) > 1 else body + b"?"
    return body


class Dictionary:
    """Entries (term → (kind, term, payload)) compiled for a leftmost-longest scan.

    The terms (two characters or more) become an Aho-Corasick automaton (ahocorasick_rs, match kind
    leftmost-longest): one call gives the scan's terms left to right, as (index, start, end),
    without a Python step per character. Without the library they become one regex over UTF-8
    bytes, built as a trie so that at each position the longest term matches, and ``findall`` gives
    the same terms. Where a keyword could give way to a longer term starting inside it
    (``overtakers``: its offsets k at which such a term may start), that is checked against the
    characters; the scan then resumes one character further on."""

    __slots__ = ("automaton", "by_index", "entries", "followers", "index", "joinable", "longest", "pattern", "position")

    def __init__(self, entries: Mapping[str, Entry]) -> None:
        terms = [term for term in entries if len(term) >= 2]
        index: dict[str, list[str]] = {}
        for term in terms:
            index.setdefault(term[:2], []).append(term)
        # terms by their first two characters, longest first (the overtaking check)
        self.index = {k: tuple(sorted(v, key=lambda t: -len(t))) for k, v in index.items()}
        longest: dict[str, int] = {}  # prefix → length of the longest term starting with it
        for term in terms:
            n = len(term)
            for k in range(1, n + 1):
                if longest.get(term[:k], 0) < n:
                    longest[term[:k]] = n
        self.longest = longest
        self.entries: dict[bytes, _Compiled] = {}
        trie: _Trie = {}
        for term in terms:
            kind, _term, payload = entries[term]
            n = len(term)
            overtakers: tuple[int, ...] = ()
            if kind <= SYSTEM:
                overtakers = tuple(k for k in range(1, n) if longest.get(term[k:], 0) > n)
            key = term.encode("utf-8", "surrogatepass")
            self.entries[key] = (kind, term, payload, n, overtakers)
            node = trie
            for byte in key:
                node = node.setdefault(byte, {})
            node[None] = {}
        # the same entries by their index in ``terms``, for the automaton's (index, start, end)
        self.by_index = tuple(self.entries[term.encode("utf-8", "surrogatepass")] for term in terms)
        self.position = {term: k for k, term in enumerate(terms)}
        # for a term that may give way to a longer one, the characters after it that let a longer
        # term start inside it and run past its end (the quick test of scan_indexes, as a set)
        following: dict[str, list[tuple[str, int]]] = {}
        for prefix, n in longest.items():
            if len(prefix) > 1:
                following.setdefault(prefix[:-1], []).append((prefix[-1], n))
        self.followers = tuple(
            frozenset(c for k in offsets for c, n in following.get(term[k:], ()) if n > length) if offsets else None
            for _kind, term, _payload, length, offsets in self.by_index
        )
        self.joinable = not any("\0" in term for term in terms)  # scan_many joins texts with NUL
        self.automaton: AhoCorasick | None = None
        if _AhoCorasick is not None and _LEFTMOST_LONGEST is not None and terms:
            try:
                self.automaton = _AhoCorasick(terms, matchkind=_LEFTMOST_LONGEST)
            except (ValueError, UnicodeError):  # terms it cannot take (lone surrogates): the regex
                self.automaton = None
        self.pattern: re.Pattern[bytes] | None = None
        if self.automaton is None:
            try:
                self.pattern = re.compile(_trie_pattern(trie)) if terms else None
            except (RecursionError, re.error, OverflowError):  # pathological terms: scan in Python
                self.pattern = None

    def scan(self, text: str) -> list[Hit]:
        """Non-overlapping terms, left to right, longest first; a word gives way to a longer one
        that starts inside it and runs past its end (加大学前教育: 学前教育, not 大学). Names of
        units and places never give way (江城市建设: the place 江城市, not 城市建设)."""
        if self.automaton is not None:
            by_index = self.by_index
            out: list[Hit] = []
            for index, start, end in self.scan_indexes(text):
                kind, term, payload, _n, _overtakers = by_index[index]
                out.append((start, end, kind, term, payload))
            return out
        if self.pattern is None:
            return self._scan_slowly(text) if self.entries else []
        hits: list[Hit] = []
        data = text.encode("utf-8", "surrogatepass")
        findall = self.pattern.findall
        entries = self.entries
        find = text.find
        position = 0  # in characters; the regex resumes where the last term ended
        found = findall(data)
        while found:
            restart = None
            for key in found:
                kind, term, payload, n, overtakers = entries[key]
                start = find(term, position)  # no term occurs before it (leftmost), so find is exact
                if overtakers and self._overtaken(text, start, n, overtakers):
                    restart = start + 1
                    break
                position = start + n
                hits.append((start, position, kind, term, payload))
            if restart is None:
                break
            position = restart
            found = findall(data, len(text[:restart].encode("utf-8", "surrogatepass")))
        return hits

    def scan_indexes(self, text: str) -> list[Found]:
        """The scan as (index in ``by_index``, start, end), found by the automaton (leftmost-longest,
        as the regex does); a term that gives way to a longer one restarts it one character on."""
        automaton = self.automaton
        found: list[Found] | None = None
        if automaton is not None:
            try:
                found = automaton.find_matches_as_indexes(text)
            except UnicodeError:  # lone surrogates
                found = None
        if found is None or automaton is None:  # the regex scan (or the Python one), in this form
            scanned = self.scan(text) if automaton is None else self._scan_slowly(text)
            position = self.position
            return [(position[term], start, end) for start, end, _kind, term, _payload in scanned]
        by_index = self.by_index
        longest = self.longest.get
        overtaken = self._overtaken
        for k, (index, start, end) in enumerate(found):
            offsets = by_index[index][4]
            if not offsets:
                continue
            # a longer term starting inside runs past the end: it begins with the text up to there
            n = end - start
            stop = end + 1
            for offset in offsets:
                if longest(text[start + offset : stop], 0) > n:
                    break
            else:
                continue
            if overtaken(text, start, n, offsets):
                hits = found[:k]
                while True:  # resume one character on, in the rest of the text
                    restart = start + 1
                    rest = automaton.find_matches_as_indexes(text[restart:])
                    for index, start, end in rest:
                        start += restart
                        entry = by_index[index]
                        if entry[4] and overtaken(text, start, entry[3], entry[4]):
                            break
                        hits.append((index, start, end + restart))
                    else:
                        return hits
        return found

    def scan_many(self, texts: list[str]) -> tuple[list[Found], list[tuple[int, int, int]]]:
        """The scans of many texts from one call of the automaton: ``(found, bounds)`` where the
        hits of ``texts[k]`` are ``found[lo:hi]`` with ``(lo, hi, base) = bounds[k]``, their
        positions counted from ``base`` (each text's own hits, as ``scan_indexes`` gives them).

        The texts are joined with NUL, which no term holds, so no term runs across two of them
        and the leftmost-longest scan of each stretch is the scan of that text alone. The
        overtaking check reads the joined text: past a text's end comes NUL, so it finds what it
        finds in the text alone. A text where a term does give way to a longer one is scanned
        alone (the scan restarts there), as are all of them without the automaton."""
        automaton = self.automaton
        found: list[Found] | None = None
        if automaton is not None and self.joinable and len(texts) > 1:
            joined = "\0".join(texts)
            if joined.count("\0") == len(texts) - 1:
                try:
                    found = automaton.find_matches_as_indexes(joined)
                except UnicodeError:  # lone surrogates
                    found = None
        if found is None:
            found = []
            bounds = []
            for text in texts:
                lo = len(found)
                found += self.scan_indexes(text)
                bounds.append((lo, len(found), 0))
            return found, bounds
        # where each text starts in the joined text, and where its hits start in ``found``
        bases = []
        base = 0
        for text in texts:
            bases.append(base)
            base += len(text) + 1
        bases.append(base)  # past the end
        firsts = [0] * (len(texts) + 1)
        followers = self.followers
        after = joined + "\0"  # the character after each term (NUL after the last text)
        suspects = []  # hits that may give way to a longer term: (text number, hit number)
        t = 0
        end = bases[1] - 1
        for k, (index, start, stop) in enumerate(found):
            while start >= end:
                t += 1
                firsts[t] = k
                end = bases[t + 1] - 1
            chars = followers[index]
            if chars is not None and after[stop] in chars:
                suspects.append((t, k))
        for rest in range(t + 1, len(texts) + 1):  # texts after the last hit's: none of their own
            firsts[rest] = len(found)
        alone: set[int] = set()
        if suspects:
            by_index = self.by_index
            overtaken = self._overtaken
            for t, k in suspects:
                index, start, stop = found[k]
                if t not in alone and overtaken(joined, start, stop - start, by_index[index][4]):
                    alone.add(t)
        bounds = [(firsts[t], firsts[t + 1], bases[t]) for t in range(len(texts))]
        for t in sorted(alone):  # a term gives way to a longer one: the text alone
            own = self.scan_indexes(texts[t])
            bounds[t] = (len(found), len(found) + len(own), 0)
            found += own
        return found, bounds

    def _overtaken(self, text: str, start: int, length: int, offsets: tuple[int, ...]) -> bool:
        """Whether a term longer than ``length`` starts at start + k (k in offsets)."""
        get = self.index.get
        for k in offsets:
            j = start + k
            for term in get(text[j : j + 2], ()):
                if len(term) <= length:
                    break
                if text.startswith(term, j):
                    return True
        return False

    def _scan_slowly(self, text: str) -> list[Hit]:
        """The same scan one character at a time (when the terms do not compile into a regex)."""
        hits: list[Hit] = []
        entries = {e[1]: e for e in self.entries.values()}
        i, n = 0, len(text) - 1
        get = self.index.get
        while i < n:
            for term in get(text[i : i + 2], ()):
                if text.startswith(term, i):
                    kind, term, payload, length, overtakers = entries[term]
                    if overtakers and self._overtaken(text, i, length, overtakers):
                        i += 1
                    else:
                        hits.append((i, i + length, kind, term, payload))
                        i += length
                    break
            else:
                i += 1
        return hits
