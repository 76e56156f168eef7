"""Sentences that are no commitment: calls to action and statements of context.

A report's closing call (我们要更加紧密地团结在……而不懈奋斗!) and the sentences that say what a
period is (今年是……的关键之年) or what the situation requires (新的形势要求我们……) stand among
its work but give nobody anything to do: they stay the section's guidance, never tasks. The
patterns are data (``data/rhetoric.txt``).
"""

from __future__ import annotations

import re

from .wordlists import read_sections

_SECTIONS = read_sections("rhetoric.txt")
EXHORTATION = re.compile("|".join(f"(?:{p})" for p in _SECTIONS["exhortation"]))
CONTEXT = re.compile("|".join(f"(?:{p})" for p in _SECTIONS["context"]))
COMMITS = re.compile("|".join(f"(?:{p})" for p in _SECTIONS["commitment"]))
UNITE = re.compile(_SECTIONS["exhortation"][0])  # 紧密团结在……周围


def is_commitment(sentence: str) -> bool:
    """Whether a sentence under a theme commits to work: not a call to action, not a statement of
    context (unless a later clause of it commits: 今年是收官之年,我们要做好……)."""
    # the words each kind of pattern needs, looked for first: most sentences have none of them
    if ("团结" in sentence or "让我们" in sentence or "奋斗!" in sentence) and EXHORTATION.search(sentence):
        return False
    if "是" not in sentence[:24] and "要求" not in sentence and "需要我们" not in sentence:
        return True
    context = CONTEXT.search(sentence)
    return context is None or COMMITS.search(sentence, context.end()) is not None


def calls_to_unite(paragraph: str) -> bool:
    """Whether a paragraph calls on its hearers to unite and strive (the closing call's form
    without 让我们: 我们要更加紧密地团结在……周围,……而不懈奋斗!)."""
    return "奋斗" in paragraph[-40:] and UNITE.search(paragraph) is not None
