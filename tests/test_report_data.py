"""Hand-built coded tables shared by the report tests (no coding run needed); no tests here."""
import json

import pandas as pd

from qualcode.codebook import Codebook
from qualcode.reports import CodedAnswers

CODEBOOK = Codebook.from_dict({
    "name": "Testkodbok", "language": "sv", "version": 2,
    "codes": [
        {"id": "resources", "label": "Ekonomi och resurser", "description": "Pengar och personal."},
        {"id": "staff", "label": "Personal", "description": "Brist på personal.", "parent": "resources"},
        {"id": "competence", "label": "Kompetens", "description": "Kunskap."},
        {"id": "culture", "label": "Kultur", "description": "Kultur och attityder."},
    ]})

# id, respondent, question, closed, text, codes
ROWS = [
    ("A1", "r1", "q1", "Ja", "Budgeten är för liten. Vi har brist på personal.", "resources;staff"),
    ("A2", "r1", "q1", "Ja", "Mer personal behövs.", "staff"),
    ("A3", "r2", "q1", "Nej", "Kompetensen saknas helt.", "competence"),
    ("A4", "r3", "q1", "Nej", "Personalbrist. Och en kultur som bromsar.", "staff;culture"),
    ("A5", "r4", "q1", "Nej", "vet ej", ""),
    ("A6", "r5", "q1", "Ja", "Vädret var fint i somras.", ""),
    ("A7", "r6", "q1", "Nej", "Vi saknar kompetens och budget.", "resources;competence"),
    ("B1", "r1", "q2", "Ja", "Kulturen måste förändras.", "culture"),
    ("B2", "r2", "q2", "Nej", "-", ""),
    ("B3", "r3", "q2", "Nej", "Mer kompetensutveckling.", "competence"),
]


def coded_frame():
    """The rows above as a coded table with scores and keyword evidence."""
    frame = pd.DataFrame(ROWS, columns=["id", "respondent", "question", "closed", "text", "codes"])
    for code in CODEBOOK.ids:
        frame[f"score_{code}"] = [0.9 if code in codes.split(";") else 0.1 for codes in frame["codes"]]
    frame["evidence"] = [json.dumps(_evidence(text, codes), ensure_ascii=False)
                         for text, codes in zip(frame["text"], frame["codes"])]
    return frame


KEYWORDS = {"resources": ["Budget", "budget"], "staff": ["ersonal"], "competence": ["ompetens"],
            "culture": ["ultur"]}


def _evidence(text, codes):
    evidence = {}
    for code in filter(None, codes.split(";")):
        matches = [{"keyword": word, "text": word, "start": text.index(word),
                    "end": text.index(word) + len(word)} for word in KEYWORDS[code] if word in text]
        evidence[code] = {"matches": matches, "score": 0.9}
    return evidence


def coded_answers(frame=None, respondent_column="respondent", question_column="question"):
    frame = coded_frame() if frame is None else frame
    return CodedAnswers(frame, "id", "text", question_column, respondent_column)
