"""A codebook draft from discovered themes: candidate codes and keyword suggestions.

Candidate codes get ``status: suggested`` so that coding ignores them until an analyst makes
them active; suggested keywords for existing codes go into the code's ``note``, never into its
``keywords``. The draft is validated through :meth:`Codebook.from_dict` before it is written.
"""
import re
import unicodedata

from qualcode.discover.represent import shortened

DRAFT_NAME = "Förslag från qualcode discover"
CANDIDATE_KEYWORDS = 6
CANDIDATE_EXAMPLES = 3
MAX_EXAMPLE_CHARS = 300
NOTE_PREFIX = "Förslag från discover, vanliga ord i kodens svar som inga nyckelord fångar:"


def suggested_codebook(themes, relations, texts, codebook=None, missing=None):
    """Build the draft; returns ``(Codebook, {theme id: candidate code id})``.

    Without a codebook and without a candidate theme there is nothing to draft: the draft is
    then None. ``texts`` are the unit texts the themes' quotes index into; ``missing`` maps code ids to
    suggested keywords (from :func:`~qualcode.discover.relate.missing_keywords`).
    """
    from qualcode.codebook import Codebook

    data = codebook.to_dict() if codebook is not None else {"name": DRAFT_NAME, "language": "sv", "codes": []}
    for code in data["codes"]:
        if (missing or {}).get(code["id"]):
            code["note"] = _joined(code.get("note"), f"{NOTE_PREFIX} {', '.join(missing[code['id']])}.")
    taken = {code["id"] for code in data["codes"]}
    candidate_ids = {}
    for theme, relation in zip(themes, relations):
        if relation.candidate:
            data["codes"].append(candidate_code(theme, texts, taken))
            candidate_ids[theme.id] = data["codes"][-1]["id"]
    if not data["codes"]:
        return None, candidate_ids
    source = f"{codebook.source} + discover" if codebook is not None else DRAFT_NAME
    return Codebook.from_dict(data, source=source), candidate_ids


def candidate_code(theme, texts, taken):
    """A ``status: suggested`` code drafted from a theme; its id is added to ``taken``."""
    code_id = unique_id(theme.terms[:2] or (f"tema {theme.id + 1}",), taken)
    taken.add(code_id)
    return {
        "id": code_id,
        "label": theme.name[:1].upper() + theme.name[1:],
        "description": (f"Svar som handlar om {_listed(theme.terms[:4])}. Utkast från qualcode discover "
                        f"(tema {theme.id + 1}, {theme.answers} svar): skriv om med egna ord."),
        "keywords": list(dict.fromkeys(theme.terms[:CANDIDATE_KEYWORDS])),
        "examples": [shortened(texts[i], MAX_EXAMPLE_CHARS) for i in theme.quotes[:CANDIDATE_EXAMPLES]],
        "status": "suggested",
    }


def unique_id(words, taken):
    """A SPEC code id ([a-z][a-z0-9_]*) from ``words``, not in ``taken``."""
    ascii_text = unicodedata.normalize("NFKD", " ".join(words).lower()).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_") or "tema"
    base = base if base[0].isalpha() else f"tema_{base}"
    code_id, number = base, 2
    while code_id in taken:
        code_id, number = f"{base}_{number}", number + 1
    return code_id


def _listed(words):
    words = list(words)
    return " och ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def _joined(note, addition):
    return f"{note.strip()} {addition}" if note else addition
