"""What makes re-coding after a codebook edit cheap: per-code keyword matches, lemma features and
keyword lemmas kept on disk, and a cache that only ever saves time."""
import warnings

import pytest

from qualcode.cache import BlobStore
from qualcode.codebook import Codebook
from qualcode.coding import lexical
from qualcode.coding.analysed import analyse_answers
from qualcode.coding.keywords import keyword_lemmas
from qualcode.coding.lemma_features import LemmaFeatures
from qualcode.coding.lexical import LexicalMatcher

ANSWERS = [
    "Ekonomin är ansträngd och vi har inte råd med nya system.",
    "Det saknas kompetens, många medarbetare behöver utbildning.",
    "Gamla verksamhetssystem som inte går att integrera bromsar oss.",
    "Ekonomin är inte problemet, vi har fått statsbidrag. Men kompetensen räcker inte.",
    "Vet ej.",
]


def codebook(economy_keywords=("ekonomi", "budget", "inte råd")):
    return Codebook.from_dict({"name": "test", "language": "sv", "version": "1", "codes": [
        {"id": "resources", "label": "Resurser", "description": "Brist på pengar.", "keywords": list(economy_keywords)},
        {"id": "competence", "label": "Kompetens", "description": "Brist på kunnande.",
         "keywords": ["kompetens", "utbildning"], "exclude_keywords": ["kompetensutveckling"]},
        {"id": "legacy_it", "label": "Gamla system", "description": "Äldre IT.", "keywords": ["verksamhetssystem", "integrera"]},
    ]})


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path / "cache"))


def count_scans(monkeypatch):
    """Record which codes each scan of the answers looked for."""
    scanned = []
    original = lexical._matches

    def recording(index, answer):
        scanned.append(frozenset(code_id for (code_id, _), _ in index.prefixed)
                       | frozenset(code_id for pairs in index.by_form.values() for (code_id, _), _ in pairs))
        return original(index, answer)

    monkeypatch.setattr(lexical, "_matches", recording)
    return scanned


def test_cached_matches_equal_fresh_ones():
    answers = analyse_answers(ANSWERS)
    matcher = LexicalMatcher(codebook().codes)
    fresh = [matcher.match(answer) for answer in answers]
    assert matcher.match_all(answers) == fresh  # matched and stored
    assert matcher.match_all(answers) == fresh  # read back
    assert fresh[0]["resources"][0].text == "Ekonomin"
    assert fresh[3]["resources"][0].negated  # "inte problemet" survives the round trip


def test_after_a_keyword_edit_only_the_edited_code_is_matched_again(monkeypatch):
    answers = analyse_answers(ANSWERS)
    LexicalMatcher(codebook().codes).match_all(answers)
    scanned = count_scans(monkeypatch)
    edited = LexicalMatcher(codebook(("ekonomi", "budget", "statsbidrag")).codes)
    found = edited.match_all(answers)
    assert scanned and set().union(*scanned) == {"resources"}
    assert [m.keyword for m in found[3]["resources"]] == ["ekonomi", "statsbidrag"]
    assert found[1].keys() == {"competence"} and found[2].keys() == {"legacy_it"}


def test_the_same_answers_in_another_order_are_matched_again(monkeypatch):
    answers = analyse_answers(ANSWERS)
    LexicalMatcher(codebook().codes).match_all(answers)
    scanned = count_scans(monkeypatch)
    reordered = LexicalMatcher(codebook().codes).match_all(answers[::-1])
    assert scanned
    assert reordered[::-1] == LexicalMatcher(codebook().codes).match_all(answers)


def test_lemma_features_read_back_are_the_ones_computed():
    answers = analyse_answers(ANSWERS * 30)
    features = LemmaFeatures()
    fitted = features.fit_transform(answers)
    first = features.transform(answers)
    again = features.transform(answers)
    assert (abs(first - fitted) > 1e-12).nnz == 0
    assert (abs(again - first) > 0).nnz == 0 and again.shape == first.shape


def test_refitted_lemma_features_do_not_reuse_another_vocabulary():
    answers = analyse_answers(ANSWERS * 30)
    narrow = LemmaFeatures()
    narrow.fit_transform(answers[:2] * 60)
    wide = LemmaFeatures()
    wide.fit_transform(answers)
    assert narrow.transform(answers).shape != wide.transform(answers).shape


def test_keyword_lemmas_are_kept_and_read_back(monkeypatch):
    first = keyword_lemmas(["kommunerna", "inte råd", "resurs*"])
    assert first["kommunerna"] == "kommun" and "resurs*" not in first
    from qualcode.coding import keywords

    monkeypatch.setattr(keywords, "lemmatise", lambda word: pytest.fail(f"{word} lemmatised again"))
    assert keyword_lemmas(["kommunerna", "inte råd"]) == first


def test_a_store_that_is_not_a_database_is_skipped(tmp_path):
    path = tmp_path / "broken.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    store = BlobStore(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert store.get_many([b"key"]) == {}
        store.put_many([(b"key", b"value")])
    assert not store.usable
    assert path.read_bytes() == b"not a database at all" * 100


def test_a_store_in_a_folder_that_cannot_be_made_is_skipped(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    store = BlobStore(blocker / "cache.sqlite")
    store.put_many([(b"key", b"value")])
    assert store.get_many([b"key"]) == {} and not store.usable


def test_stored_values_come_back_and_are_not_overwritten(tmp_path):
    store = BlobStore(tmp_path / "cache.sqlite")
    store.put_many([(b"a", b"1"), (b"b", b"2")])
    store.put_many([(b"a", b"changed")])
    assert BlobStore(tmp_path / "cache.sqlite").get_many([b"a", b"b", b"c"]) == {b"a": b"1", b"b": b"2"}
    assert store.get_many([b"a"] * 3) == {b"a": b"1"}
