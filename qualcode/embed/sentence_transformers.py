"""Any sentence-transformers model folder already on disk (the ``st`` extra)."""
import hashlib
import os
from pathlib import Path

from qualcode.embed.base import Embedder
from qualcode.errors import InputError, QualcodeError


class SentenceTransformerEmbedder(Embedder):
    """A local sentence-transformers model, loaded without touching the network.

    E5-style models get their ``query: ``/``passage: `` prefixes when the folder name says e5.
    """

    def __init__(self, path, batch_size=32):
        folder = Path(path).expanduser()
        if not folder.is_dir():
            raise InputError(
                f"{path}: no such model folder; give a sentence-transformers model saved on disk "
                "(a name on the Hugging Face hub cannot be downloaded here)"
            )
        try:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise QualcodeError(
                "the sentence-transformers embedder needs the optional extra: "
                "pip install torch==2.13.0 && pip install 'qualcode[st]'"
            ) from error
        try:
            self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        except Exception as error:  # the library raises many types for a broken folder
            raise InputError(f"{path}: cannot load it as a sentence-transformers model: {error}") from error
        self.name = f"sentence-transformers:{folder.resolve()}"
        self._identity = f"{self.name}:{_folder_version(folder)}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = dimension()
        self.batch_size = batch_size
        self._prefixes = {"query": "query: ", "passage": "passage: "} if "e5" in folder.name.lower() else None

    def _embed(self, texts, kind):
        if self._prefixes:
            texts = [self._prefixes[kind] + text for text in texts]
        return self._model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                                  show_progress_bar=False)


def _folder_version(folder):
    """A hash of the model folder's files (names, sizes, modification times): a model saved
    again in the same folder gets embeddings of its own."""
    digest = hashlib.sha1()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]
