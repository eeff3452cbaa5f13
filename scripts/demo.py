"""`make demo`: the main job on the embedded default data, written to runs/demo/.

Trains PFGM and PFGM++ (D = 128) on scikit-learn's 8x8 digits with the presets' DDPM++ U-Net, through the papermill
path a GPU user would copy (nbs/train_job.ipynb with parameters), samples each with its default sampler (PFGM: RK45 in
log z; PFGM++: Heun, 35 NFE), scores the samples, and states the real-data floor honestly: FD is biased by the sample
count, so the 197 held-out digits and the generated digits are also scored at that same count (disjoint sets of 197
samples), both against the 1600 training digits. Writes:

    runs/demo/train_job_{pfgm,pfgmpp}.ipynb  the executed training notebooks
    runs/demo/{pfgm,pfgmpp}/                  the workdirs (checkpoints, metrics.jsonl, eval/)
    runs/demo/samples_{pfgm,pfgmpp}.png       sample grids
    runs/demo/field_lines.png                 the Poisson field of a few charges, for the picture
    runs/demo/metrics.json                    fd_digits, kid_pixels, classifier_confidence, copy_fraction,
                                              nfe, train_seconds, sample_seconds per method; fd_digits_at_count
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
DEMO_STEPS = 800   # per method: the fewest at which both reach fd_digits <= 1.0 on the U-Net (PFGM 0.96 at 600, 0.83 at 900;
                   # PFGM++ 1.08 at 600, 0.75 at 900), where the presets train 2000 steps


def train_with_papermill(name, preset, workdir, out_nb, n_iters, overrides):
    "Run nbs/train_job.ipynb headless with this job's parameters (the command a GPU node runs, with other values)."
    cmd = [str(BIN / 'papermill'), 'nbs/train_job.ipynb', str(out_nb), '-k', 'pfgm', '--cwd', 'nbs',
           '-p', 'config_name', preset, '-p', 'workdir', str(workdir), '-p', 'n_iters', str(n_iters), '-p', 'device', 'cpu',
           '-y', json.dumps(dict(overrides=overrides)), '--progress-bar', '--log-output']
    subprocess.run(cmd, cwd=ROOT, check=True)


def same_count_scores(samples, held_out, reference):
    "fd_digits of disjoint sets of as many samples as there are held-out digits (or fewer), and theirs, against `reference`."
    from pfgm_nb.evaluate import digits_metrics
    count = min(len(held_out), len(samples))
    fds = [digits_metrics(samples[i * count:(i + 1) * count], reference)['fd_digits'] for i in range(len(samples) // count)]
    spread = float(np.std(fds, ddof=1)) if len(fds) > 1 else 0.0
    held_fd = digits_metrics(held_out[:count], reference)['fd_digits']
    return dict(fd_digits_at_count=round(float(np.mean(fds)), 4), fd_digits_at_count_std=round(spread, 4), sets=len(fds),
                count=count, held_out_fd_at_count=round(held_fd, 4))


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
    args = parser.parse_args()
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
    metrics = {'held_out_digits': dict(count=len(held_out), reference='the 1600 training digits', **floor)}
    stages = tqdm(total=2 * len(METHODS) + 1, desc='demo', unit='stage', file=sys.stdout)
    for name, preset in METHODS.items():
        config = get_config(preset)
        n_iters = args.n_iters
        workdir = out / name
        stages.set_postfix_str(f'training {name}')
        start = time.time()
        snapshot = config.training.snapshot_freq if n_iters % config.training.snapshot_freq == 0 else n_iters
        train_with_papermill(name, preset, workdir, out / f'train_job_{name}.ipynb', n_iters,
                             {'training.snapshot_freq': snapshot})
        train_seconds = time.time() - start
        stages.update()

        stages.set_postfix_str(f'sampling {name}')
        last = n_iters // snapshot                           # eval's checkpoint k is step k·snapshot_freq
        config.eval.update(begin_ckpt=last, end_ckpt=last, enable_sampling=True, num_samples=args.num_samples,
                           batch_size=min(args.num_samples, 500), save_images=True)
        config.sampling.max_seconds = -1.0   # the demo's own solve: held to max_nfe only, not to --mode eval's 60 s per solve on
                                             # a CPU (on a slower 2-core machine PFGM's RK45 needs more than that)
        report, = run_eval(config, workdir, "eval", progress=False)
        shutil.copy(Workdir(workdir).eval_files('eval').grid(last), out / f'samples_{name}.png')
        same = same_count_scores(eval_samples(workdir, last), held_out, reference)
        metrics[name] = dict(preset=preset, network=config.model.name, n_iters=n_iters, train_seconds=round(train_seconds, 1),
                             **{k: report[k] for k in ('fd_digits', 'kid_pixels', 'classifier_confidence',
                                                       'copy_fraction', 'nfe', 'sample_seconds')}, solver=report['solver'],
                             **same)
        stages.update()

    ax = plot_field_lines(torch.tensor([[-1.5], [-1.2], [0.3], [1.0], [1.1]]), extent=4, hemisphere=3.5)
    ax.set_title('Poisson field of five charges on a line (N = 1)')
    ax.figure.savefig(out / 'field_lines.png', dpi=120, bbox_inches='tight'); plt.close(ax.figure)
    stages.update(); stages.close()

    (out / 'metrics.json').write_text(json.dumps(metrics, indent=2))
    print(json.dumps(metrics, indent=2))
    print(f"\nagainst the training digits; 'at n': sets of n samples (n = the held-out count, 197, or fewer)")
    print(f"{'':>16} {'fd_digits':>10} {'fd at n':>16} {'held-out at n':>14} {'copy_fraction':>14} {'confidence':>11}")
    print(f"{'held-out digits':>16} {'':>10} {floor['fd_digits']:16.3f} {'':>14} {floor['copy_fraction']:14.3f} "
          f"{floor['classifier_confidence']:11.3f}")
    for name in METHODS:
        m = metrics[name]
        print(f"{name:>16} {m['fd_digits']:10.3f} {m['fd_digits_at_count']:8.3f} ± {m['fd_digits_at_count_std']:.3f} "
              f"{m['held_out_fd_at_count']:14.3f} {m['copy_fraction']:14.3f} {m['classifier_confidence']:11.3f}")
    print(f"wrote {out}: metrics.json, samples_pfgm.png, samples_pfgmpp.png, field_lines.png, train_job_*.ipynb")


if __name__ == '__main__':
    main()
