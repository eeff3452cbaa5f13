"""Why the digits U-Net step stays bound by its convolutions: one 3×3 convolution of the U-Net's shapes (batch 128,
32–64 channels, 8×8 to 2×2), forward and backward, timed as oneDNN runs it (fp32; bf16 autocast in channels-last
memory) and as one im2col matrix product in bf16 (eager, and compiled with --compile), beside the bf16 products such
a convolution is made of, timed alone (its forward, input-gradient and weight-gradient GEMMs).

    python bench/conv_gemm.py              # ~1 min on 2 cores
    python bench/conv_gemm.py --compile    # also the compiled im2col convolution (~1 min of compilation per shape)
"""
import argparse, time

import torch
import torch.nn as nn
import torch.nn.functional as F

SHAPES = ((32, 8), (64, 8), (64, 4), (64, 2))   # (channels, side) of the digits U-Net's 3×3 convolutions
BATCH = 128


def milliseconds(fn, reps=20)->float:
    "Mean wall time of fn() after three warm-up calls."
    for _ in range(3): fn()
    start = time.perf_counter()
    for _ in range(reps): fn()
    return (time.perf_counter() - start) / reps * 1e3


def im2col_conv(x, weight, bias):
    "A same-padded 3×3 convolution as one (B·H·W, 9C) × (9C, O) product in bf16, NHWC inside."
    B, C, H, W = x.shape
    padded = F.pad(x.to(torch.bfloat16).permute(0, 2, 3, 1), (0, 0, 1, 1, 1, 1))
    columns = torch.cat([padded[:, i:i + H, j:j + W, :] for i in range(3) for j in range(3)], -1).reshape(B * H * W, 9 * C)
    kernel = weight.to(torch.bfloat16).permute(0, 2, 3, 1).reshape(len(weight), 9 * C)
    out = columns @ kernel.t() + bias.to(torch.bfloat16)
    return out.view(B, H, W, -1).permute(0, 3, 1, 2)


def forward_backward(conv_fn, x):
    "One forward and backward through conv_fn(x)."
    def step():
        out = conv_fn(x)
        out.float().sum().backward()
    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--compile', action='store_true', help='also time the im2col convolution under torch.compile')
    args = parser.parse_args()
    torch.manual_seed(0)
    compiled = torch.compile(im2col_conv) if args.compile else None
    print(f"one 3x3 convolution, batch {BATCH}, forward + backward, ms ({torch.get_num_threads()} CPU threads)")
    print(f"{'shape':>8} {'oneDNN fp32':>12} {'oneDNN bf16 cl':>15} {'im2col eager':>13} {'im2col comp.':>13} "
          f"{'its 3 GEMMs':>12}")
    for channels, side in SHAPES:
        conv = nn.Conv2d(channels, channels, 3, padding=1)
        x = torch.randn(BATCH, channels, side, side, requires_grad=True)
        x_cl = x.detach().to(memory_format=torch.channels_last).requires_grad_()
        conv_cl = nn.Conv2d(channels, channels, 3, padding=1).to(memory_format=torch.channels_last)
        def bf16_cl(inp):
            with torch.autocast('cpu', dtype=torch.bfloat16): return conv_cl(inp)
        fp32 = milliseconds(forward_backward(conv, x))
        onednn_bf16 = milliseconds(forward_backward(bf16_cl, x_cl))
        eager = milliseconds(forward_backward(lambda inp: im2col_conv(inp, conv.weight, conv.bias), x))
        comp = (milliseconds(forward_backward(lambda inp: compiled(inp, conv.weight, conv.bias), x))
                if compiled is not None else float('nan'))
        rows, k = BATCH * side * side, 9 * channels
        columns, kernel = torch.randn(rows, k).bfloat16(), torch.randn(channels, k).bfloat16()
        grad = torch.randn(rows, channels).bfloat16()
        gemms = milliseconds(lambda: (columns @ kernel.t(), grad @ kernel, grad.t() @ columns))
        print(f"{f'{channels}x{side}²':>8} {fp32:12.2f} {onednn_bf16:15.2f} {eager:13.2f} {comp:13.2f} {gemms:12.2f}")


if __name__ == '__main__':
    main()
