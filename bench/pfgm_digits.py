"""PFGM on the embedded digits: which choice of the digits preset matters, measured.

Each row trains `poisson/digits_mlp` (the weaker MLP field) with one change (the same steps, seed and batch), samples
1000 digits with RK45
(the original's sampler, rtol 1e-4) and with 20 forward-Euler steps in z, three sampling seeds each, and prints
fd_digits (mean ± std over the seeds), kid_pixels and the NFE. The first rows are the network's input scaling (the
original networks' none, and the c_in of chapter 02b); then the other suspects: γ, z_exp, the embedding, the network
(the `poisson/digits` presets' U-Net instead of the MLP: what made it the default), the budget.

    python bench/pfgm_digits.py                  # the table in the replication chapter (~25 minutes on 2 cores)
    python bench/pfgm_digits.py --steps 1000 --rows c_in none
    python bench/pfgm_digits.py --steps 1000 --seeds 1 --rows c_in 'c_in, U-Net'    # MLP against U-Net (~4 minutes)

Measured (2 CPU cores, 1000 steps): MLP RK45 fd_digits 3.94 (NFE 110), U-Net 0.89 (NFE 86; 173 s of training, 39 s per
1000 samples against the MLP's 4) — the U-Net reaches the held-out digits' own 1.11 without copying (copy_fraction 0).
"""
import argparse, json, math, statistics, tempfile, time
from pathlib import Path

import torch

from pfgm_nb.replication import sample_quality, trained

BASE = 'poisson/digits_mlp'
ROWS = {  # name: flattened overrides of BASE
    'none': {'model.input_scaling': 'none'},
    'c_in': {},
    'c_in, gamma 1': {'training.gamma': 1.0},
    'c_in, z_exp 0': {'sampling.z_exp': 0.0},
    'c_in, z_exp 5': {'sampling.z_exp': 5.0},
    'c_in, fourier': {'model.embedding_type': 'fourier'},
    'c_in, U-Net': {'model.name': 'ncsnpp'},   # = poisson/digits: the DDPM++ U-Net (1.26M parameters, ~0.17 s per step)
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--steps', type=int, default=3000)
    parser.add_argument('--rows', nargs='*', default=list(ROWS), choices=list(ROWS))
    parser.add_argument('--seeds', type=int, default=3)
    parser.add_argument('--n', type=int, default=1000)
    parser.add_argument('--root', default='runs/bench_pfgm_digits', help='training runs are kept (and reused) here')
    args = parser.parse_args()
    print(f"{BASE}, {args.steps} training steps, {args.n} samples x {args.seeds} seeds per sampler\n")
    print(f"{'row':>16} {'sampler':>12} {'NFE':>6} {'fd_digits':>14} {'kid_pixels':>11} {'train s':>8}")
    results = {}
    for name in args.rows:
        start = time.time()
        run = trained(BASE, Path(args.root) / f"{name.replace(' ', '_').replace(',', '')}_{args.steps}",
                      args.steps, ROWS[name], progress=False)
        seconds = time.time() - start
        for sampler, settings in (('rk45 1e-4', dict(solver='rk45')), ('euler 20', dict(solver='forward_euler', steps=20))):
            rows = [sample_quality(*run, n=args.n, seed=seed, **settings) for seed in range(args.seeds)]
            fds = [r['fd_digits'] for r in rows if not r['gave_up']]
            if not fds:
                print(f"{name:>16} {sampler:>12} gave up"); continue
            kid = statistics.mean(r['kid_pixels'] for r in rows if not r['gave_up'])
            nfe = statistics.mean(r['nfe'] for r in rows)
            spread = statistics.stdev(fds) if len(fds) > 1 else 0.0
            print(f"{name:>16} {sampler:>12} {nfe:6.0f} {statistics.mean(fds):7.2f} ± {spread:4.2f} {kid:11.4f} {seconds:8.0f}")
            results[f"{name} / {sampler}"] = dict(nfe=nfe, fd=statistics.mean(fds), fd_std=spread, kid=kid)
    Path(args.root).mkdir(parents=True, exist_ok=True)
    (Path(args.root) / f'results_{args.steps}.json').write_text(json.dumps(results, indent=2))


if __name__ == '__main__':
    main()
