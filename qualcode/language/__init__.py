"""The Swedish language layer: normalisation, diacritics, lemmas, compounds, the spaCy pipeline.

    from qualcode.language import analyse
    for doc in analyse(texts):
        for token in doc:
            token.lemma_, token._.folded, token._.folded_lemma, token._.parts, token.is_stop
"""
from qualcode.language.compounds import split_compound
from qualcode.language.diacritics import restore_diacritics
from qualcode.language.lemmas import lemmatise
from qualcode.language.lexicon import fold
from qualcode.language.normalise import normalise

__all__ = ["analyse", "get_nlp", "normalise", "fold", "restore_diacritics", "lemmatise", "split_compound"]


def __getattr__(name):
    # The spaCy pipeline is imported on first use: reading cached analyses needs no spaCy.
    if name in ("analyse", "get_nlp"):
        from qualcode.language import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
