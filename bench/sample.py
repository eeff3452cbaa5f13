"""Quality against cost for every method and solver on the embedded digits: NFE, seconds per 1000 samples, and the
quality reached (fd_digits, kid_pixels), from networks trained for the same number of steps. Restart (chapter
01b_solvers; the PFGM++ forward jump of 02b_methods) sits beside Heun at equal evaluations: 43 (Heun 18 + two rounds of
the original's interval) and 21.

The `diffusers ...` and `k-diffusion ...` rows run the same PFGM++ networks through those libraries' samplers
(`pfgm_nb.interop.library_sample`, chapter 04b_interop; they need the [interop] extra, and are left out without it).

The networks are the replication chapter's digits U-Nets (runs/replication/digits/, written by `make replicate`, 500
steps each); missing ones are trained here first with the same code (`pfgm_nb.replication.trained`).

    python bench/sample.py                        # CPU, the replication's 500-step U-Nets
    python bench/sample.py --device cuda --n 10000
    python bench/sample.py --methods "PFGM++ D=128"   # only those networks' rows (one training run)
"""
import argparse, math, time

import torch

from pfgm_nb.configs import data_shape
from pfgm_nb.data import resolve_device
from pfgm_nb.evaluate import score_samples
from pfgm_nb.replication import method_runs, run_folder, sample_quality, trained

ONE_ROUND = '{"0": [3, 1, 0.14, 0.30]}'   # Restart: one round of the original's CIFAR-10 PFGM++ interval
RUNS = method_runs('digits', [128.0, math.inf])   # the replication's runs, so its trained networks are reused
SAMPLERS = [('PFGM', 'RK45 (rtol 1e-4)', dict(solver='rk45', rtol=1e-4, atol=1e-4)),     # the original's default
            ('PFGM', 'RK45 (rtol 1e-2)', dict(solver='rk45', rtol=1e-2, atol=1e-2)),
            ('PFGM', 'dopri5 (rtol 1e-4)', dict(solver='dopri5', rtol=1e-4, atol=1e-4)),
            ('PFGM', 'Euler in z, 100', dict(solver='forward_euler', steps=100)),
            ('PFGM', 'Euler in z, 20', dict(solver='forward_euler', steps=20)),
            ('PFGM', 'improved Euler, 10', dict(solver='improved_euler', steps=10)),
            ('PFGM', 'AB2 in z, 20', dict(solver='ab2', steps=20)),
            ('PFGM', 'AB2 in z, 12', dict(solver='ab2', steps=12)),
            ('PFGM++ D=128', 'Heun, 18 steps', dict(steps=18)),
            ('PFGM++ D=128', 'Heun, 5 steps', dict(steps=5)),
            ('PFGM++ D=128', 'DPM++(2M), 12', dict(solver='dpmpp_2m', steps=12)),
            ('PFGM++ D=128', 'DPM++(2M), 8', dict(solver='dpmpp_2m', steps=8)),
            ('PFGM++ D=inf', 'Heun, 18 steps', dict(steps=18)),
            ('PFGM++ D=inf', 'DPM++(2M), 12', dict(solver='dpmpp_2m', steps=12)),
            ('PFGM++ D=128', 'Restart, 18 + 2x[3, 0.14-0.30]', dict(solver='restart', steps=18)),
            ('PFGM++ D=128', 'Heun, 22 steps (NFE 43)', dict(steps=22)),
            ('PFGM++ D=128', 'Restart, 9 + 1x[3, 0.14-0.30]', dict(solver='restart', steps=9, restarts=ONE_ROUND)),
            ('PFGM++ D=128', 'Heun, 11 steps (NFE 21)', dict(steps=11)),
            ('PFGM++ D=inf', 'Restart, 18 + 2x[3, 0.14-0.30]', dict(solver='restart', steps=18)),
            ('PFGM++ D=inf', 'Heun, 22 steps (NFE 43)', dict(steps=22)),
            ('PFGM++ D=inf', 'Restart, 9 + 1x[3, 0.14-0.30]', dict(solver='restart', steps=9, restarts=ONE_ROUND)),
            ('PFGM++ D=inf', 'Heun, 11 steps (NFE 21)', dict(steps=11)),
            ('VP', 'RK45 (rtol 1e-5)', dict(solver='rk45', rtol=1e-5, atol=1e-5)),       # the original baselines' default
            ('VP', 'RK45 (rtol 1e-4)', dict(solver='rk45', rtol=1e-4, atol=1e-4)),
            ('VP', 'Euler, 100', dict(solver='forward_euler', steps=100)),
            ('VP', 'Euler, 20', dict(solver='forward_euler', steps=20)),
            ('VP', 'DPM++(2M), 12', dict(solver='dpmpp_2m', steps=12))]
# The libraries' samplers on the same PFGM++ networks (chapter 04b_interop): (method, row label, sampler, steps).
# diffusers' EDM DPM-Solver++(2M) is the kit's DPM++(2M) in float32 (the kit keeps its own; see the chapter).
LIBRARY = [('PFGM++ D=128', 'diffusers PFGM++ Heun, 18', 'pfgmpp_heun', 18),
           ('PFGM++ D=128', 'diffusers EDMEuler, 35', 'edm_euler', 35),
           ('PFGM++ D=128', 'diffusers EDM DPM++(2M), 12', 'edm_dpmpp_2m', 12),
           ('PFGM++ D=128', 'diffusers EDM DPM++(2M), 8', 'edm_dpmpp_2m', 8),
           ('PFGM++ D=128', 'diffusers EDM DPM++(3M), 12', 'edm_dpmpp_3m', 12),
           ('PFGM++ D=128', 'k-diffusion heun, 18', 'k_heun', 18),
           ('PFGM++ D=128', 'k-diffusion lms, 12', 'k_lms', 12),
           ('PFGM++ D=128', 'k-diffusion dpmpp_2m, 12', 'k_dpmpp_2m', 12),
           ('PFGM++ D=128', 'k-diffusion dpm_adaptive', 'k_dpm_adaptive', 18),
           ('PFGM++ D=inf', 'diffusers EDM DPM++(2M), 12', 'edm_dpmpp_2m', 12),
           ('PFGM++ D=inf', 'k-diffusion lms, 12', 'k_lms', 12)]


def library_quality(config, method, model, sampler, steps, n=1000, seed=0, device='cpu'):
    "A library sampler's row: nfe, seconds per 1000 samples, and the quality metrics, from the method's prior points."
    from pfgm_nb.interop import library_sample
    x = method.prior(n, data_shape(config), torch.Generator().manual_seed(seed), resolve_device(device))
    start = time.perf_counter()
    with torch.no_grad(): samples, nfe = library_sample(sampler, method, model, x, steps)
    seconds = time.perf_counter() - start
    return dict(nfe=int(nfe), sec_per_1000=1000 * seconds / n, **score_samples(samples.float().cpu(), config, resolve_device(device)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', default='runs/replication')
    parser.add_argument('--train-steps', type=int, default=500, help="training steps (make replicate's: 500)")
    parser.add_argument('--n', type=int, default=1000, help='samples per row')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--methods', nargs='+', default=list(RUNS), help=f"only these networks' rows (default: {list(RUNS)})")
    args = parser.parse_args()
    runs = {name: trained(preset, run_folder(args.root, 'digits', name, args.train_steps), args.train_steps, overrides,
                          device=args.device) for name, (preset, overrides) in RUNS.items() if name in args.methods}
    print(f"\ndigits, {args.train_steps} training steps per method, {args.n} samples per row, device {args.device}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads\n")
    print(f"{'method':>14} {'sampler':>28} {'NFE':>6} {'s / 1000':>9} {'fd_digits':>10} {'kid_pixels':>11}")
    for name, sampler, settings in SAMPLERS:
        if name not in runs: continue
        row = sample_quality(*runs[name], n=args.n, device=args.device, **settings)
        if row['gave_up']: print(f"{name:>14} {sampler:>28} gave up after {row['nfe']} evaluations"); continue
        print(f"{name:>14} {sampler:>28} {row['nfe']:>6} {row['sec_per_1000']:9.3f} {row['fd_digits']:10.3f} {row['kid_pixels']:11.5f}")
    from pfgm_nb.interop import HAS_DIFFUSERS, HAS_K_DIFFUSION
    if not (HAS_DIFFUSERS and HAS_K_DIFFUSION):
        print("\n(the diffusers / k-diffusion rows need the [interop] extra: pip install -e '.[interop]')"); return
    for name, label, sampler, steps in LIBRARY:
        if name not in runs: continue
        row = library_quality(*runs[name], sampler, steps, n=args.n, device=args.device)
        print(f"{name:>14} {label:>28} {row['nfe']:>6} {row['sec_per_1000']:9.3f} {row['fd_digits']:10.3f} {row['kid_pixels']:11.5f}")


if __name__ == '__main__':
    main()
