"""Benchmark of the CIFAR-10 DDPM++ network: forward+backward on CPU (batch 8); on CUDA, train-step throughput at
batch 128 in fp32 and bf16 autocast (channels-last).

    python bench/models.py                  # CPU, and CUDA when available
    python bench/models.py --config poisson/cifar10_ncsnpp --cpu-batch 4
"""
import argparse, statistics, time

import torch

from pfgm_nb.configs import get_config
from pfgm_nb.models import create_model, n_params


def step_time(model, batch, image_size, device, repeats, autocast_dtype=None, channels_last=False):
    "Median seconds of one forward+backward+Adam step on random data."
    x = torch.randn(batch, model.num_channels, image_size, image_size, device=device)
    if channels_last: x = x.to(memory_format=torch.channels_last)
    z = torch.rand(batch, device=device) * 40 + 1e-3
    opt = torch.optim.Adam(model.parameters(), lr=1e-4)
    times = []
    for i in range(repeats + 1):
        if device.type == 'cuda': torch.cuda.synchronize()
        start = time.perf_counter()
        with torch.autocast(device.type, dtype=autocast_dtype, enabled=autocast_dtype is not None):
            out = model(x, z)          # PFGM: (v_x, v_z); the other methods: one image-shaped tensor
            loss = sum(o.float().square().mean() for o in (out if isinstance(out, tuple) else (out,)))
        loss.backward(); opt.step(); opt.zero_grad(set_to_none=True)
        if device.type == 'cuda': torch.cuda.synchronize()
        if i: times.append(time.perf_counter() - start)          # the first step is a warm-up
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', default='poisson/cifar10_ddpmpp')
    parser.add_argument('--cpu-batch', type=int, default=8)
    parser.add_argument('--gpu-batch', type=int, default=128)
    parser.add_argument('--repeats', type=int, default=3)
    args = parser.parse_args()
    config = get_config(args.config)
    print(f"{args.config}: {n_params(create_model(config)):,} parameters, image {config.data.image_size}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads\n")
    print(f"{'device':>8} {'batch':>6} {'precision':>10} {'s/step':>9} {'images/s':>9}")
    cpu = torch.device('cpu')
    size = config.data.image_size
    model = create_model(config, cpu).train()
    sec = step_time(model, args.cpu_batch, size, cpu, args.repeats)
    print(f"{'cpu':>8} {args.cpu_batch:>6} {'fp32':>10} {sec:9.3f} {args.cpu_batch / sec:9.1f}")
    if not torch.cuda.is_available():
        print("\nno CUDA device: GPU rows skipped"); return
    gpu = torch.device('cuda')
    for name, dtype in (('fp32', None), ('bf16', torch.bfloat16)):
        model = create_model(config, gpu).train().to(memory_format=torch.channels_last)
        sec = step_time(model, args.gpu_batch, size, gpu, max(args.repeats, 10), dtype, channels_last=True)
        print(f"{'cuda':>8} {args.gpu_batch:>6} {name:>10} {sec:9.3f} {args.gpu_batch / sec:9.1f}")


if __name__ == '__main__':
    main()
