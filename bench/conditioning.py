"""Conditioning on the held-out digits (issue 25, chapter 02d_conditioning), both ways: the trained route (a network
trained on the task's (y, x) pairs, y as an extra input channel) and the training-free routes on unconditional networks
(replacement, RePaint's resampling, guidance (DPS) and hijack), for 4x4 -> 8x8 super-resolution, half-image inpainting
and denoising.

Each row restores the 197 held-out digits (or --n of them) from their observations and measures: psnr against the
truth, consistency (mean ||A(x) - y|| / ||y|| per sample), accuracy (the kit's digit classifier on the restored digits
against the true labels), fd (fd_digits of the restorations) and the same psnr and accuracy for the task's baseline
(bicubic upsampling for super-resolution; the observed pixels with the hidden ones filled by the data mean for
inpainting; the noisy input for denoising). Replacement takes the observation as exact, so denoising has no
replacement or resampling row; resampling jumps back up with PFGM++'s kernel, so the score SDE has no resampling row.

The networks: --workdir DIR reads a finished run (its config.json and newest checkpoint; a run trained on a task gives
that task's trained row); otherwise the unconditional `pfgmpp/digits_d128` preset is trained for each --ds (training.D
set) and `vp/digits` for --sde vp, and the trained route's presets (`pfgmpp/digits_sr4`, `pfgmpp/digits_inpaint`, and
`pfgmpp/digits_d128` with training.task=denoising) for each --trained_ds and --trained_tasks, into --root with the
replication's folder names (`runs/replication/digits/PFGM++_D128_<steps>`, `.../PFGM++_D128_super_resolution_<steps>`),
so a finished run there is reused. --record FILE also writes the rows and eight restorations per trained task as JSON
(chapter 02d plots that file).

    python bench/conditioning.py                          # trained D = 128; D = 4, 128, inf and VP training-free
    python bench/conditioning.py --json > conditioning.jsonl
    python bench/conditioning.py --routes trained --trained_ds 4 16 128 inf --trained_tasks denoising super_resolution
    python bench/conditioning.py --workdir runs/my_digits --routes replacement
    python bench/conditioning.py --ds 128 --sde none --routes replacement resample --resample 4 9 19   # resampling's passes
    python bench/conditioning.py --steps 5 --trained_steps 5 --n 50 --ds 128 --sde none     # a smoke test
"""
import argparse, contextlib, json, math, sys, time
from pathlib import Path

import torch

from pfgm_nb.conditioning import Hijack, Posterior, Replacement, Resampled, Trained, configured_task, data_pairs, make_task
from pfgm_nb.configs import config_from_json, data_shape
from pfgm_nb.data import resolve_device, scale_images, training_data, training_labels
from pfgm_nb.evaluate import digits_classifier, digits_metrics
from pfgm_nb.methods import get_method, load_network
from pfgm_nb.replication import d_name, run_folder, trained
from pfgm_nb.solvers import SOLVERS, canonical_solver
from pfgm_nb.workdir import Workdir

TASKS = {'super_resolution': dict(factor=2), 'inpainting': dict(kind='half'), 'denoising': dict(sigma=0.2)}
ROUTES = ('trained', 'replacement', 'resample', 'guidance', 'hijack')
TRAINED = {'super_resolution': ('pfgmpp/digits_sr4', {}), 'inpainting': ('pfgmpp/digits_inpaint', {}),
           'denoising': ('pfgmpp/digits_d128', {'training.task': 'denoising', 'training.task_sigma': 0.2})}   # the trained route's runs
KEYS = ('task', 'route', 'passes', 'method', 'D', 'nfe', 'psnr', 'consistency', 'accuracy', 'fd', 'baseline_psnr', 'baseline_accuracy')


def networks(args):
    "(config, method, network) of each run the rows measure: the --workdir run, or the presets trained (or reused) in --root."
    if args.workdir:
        config, latest = config_from_json(Workdir(args.workdir).config_file), Workdir(args.workdir).latest()
        config.sampling.max_seconds = -1.0
        if latest is None: raise SystemExit(f"no checkpoint in {args.workdir}/checkpoints: train the run first")
        if config.data.dataset != 'digits': raise SystemExit(f"the run trains on {config.data.dataset}; this bench measures digits")
        config.device = args.device
        yield config, get_method(config, report=lambda line: None), load_network(latest[1], config, device=resolve_device(args.device))
        return
    if 'trained' in args.routes:
        for D in args.trained_ds:
            for task in args.trained_tasks:
                preset, overrides = TRAINED[task]
                folder = run_folder(args.root, 'digits', f'PFGM++ D={d_name(D)} {task}', args.trained_steps)
                yield trained(preset, folder, args.trained_steps, {**overrides, 'training.D': float(D)}, device=args.device, progress=False)
    if not set(args.routes) - {'trained'}: return
    for D in args.ds:
        folder = run_folder(args.root, 'digits', f'PFGM++ D={d_name(D)}', args.steps)
        yield trained('pfgmpp/digits_d128', folder, args.steps, {'training.D': float(D)}, device=args.device, progress=False)
    if args.sde != 'none':
        yield trained(f'{args.sde}/digits', run_folder(args.root, 'digits', args.sde.upper(), args.steps), args.steps,
                      device=args.device, progress=False)


def stepping(method, steps:int):
    "The method with a fixed-step solver (replacement acts before each step): its own if it has one, else improved Euler."
    if 'perturb' in SOLVERS[canonical_solver(method.solver)].takes: return method
    return method.with_sampler(solver='improved_euler', steps=steps)


def condition(route:str, task, y, fill, args, passes:int=0):
    "The route's condition on observations y (the hijack of denoising starts from the noisy input itself, at its σ_y)."
    if route == 'trained': return Trained(task, y)
    if route == 'replacement': return Replacement(task, y)
    if route == 'resample': return Resampled(task, y, resample=passes)
    if route == 'guidance': return Posterior(task, y, scale=args.scale)
    denoising = task.sigma > 0
    return Hijack(task, y, sigma_start=task.sigma if denoising else args.sigma_start, noise=not denoising, fill=fill)


def scores(images, truth, labels, task, y)->dict:
    "Consistency with y (before clipping to [-1, 1]); psnr against the truth and the classifier's accuracy (after)."
    residual = (task.A(images.float().cpu()) - y).flatten(1).norm(dim=1) / y.flatten(1).norm(dim=1).clamp_min(1e-12)
    images = images.float().cpu().clamp(-1, 1)
    mse = (images - truth).flatten(1).square().mean(1)
    with torch.no_grad(): read = digits_classifier()(images.flatten(1).double()).argmax(1)
    return dict(psnr=float((10 * torch.log10(4 / mse.clamp_min(1e-12))).mean()), consistency=float(residual.mean()),
                accuracy=float((read == labels).float().mean()))


def rows(config, method, model, args):
    "Every task and route on one network (a task's trained network: its own task, trained): one dict per row with the keys `KEYS` (and seconds)."
    shape, device = data_shape(config), resolve_device(args.device)
    own = configured_task(config.training, shape)
    labels = training_labels(config.data, 'eval')[:args.n]
    fill = scale_images(training_data(config.data, 'train'), config.data.centered).mean(0)   # the training digits' mean image
    D, sampler = getattr(method, 'D', None), stepping(method, args.fixed_steps)
    for task_name in ([config.training.task] if own else args.tasks):
        task = own or make_task(task_name, shape, **TASKS[task_name])
        y, truth = data_pairs(task, config.data, 'eval', args.n, torch.Generator().manual_seed(args.seed))
        base = scores(task.baseline(y, fill), truth, labels, task, y)
        for route, passes in [(r, p) for r in (['trained'] if own else [r for r in args.routes if r != 'trained'])
                              for p in (args.resample if r == 'resample' else [0])]:
            if route in ('replacement', 'resample') and task.sigma > 0: continue    # replacement takes y as exact
            if route == 'resample' and not hasattr(method, 'forward_jump'): continue   # RePaint jumps with PFGM++'s kernel
            draws = (method if own else sampler).prior(len(y), shape, torch.Generator().manual_seed(args.seed + 1), device)
            start = time.perf_counter()
            out, nfe = condition(route, task, y.to(device), fill.to(device), args, passes).sample(method if own else sampler, model, draws,
                                                                         generator=torch.Generator().manual_seed(args.seed + 2))
            seconds = time.perf_counter() - start
            yield dict(task=task_name, route=route, passes=passes, method=config.training.sde, D=None if D is None else d_name(D), nfe=int(nfe),
                       **scores(out, truth, labels, task, y), fd=digits_metrics(out.float().cpu().clamp(-1, 1))['fd_digits'],
                       baseline_psnr=base['psnr'], baseline_accuracy=base['accuracy'], seconds=round(seconds, 2),
                       examples=dict(inputs=task.baseline(y, fill)[:8], outputs=out.float().cpu().clamp(-1, 1)[:8], truth=truth[:8]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--workdir', default='', help='a finished digits run to measure instead of the presets')
    parser.add_argument('--root', default='runs/replication', help='where the presets are trained (or reused)')
    parser.add_argument('--steps', type=int, default=500, help='training steps per preset')
    parser.add_argument('--trained_steps', type=int, default=1000, help="training steps of the trained route's runs")
    parser.add_argument('--trained_ds', type=float, nargs='+', default=[128.0], help="the trained route's D values")
    parser.add_argument('--trained_tasks', nargs='+', default=['super_resolution', 'inpainting'], choices=list(TRAINED))
    parser.add_argument('--ds', type=float, nargs='+', default=[4.0, 128.0, math.inf], help='the PFGM++ D values')
    parser.add_argument('--sde', default='vp', choices=['vp', 've', 'subvp', 'none'], help='a score SDE preset too')
    parser.add_argument('--tasks', nargs='+', default=list(TASKS), choices=list(TASKS))
    parser.add_argument('--routes', nargs='+', default=list(ROUTES), choices=list(ROUTES))
    parser.add_argument('--n', type=int, default=197, help='held-out digits per row (at most 197)')
    parser.add_argument('--resample', type=int, nargs='+', default=[19], help="resampling's passes per level (RePaint), one row each")
    parser.add_argument('--scale', type=float, default=30.0, help="guidance's zeta")
    parser.add_argument('--sigma_start', type=float, default=1.0, help="hijack's sigma_h (denoising starts at its sigma_y)")
    parser.add_argument('--fixed_steps', type=int, default=50, help='steps of the fixed-step solver a method without one samples with (score SDEs)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--json', action='store_true', help='one JSON object per row instead of the table')
    parser.add_argument('--record', default='', help='also write the rows and the trained rows\' first 8 restorations as JSON here')
    args = parser.parse_args()
    header = f"{'task':>16} {'route':>11} {'method':>8} {'D':>4} {'nfe':>4} {'psnr':>6} {'consist':>7} {'acc':>5} {'fd':>6} {'base psnr':>9} {'base acc':>8} {'s':>6}"
    if not args.json: print(f"held-out digits, {args.n} per row, device {args.device}, torch {torch.__version__}\n{header}")
    runs, written, started = networks(args), [], time.perf_counter()
    while True:
        with contextlib.redirect_stdout(sys.stderr):              # training's log lines stay off the table and the JSON
            run = next(runs, None)
        if run is None: break
        for row in rows(*run, args):
            examples = row.pop('examples')
            written.append(dict(row, examples={k: v[:, 0].tolist() for k, v in examples.items()}) if row['route'] == 'trained' else row)
            if args.json: print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}), flush=True); continue
            label = row['route'] + (f"x{row['passes']}" if row['passes'] else '')
            print(f"{row['task']:>16} {label:>11} {row['method']:>8} {row['D'] or '-':>4} {row['nfe']:>4} {row['psnr']:6.2f} "
                  f"{row['consistency']:7.3f} {row['accuracy']:5.2f} {row['fd']:6.2f} {row['baseline_psnr']:9.2f} "
                  f"{row['baseline_accuracy']:8.2f} {row['seconds']:6.1f}", flush=True)

    if args.record:
        record = dict(command=' '.join(['python', 'bench/conditioning.py', *sys.argv[1:]]), n=args.n, steps=args.steps,
                      trained_steps=args.trained_steps, torch=torch.__version__, seconds=round(time.perf_counter() - started, 1), rows=written)
        Path(args.record).parent.mkdir(parents=True, exist_ok=True)
        Path(args.record).write_text(json.dumps(record, indent=1) + '\n')
        print(f"wrote {args.record}", file=sys.stderr)


if __name__ == '__main__':
    main()
