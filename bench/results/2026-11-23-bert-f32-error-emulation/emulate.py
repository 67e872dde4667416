"""Which GEMMs of the BERT layer, computed with inputs rounded to TF32 (10
mantissa bits), would give the float32 error the H100 showed for Rong's
artifact (max 1.6e-4, RMSE 1.5e-5 against float64)? Runs PyTorch on the
CPU with the fast path off; the reference is the same module in float64.

Usage (from the repository root): python3 bench/results/2026-11-23-bert-f32-error-emulation/emulate.py
"""

import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "gpu"))
import gpu_models  # noqa: E402


def tf32(t):
    """Rounds float32 `t` to nearest (ties to even) at 10 mantissa bits."""
    i = t.contiguous().view(torch.int32)
    i = (i + 0x0FFF + ((i >> 13) & 1)) & ~0x1FFF
    return i.view(torch.float32)


def keep(t):
    return t


LINEAR, MATMUL = F.linear, torch.matmul


def attention(round_qk, round_pv):
    def sdpa(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False,
             scale=None, **_):
        s = scale if scale is not None else q.shape[-1] ** -0.5
        p = (MATMUL(round_qk(q), round_qk(k).transpose(-2, -1)) * s).softmax(-1)
        return MATMUL(round_pv(p), round_pv(v))
    return sdpa


def main():
    torch.set_num_threads(os.cpu_count() or 1)
    torch.backends.mha.set_fastpath_enabled(False)
    x = gpu_models.make_input("bert_layer", torch.float32)
    with torch.no_grad():
        ref = gpu_models.build("bert_layer", torch.float64)(x.double())
    model = gpu_models.build("bert_layer", torch.float32)
    cases = [("float32 throughout", keep, keep, keep),
             ("TF32 inputs: every GEMM", tf32, tf32, tf32),
             ("TF32 inputs: linear layers only", tf32, keep, keep),
             ("TF32 inputs: Q K^T only", keep, tf32, keep),
             ("TF32 inputs: P V only", keep, keep, tf32)]
    print("| GEMMs | max error | RMSE |\n|---|---:|---:|")
    for name, lin, qk, pv in cases:
        F.linear = lambda a, w, b=None, lin=lin: LINEAR(lin(a), lin(w), b)
        F.scaled_dot_product_attention = attention(qk, pv)
        with torch.no_grad():
            d = model(x).double() - ref
        print(f"| {name} | {d.abs().max():.3g} | {d.pow(2).mean().sqrt():.3g} |")


if __name__ == "__main__":
    main()
