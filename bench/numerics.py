"""Do the faster step settings train the same model? The digits U-Net's 1000-step loss curve and final fd_digits in
each setting, against the seed spread of fp32 eager (the original's arithmetic).

Trains `poisson/digits` for --steps steps with fp32 eager at --seeds seeds (the spread), then once (seed 0) in each
setting of `bench/train.py` named by --settings (by default channels-last fp32 eager, and bf16 autocast compiled with
channels-last (`training.precision='bf16'`, `training.compile=True`, `training.channels_last=True`)). Prints, per window
of training steps, the mean training loss and the held-out loss (`eval_loss`) of every run with the fp32 seeds' range
and whether each setting lies inside it (widened by half the range: three seeds under-state a spread), then the final
fd_digits of 500 samples (PFGM's RK45, against the training digits) the same way, and each run's steps/s.

    python bench/numerics.py                        # ~20 min on 2 cores
    python bench/numerics.py --steps 300 --seeds 0 1 --settings 'fp32 eager cl'   # a quick look
"""
import argparse, json, tempfile, time

import numpy as np

from pfgm_nb.configs import get_config
from pfgm_nb.evaluate import run_eval
from pfgm_nb.train import train
from pfgm_nb.workdir import Workdir
import train as step_bench   # bench/train.py: its settings, (precision, compile, channels_last) by name

SETTINGS = {name: {'training.precision': precision, 'training.compile': compile, 'training.channels_last': channels_last}
            for name, (precision, compile, channels_last) in step_bench.SETTINGS.items()}
CHECKED = ('fp32 eager cl', 'bf16 comp. cl')   # the settings checked by default: the fastest, and fp32's own


def one_run(seed, overrides, steps, window, num_samples):
    "(mean loss per window, eval_loss per eval point, final fd_digits, steps/s between the first and last log lines)."
    config = get_config('poisson/digits')
    config.update_from_flattened_dict({'seed': seed, 'training.n_iters': steps, 'training.snapshot_freq': steps,
                                       'training.log_freq': 10, 'training.eval_freq': window,
                                       'training.snapshot_sampling': False, **overrides})
    with tempfile.TemporaryDirectory() as workdir:
        train(config, workdir, progress=False)
        rows = [json.loads(line) for line in open(Workdir(workdir).metrics)]
        config.eval.update(begin_ckpt=1, end_ckpt=1, enable_sampling=True, num_samples=num_samples,
                           batch_size=num_samples, save_images=False)
        config.sampling.max_seconds = -1.0      # a measurement: held to max_nfe only
        report, = run_eval(config, workdir, 'eval', progress=False)
    logged = [r for r in rows if 'loss' in r]
    windows = [float(np.mean([r['loss'] for r in logged if k - window < r['step'] <= k])) for k in range(window, steps + 1, window)]
    evals = [r['eval_loss'] for r in rows if 'eval_loss' in r]
    rate = (logged[-1]['step'] - logged[0]['step']) / (logged[-1]['time'] - logged[0]['time'])
    return dict(loss=windows, eval_loss=evals, fd_digits=report['fd_digits'], steps_per_s=rate)


def inside(value, spread)->str:
    "Whether value lies in the seeds' range widened by half its width on each side."
    low, high = min(spread), max(spread)
    margin = (high - low) / 2
    return 'yes' if low - margin <= value <= high + margin else 'NO'


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--steps', type=int, default=1000)
    parser.add_argument('--window', type=int, default=250, help='steps per loss window (and between eval losses)')
    parser.add_argument('--seeds', type=int, nargs='*', default=[0, 1, 2], help="fp32 eager's seeds (the spread)")
    parser.add_argument('--settings', nargs='*', default=list(CHECKED), choices=[k for k in SETTINGS if k != 'fp32 eager'])
    parser.add_argument('--num_samples', type=int, default=500)
    args = parser.parse_args()
    runs = {}
    for seed in args.seeds:
        start = time.time()
        runs[f'fp32 eager s{seed}'] = one_run(seed, SETTINGS['fp32 eager'], args.steps, args.window, args.num_samples)
        print(f"fp32 eager seed {seed}: {time.time() - start:.0f} s", flush=True)
    for name in args.settings:
        start = time.time()
        runs[name] = one_run(0, SETTINGS[name], args.steps, args.window, args.num_samples)
        print(f"{name} seed 0: {time.time() - start:.0f} s", flush=True)
    base = [runs[f'fp32 eager s{seed}'] for seed in args.seeds]
    for key, label in (('loss', 'mean training loss'), ('eval_loss', 'held-out loss')):
        print(f"\n{label} per {args.window} steps: fp32 eager seeds {args.seeds} (min..max), then each setting (inside?)")
        for i in range(len(base[0][key])):
            spread = [b[key][i] for b in base]
            cells = '  '.join(f"{name} {runs[name][key][i]:.4f} ({inside(runs[name][key][i], spread)})" for name in args.settings)
            print(f"  to step {(i + 1) * args.window:>5}: {min(spread):.4f}..{max(spread):.4f}   {cells}")
    spread = [b['fd_digits'] for b in base]
    print(f"\nfinal fd_digits ({args.num_samples} samples): fp32 eager {', '.join(f'{v:.3f}' for v in spread)}")
    for name in args.settings:
        print(f"  {name}: {runs[name]['fd_digits']:.3f} ({inside(runs[name]['fd_digits'], spread)})")
    print("\nsteps/s: " + ', '.join(f"{name} {run['steps_per_s']:.2f}" for name, run in runs.items()))


if __name__ == '__main__':
    main()
