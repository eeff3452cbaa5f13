"""Post-hoc EMA on the digits U-Net: quality against EMA length, beside the kit's fixed EMA.

Trains one digits run with `PostHocEMAHook` (EDM2's two stored profiles, σ_rel 0.05 and 0.10, a snapshot pair every
n_iters / 20 steps) into --workdir, or reuses the run there; then reconstructs the EMA for each σ_rel of --sigma-rels,
samples each network with the preset's sampler and the same prior draws, and prints fd_digits (the mean over --seeds)
beside the fixed EMA's (the checkpoint's `ema`, model.ema_rate). It also checks that reconstructing a stored profile
gives back the stored snapshot. --record writes the numbers as JSON (the chapter 03b_posthoc_ema shows that file).

    python bench/posthoc_ema.py                                   # pfgmpp/digits_d128, 2000 steps, CPU (12 min on 2 idle cores)
    python bench/posthoc_ema.py --record nbs/records/posthoc_ema/digits_d128.json
    python bench/posthoc_ema.py --preset poisson/digits --steps 1000 --workdir runs/posthoc_ema_pfgm
"""
import argparse, json, math, platform, sys, time
from pathlib import Path

import numpy as np
import torch

from pfgm_nb.configs import config_from_json, get_config
from pfgm_nb.evaluate import digits_metrics
from pfgm_nb.methods import get_method, load_network
from pfgm_nb.posthoc_ema import (PostHocEMAHook, ema_sweep, kit_ema_weights, list_snapshots, profile_sigma_rel,
                                 read_snapshot, reconstruct)
from pfgm_nb.sample import sample_batches
from pfgm_nb.train import train
from pfgm_nb.workdir import Workdir

SIGMA_RELS = (0.02, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.13, 0.16, 0.20, 0.25)


def digits_score(config, n:int, seeds, device):
    "network -> fd_digits (mean over seeds, and each), the same prior draws for every network."
    method, shape = get_method(config, report=lambda line: None), (1, 8, 8)
    def score(net):
        fds = []
        for seed in seeds:
            drawn = sample_batches(method, net, n, shape, min(n, 500), torch.Generator().manual_seed(seed), device)
            fds.append(digits_metrics(drawn['samples'])['fd_digits'])
        return dict(fd_digits=float(np.mean(fds)), fd_per_seed=[round(f, 4) for f in fds])
    return score


def stored_profile_gap(folder, step:int)->dict:
    "Each stored profile reconstructed from all snapshots, against its own snapshot: the largest weight difference."
    gaps = {}
    for s in [s for s in list_snapshots(folder) if s['step'] == step]:
        stored = read_snapshot(s['path'])
        state, info = reconstruct(folder, stored['sigma_rel'], step)
        gaps[stored['sigma_rel']] = max((state[k].double() - stored['state'][k].double()).abs().max().item()
                                        for k in stored['trainable'])
    return gaps


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--preset', default='pfgmpp/digits_d128')
    parser.add_argument('--workdir', default='runs/posthoc_ema')
    parser.add_argument('--steps', type=int, default=0, help="training steps (0: the preset's n_iters)")
    parser.add_argument('--every', type=int, default=0, help='snapshot spacing in steps (0: n_iters / 20)')
    parser.add_argument('--sigma-rels', default=','.join(map(str, SIGMA_RELS)))
    parser.add_argument('--n', type=int, default=1000, help='samples per network and seed')
    parser.add_argument('--seeds', default='0,1')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--record', default='', help='write the numbers as JSON here')
    args = parser.parse_args()
    config = get_config(args.preset)
    if args.steps: config.training.n_iters = args.steps
    config.training.update(snapshot_sampling=False)
    config.device = args.device
    start = time.time()
    train(config, args.workdir, hooks=[PostHocEMAHook(every=args.every or None)], progress=False)
    train_seconds = time.time() - start
    wd = Workdir(args.workdir)
    config = config_from_json(wd.config_file)
    step = config.training.n_iters
    seeds, sigma_rels = [int(s) for s in args.seeds.split(',')], [float(s) for s in args.sigma_rels.split(',')]
    score, sweep_start = digits_score(config, args.n, seeds, args.device), time.time()
    fixed = score(load_network(wd.checkpoint(step), config, use_ema=True, device=args.device))
    fixed_sigma_rel = profile_sigma_rel(kit_ema_weights(config.model.ema_rate, step)[1:])
    print(f"\n{args.preset}, {step} training steps ({train_seconds:.0f} s here), {args.n} samples x seeds {seeds}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads\n")
    print(f"fixed EMA (ema_rate {config.model.ema_rate}, σ_rel {fixed_sigma_rel:.3f} at step {step}): "
          f"fd_digits {fixed['fd_digits']:.4f} {fixed['fd_per_seed']}")
    rows = ema_sweep(args.workdir, sigma_rels, score, config, step, args.device,
                     report=lambda line: print('post-hoc EMA', line, flush=True))
    sweep_seconds = time.time() - sweep_start
    best = min(rows, key=lambda r: r['fd_digits'])
    gaps = stored_profile_gap(Workdir(args.workdir).phema, step)
    print(f"\nbest post-hoc σ_rel {best['sigma_rel']}: fd_digits {best['fd_digits']:.4f} vs fixed EMA {fixed['fd_digits']:.4f} "
          f"({'at least as good' if best['fd_digits'] <= fixed['fd_digits'] else 'worse'})")
    print('stored profiles reconstructed, largest weight difference to the snapshot: ' +
          ', '.join(f"σ_rel {s}: {g:.1e}" for s, g in gaps.items()))
    snaps = list_snapshots(Workdir(args.workdir).phema)
    megabytes = sum(s['path'].stat().st_size for s in snaps) / 2**20
    print(f"{len(snaps)} snapshots, {megabytes:.0f} MB")
    if args.record:
        record = dict(command=' '.join(['python', 'bench/posthoc_ema.py', *sys.argv[1:]]), preset=args.preset, steps=step,
                      samples=args.n, seeds=seeds, train_seconds=round(train_seconds), sweep_seconds=round(sweep_seconds), torch=torch.__version__,
                      machine=platform.machine(), threads=torch.get_num_threads(), snapshots=len(snaps),
                      snapshot_megabytes=round(megabytes, 1), stored_sigma_rels=sorted(gaps),
                      fixed_ema=dict(ema_rate=config.model.ema_rate, sigma_rel=round(fixed_sigma_rel, 4), **fixed),
                      sweep=rows, stored_profile_gap={str(s): g for s, g in gaps.items()})
        Path(args.record).parent.mkdir(parents=True, exist_ok=True)
        Path(args.record).write_text(json.dumps(record, indent=1) + '\n')
        print(f"wrote {args.record}")


if __name__ == '__main__':
    main()
