"""Restart against Heun at equal NFE on the digits U-Net (issue 27), PFGM++ at D = 128 and D = inf, over seeds.

Restart (chapter 01b_solvers, with the PFGM++ forward jump of 02b_methods) runs EDM's Heun down its grid and, inside
the original's interval [0.14, 0.30], jumps back up and re-descends; each pair of rows spends the same number of network
evaluations: Restart with n main steps and K rounds of 3 steps costs 2n − 1 + 4K, Heun with m steps 2m − 1. The
networks are the replication's 500-step digits U-Nets (runs/replication/digits/, trained here first when missing).
Each seed draws its own prior points, the same for both samplers; the table gives the mean and the standard error of
the mean over the seeds, and the per-seed gap (Restart − Heun, the same draws).

    python bench/restart.py                                 # CPU: 3 seeds × 1000 samples per row
    python bench/restart.py --record nbs/records/guidance/restart.json

Measured (`python bench/restart.py --n 500 --record nbs/records/guidance/restart.json`, 2-core AMD EPYC), fd_digits
mean ± s.e. over seeds 0-2 and the paired gap Restart − Heun: D = 128, 43 NFE: Restart 1.407 ± 0.026, Heun 1.605 ±
0.049, gap −0.197 ± 0.033; 21 NFE: 1.516 ± 0.035 vs 1.554 ± 0.042, gap −0.038 ± 0.026. D = inf, 43 NFE: 1.500 ± 0.098
vs 1.620 ± 0.053, gap −0.120 ± 0.059; 21 NFE: 1.536 ± 0.045 vs 1.561 ± 0.038, gap −0.024 ± 0.012.
"""
import argparse, json, math, sys, time
from pathlib import Path

import numpy as np
import torch

from pfgm_nb.replication import d_name, method_runs, run_folder, sample_quality, trained

PAIRS = [   # (label, Restart's settings, Heun's settings), equal NFE
    ('43 NFE', dict(solver='restart', steps=18, restarts='{"0": [3, 2, 0.14, 0.30]}'), dict(steps=22)),
    ('21 NFE', dict(solver='restart', steps=9, restarts='{"0": [3, 1, 0.14, 0.30]}'), dict(steps=11)),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', default='runs/replication')
    parser.add_argument('--train-steps', type=int, default=500)
    parser.add_argument('--ds', type=float, nargs='+', default=[128.0, math.inf])
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--n', type=int, default=1000, help='samples per row and seed')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--record', default='', help='write the rows as JSON here (the methods chapter plots that file)')
    args = parser.parse_args()
    runs = method_runs('digits', args.ds)
    print(f"digits U-Net, {args.train_steps} training steps, {args.n} samples per row, seeds {args.seeds}, torch {torch.__version__}")
    print(f"{'D':>6} {'budget':>8} {'sampler':>8} {'NFE':>4} {'fd_digits':>16} {'Restart − Heun':>16}")
    rows, start = [], time.time()
    for D in args.ds:
        name = f'PFGM++ D={d_name(D)}'
        preset, overrides = runs[name]
        run = trained(preset, run_folder(args.root, 'digits', name, args.train_steps), args.train_steps, overrides,
                      device=args.device)
        for label, restart, heun in PAIRS:
            by = {kind: [sample_quality(*run, n=args.n, seed=seed, device=args.device, **settings) for seed in args.seeds]
                  for kind, settings in (('Restart', restart), ('Heun', heun))}
            gaps = np.array([r['fd_digits'] - h['fd_digits'] for r, h in zip(by['Restart'], by['Heun'])])
            for kind, found in by.items():
                fd = np.array([r['fd_digits'] for r in found])
                error = fd.std(ddof=1) / math.sqrt(len(fd)) if len(fd) > 1 else float('nan')
                rows.append(dict(D=d_name(D), budget=label, sampler=kind, nfe=found[0]['nfe'], fd_digits=fd.tolist(),
                                 mean=float(fd.mean()), sem=float(error)))
                gap = (f"{gaps.mean():+.3f} ± {gaps.std(ddof=1) / math.sqrt(len(gaps)):.3f}" if kind == 'Restart' and len(gaps) > 1 else '')
                print(f"{d_name(D):>6} {label:>8} {kind:>8} {found[0]['nfe']:>4} {fd.mean():9.3f} ± {error:.3f} {gap:>16}", flush=True)
    if args.record:
        record = dict(command=' '.join(['python', 'bench/restart.py', *sys.argv[1:]]), train_steps=args.train_steps, n=args.n,
                      seeds=args.seeds, torch=torch.__version__, wall_seconds=round(time.time() - start), rows=rows)
        Path(args.record).parent.mkdir(parents=True, exist_ok=True)
        Path(args.record).write_text(json.dumps(record, indent=1) + '\n')
        print(f"wrote {args.record}")


if __name__ == '__main__':
    main()
