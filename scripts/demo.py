"""`make demo`: the main job on the embedded default data, written to runs/demo/.

Trains PFGM and PFGM++ (D = 128) on scikit-learn's 8x8 digits with the presets' DDPM++ U-Net, through the papermill
path a GPU user would copy (nbs/train_job.ipynb with parameters), samples each with its default sampler (PFGM: RK45 in
log z; PFGM++: Heun, 35 NFE), scores the samples, and states the real-data floor honestly: FD is biased by the sample
count, so the 197 held-out digits and the generated digits are also scored at that same count (disjoint sets of 197
samples), both against the 1600 training digits; and FD extrapolated to infinitely many samples (Chong & Forsyth 2020,
`fd_extrapolated`), whose real-data floor is 0 (the held-out digits' own, from only 197, is rough: the 1/n line is fitted
at 100-197 samples, below the 128 feature dimensions).

The two trainings run at once, each on half the CPU's threads (--jobs 2, the default): at batch 128 and 8x8 a step's
small convolutions do not keep two threads busy, so two 1-thread jobs get more steps per second out of 2 cores than one
2-thread job (`python bench/train.py`'s two-jobs rows, AMD EPYC: 0.221 s/step each in fp32 against one job's 0.128,
1.16x the machine's steps/s). The same seed on another thread count gives other roundings, so a run is bit-identical
only to runs with the same --jobs. Both train in bf16 autocast where the CPU (or GPU) has a fast bf16 path (--precision
auto, the default; fp32 elsewhere): 0.164 s/step each in the same rows, 1.56x one fp32 job's steps/s. The field target,
loss, optimiser state and EMA stay fp32, and `bench/numerics.py` found bf16's 1000-step run inside fp32's seed spread.
`--precision fp32 --jobs 1` trains with the presets' own arithmetic, the original's, one job at a time.
Writes:

    runs/demo/train_job_{pfgm,pfgmpp}.ipynb  the executed training notebooks (papermill's log: train_{pfgm,pfgmpp}.log)
    runs/demo/{pfgm,pfgmpp}/                  the workdirs (checkpoints, metrics.jsonl, eval/)
    runs/demo/samples_{pfgm,pfgmpp}.png       sample grids
    runs/demo/field_lines.png                 the Poisson field of a few charges, for the picture
    runs/demo/metrics.json                    fd_digits, kid_pixels, classifier_confidence, copy_fraction,
                                              fd_inf, nfe, train_seconds, sample_seconds per method; fd_digits_at_count
                                              (mean, std over disjoint sets) and the held-out digits' own scores
"""
import argparse, json, os, pathlib, shutil, subprocess, sys, time

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
import numpy as np
import torch
from tqdm import tqdm

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
METHODS = {'pfgm': 'poisson/digits', 'pfgmpp': 'pfgmpp/digits_d128'}
DEMO_STEPS = 1000   # per method, where the presets train 2000: PFGM fd_digits 0.90 and PFGM++ 0.86 (bf16, two jobs at once);
                    # at 800 (fp32, one job at a time) PFGM 0.81, PFGM++ 1.19


def start_papermill(preset, workdir, out_nb, n_iters, overrides, threads, log):
    "Start nbs/train_job.ipynb headless with this job's parameters (the command a GPU node runs, with other values)."
    cmd = [str(BIN / 'papermill'), 'nbs/train_job.ipynb', str(out_nb), '-k', 'pfgm', '--cwd', 'nbs',
           '-p', 'config_name', preset, '-p', 'workdir', str(workdir), '-p', 'n_iters', str(n_iters), '-p', 'device', 'cpu',
           '-y', json.dumps(dict(overrides=overrides)), '--log-output']
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))   # torch's intra-op threads
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def last_step(workdir)->int:
    "The last step a run's metrics.jsonl logged (0 before its first log line)."
    metrics = pathlib.Path(workdir) / 'metrics.jsonl'
    if not metrics.exists(): return 0
    lines = metrics.read_text().splitlines()
    return json.loads(lines[-1]).get('step', 0) if lines else 0


def train_all(jobs, n_iters, parallel, out):
    "Run the training jobs {name: (preset, workdir, overrides)}, `parallel` at a time on cpu_count/parallel threads each."
    threads = max(1, (os.cpu_count() or 1) // parallel)
    bars = {name: tqdm(total=n_iters, desc=f'training {name}', unit='step', file=sys.stdout, mininterval=5) for name in jobs}
    waiting, running, seconds = list(jobs), {}, {}
    while waiting or running:
        while waiting and len(running) < parallel:
            name = waiting.pop(0)
            preset, workdir, overrides = jobs[name]
            log = open(out / f'train_{name}.log', 'w')
            running[name] = (start_papermill(preset, workdir, out / f'train_job_{name}.ipynb', n_iters, overrides, threads, log),
                             log, time.time())
        time.sleep(1)
        for name, (proc, log, start) in list(running.items()):
            bars[name].update(last_step(jobs[name][1]) - bars[name].n)
            if proc.poll() is None: continue
            log.close(); del running[name]
            seconds[name] = time.time() - start
            if proc.returncode:
                for other, _, _ in running.values(): other.kill()
                raise SystemExit(f"training {name} failed (exit {proc.returncode}): see {out / f'train_{name}.log'}")
            bars[name].update(n_iters - bars[name].n); bars[name].close()
    return seconds


def same_count_scores(samples, held_out, reference):
    "fd_digits of disjoint sets of as many samples as there are held-out digits (or fewer), and theirs, against `reference`."
    from pfgm_nb.evaluate import digits_metrics
    count = min(len(held_out), len(samples))
    fds = [digits_metrics(samples[i * count:(i + 1) * count], reference)['fd_digits'] for i in range(len(samples) // count)]
    spread = float(np.std(fds, ddof=1)) if len(fds) > 1 else 0.0
    held_fd = digits_metrics(held_out[:count], reference)['fd_digits']
    return dict(fd_digits_at_count=round(float(np.mean(fds)), 4), fd_digits_at_count_std=round(spread, 4), sets=len(fds),
                count=count, held_out_fd_at_count=round(held_fd, 4))


def extrapolated_fd(samples, reference, counts=None)->float:
    "fd_digits of `samples` against `reference`, extrapolated to infinitely many samples."
    from pfgm_nb.evaluate import digits_features, fd_extrapolated, feature_stats
    fit = fd_extrapolated(digits_features(samples.clamp(-1, 1)), feature_stats(digits_features(reference)), counts)
    return round(fit['fd_inf'], 4)


def eval_samples(workdir, k):
    "The samples `run_eval` wrote for checkpoint k (uint8 NHWC) as a (n, 1, 8, 8) tensor in [-1, 1]."
    from pfgm_nb.workdir import Workdir
    files = Workdir(workdir).eval_files('eval').sample_files(k)   # the original's eval/ckpt_{k}/ layout
    pixels = np.concatenate([np.load(f)['samples'] for f in files])
    return torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255 * 2 - 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default='runs/demo', help='output folder (default runs/demo)')
    parser.add_argument('--n_iters', type=int, default=DEMO_STEPS, help=f'training steps per method (default {DEMO_STEPS})')
    parser.add_argument('--num_samples', type=int, default=1000, help='samples per method for the metrics')
    parser.add_argument('--precision', default='auto', choices=('auto', 'fp32', 'bf16'),
                        help="training.precision of both runs (default auto: bf16 autocast where the CPU has a fast bf16 path)")
    parser.add_argument('--jobs', type=int, default=2, choices=(1, 2), help='trainings at once (default 2, each on half the threads)')
    args = parser.parse_args()
    begin = time.time()
    out = (ROOT / args.out).resolve()
    if out.exists(): shutil.rmtree(out)
    out.mkdir(parents=True)
    subprocess.run([sys.executable, '-m', 'ipykernel', 'install', '--sys-prefix', '--name', 'pfgm', '--display-name', 'pfgm_nb'], check=True,
                   capture_output=True)

    from pfgm_nb.configs import get_config
    from pfgm_nb.data import digits_split
    from pfgm_nb.evaluate import digits_metrics, run_eval
    from pfgm_nb.field import plot_field_lines
    from pfgm_nb.workdir import Workdir

    held_out, reference = digits_split('eval', centered=True), digits_split('train', centered=True)
    floor = {k: round(v, 4) for k, v in digits_metrics(held_out, reference).items() if isinstance(v, float)}
    floor['fd_inf'] = extrapolated_fd(held_out, reference, np.linspace(100, len(held_out), 8).astype(int))
    metrics = {'held_out_digits': dict(count=len(held_out), reference='the 1600 training digits', **floor)}
    configs = {name: get_config(preset) for name, preset in METHODS.items()}
    snapshots = {name: config.training.snapshot_freq if args.n_iters % config.training.snapshot_freq == 0 else args.n_iters
                 for name, config in configs.items()}
    train_seconds = train_all({name: (preset, out / name, {'training.snapshot_freq': snapshots[name], 'training.precision': args.precision})
                               for name, preset in METHODS.items()}, args.n_iters, args.jobs, out)
    for name, preset in tqdm(METHODS.items(), desc='sampling and scoring', unit='method', file=sys.stdout):
        config, workdir = configs[name], out / name
        last = args.n_iters // snapshots[name]              # eval's checkpoint k is step k·snapshot_freq
        config.eval.update(begin_ckpt=last, end_ckpt=last, enable_sampling=True, num_samples=args.num_samples,
                           batch_size=min(args.num_samples, 500), save_images=True)
        config.sampling.max_seconds = -1.0   # the demo's own solve: held to max_nfe only, not to --mode eval's 60 s per solve on
                                             # a CPU (on a slower 2-core machine PFGM's RK45 needs more than that)
        report, = run_eval(config, workdir, "eval", progress=False)
        shutil.copy(Workdir(workdir).eval_files('eval').grid(last), out / f'samples_{name}.png')
        samples = eval_samples(workdir, last)
        same = same_count_scores(samples, held_out, reference)
        metrics[name] = dict(preset=preset, network=config.model.name, n_iters=args.n_iters,
                             train_seconds=round(train_seconds[name], 1), train_jobs=args.jobs, precision=args.precision,
                             **{k: report[k] for k in ('fd_digits', 'kid_pixels', 'classifier_confidence',
                                                       'copy_fraction', 'nfe', 'sample_seconds')}, solver=report['solver'],
                             fd_inf=extrapolated_fd(samples, reference), **same)

    ax = plot_field_lines(torch.tensor([[-1.5], [-1.2], [0.3], [1.0], [1.1]]), extent=4, hemisphere=3.5)
    ax.set_title('Poisson field of five charges on a line (N = 1)')
    ax.figure.savefig(out / 'field_lines.png', dpi=120, bbox_inches='tight'); plt.close(ax.figure)

    (out / 'metrics.json').write_text(json.dumps(metrics, indent=2))
    print(json.dumps(metrics, indent=2))
    print(f"\nagainst the training digits; 'at n': sets of n samples (n = the held-out count, 197, or fewer); FD_inf: "
          f"extrapolated to infinitely many samples (the held-out digits' from 100-197 of them: rough)")
    print(f"{'':>16} {'fd_digits':>10} {'FD_inf':>7} {'fd at n':>16} {'held-out at n':>14} {'copy_fraction':>14} "
          f"{'confidence':>11}")
    print(f"{'held-out digits':>16} {'':>10} {floor['fd_inf']:7.2f} {floor['fd_digits']:16.3f} {'':>14} "
          f"{floor['copy_fraction']:14.3f} {floor['classifier_confidence']:11.3f}")
    for name in METHODS:
        m = metrics[name]
        print(f"{name:>16} {m['fd_digits']:10.3f} {m['fd_inf']:7.2f} {m['fd_digits_at_count']:8.3f} ± {m['fd_digits_at_count_std']:.3f} "
              f"{m['held_out_fd_at_count']:14.3f} {m['copy_fraction']:14.3f} {m['classifier_confidence']:11.3f}")
    print(f"wall {time.time() - begin:.0f} s ({args.jobs} training jobs at once)")
    print(f"wrote {out}: metrics.json, samples_pfgm.png, samples_pfgmpp.png, field_lines.png, train_job_*.ipynb, train_*.log")


if __name__ == '__main__':
    main()
