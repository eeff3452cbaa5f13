"""Autoguidance on the unconditional digits U-Net (issue 27): fd_digits against the guidance weight w when an earlier
checkpoint of the same run guides the final one, D_g + w·(D − D_g), for PFGM++ at D = 128 and D = inf.

One run per D trains here (or is reused from --root): the preset `pfgmpp/digits_d128` with `training.D` set, for
--steps steps with a checkpoint every quarter. Each guide is one of the earlier checkpoints (--guides, as fractions of the
run); every row draws the same prior points (seed 0). w = 1 is the final network alone (no guide evaluated). Heun, 18
steps: 35 NFE, each a pass of both networks. This is what `pfgm-main --mode eval --config.sampling.guide_ckpt=<an
earlier checkpoint> --config.sampling.guidance=w` runs.

    python bench/autoguidance.py                         # CPU: 800 steps per D, 1000 samples per row
    python bench/autoguidance.py --steps 4000 --device cuda

Measured (`python bench/autoguidance.py --steps 800 --n 500 --weights 1 1.5 2 3 --record
nbs/records/guidance/autoguidance.json`, 2-core AMD EPYC without bf16 units), fd_digits at w = 1, 1.5, 2, 3:
D = 128, guide step 200: 1.375, 1.754, 2.477, 4.677; guide step 400: 1.375, 1.816, 2.677, 4.894; D = inf, guide 200:
1.451, 1.780, 2.671, 5.880; guide 400: 1.451, 1.853, 2.763, 5.522. Guidance by an earlier checkpoint raises the
classifier's confidence (0.93 → 0.98) and worsens fd at every w > 1 here: a guide that differs from the network only
by training time, on a network this small and this short-trained, moves samples off the data (EDM2's gains come with
a guide that is also smaller, both with tuned EMA lengths, at w ≈ 2 on ImageNet).
"""
import argparse, json, math, sys, time
from pathlib import Path

import torch

from pfgm_nb.configs import config_from_json, data_shape, get_config
from pfgm_nb.data import resolve_device
from pfgm_nb.evaluate import digits_metrics
from pfgm_nb.methods import get_method, load_network
from pfgm_nb.replication import d_name, run_folder
from pfgm_nb.train import train
from pfgm_nb.workdir import Workdir


def quartered_run(root, D:float, steps:int, device:str)->Workdir:
    "The unconditional digits U-Net at this D, trained for `steps` with a checkpoint every quarter (reused when finished)."
    run = Workdir(run_folder(root, 'digits', f'PFGM++ D={d_name(D)} quartered', steps))
    if not run.checkpoint(steps).exists():
        config = get_config('pfgmpp/digits_d128')
        config.update_from_flattened_dict({'training.D': float(D), 'training.n_iters': steps, 'device': device,
                                           'training.snapshot_freq': max(1, steps // 4), 'training.snapshot_sampling': False})
        train(config, run.root)
    return run


def autoguided_row(config, method, model, guide, w:float, n:int, device)->dict:
    "One weight and guide: n samples from seed 0 and their digit metrics."
    start = time.perf_counter()
    samples, nfe = method.with_sampler(guidance=w).sample(model, n, data_shape(config), device=resolve_device(device),
                                                          generator=torch.Generator().manual_seed(0),
                                                          guide=guide if w != 1.0 else None)
    return dict(w=w, nfe=nfe, seconds=time.perf_counter() - start, **digits_metrics(samples.float().cpu().clamp(-1, 1)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', default='runs/guidance')
    parser.add_argument('--steps', type=int, default=800, help='training steps per D')
    parser.add_argument('--ds', type=float, nargs='+', default=[128.0, math.inf])
    parser.add_argument('--guides', type=float, nargs='+', default=[0.25, 0.5], help='guide checkpoints, as fractions of the run')
    parser.add_argument('--weights', type=float, nargs='+', default=[1.0, 1.25, 1.5, 2.0, 3.0])
    parser.add_argument('--n', type=int, default=1000, help='samples per row')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--record', default='', help='write the rows as JSON here (the methods chapter plots that file)')
    args = parser.parse_args()
    print(f"unconditional digits U-Net, {args.steps} steps, guided by its own earlier checkpoints; {args.n} samples per "
          f"row (seed 0), Heun 35 NFE; device {args.device}, torch {torch.__version__}")
    print(f"{'D':>6} {'guide':>6} {'w':>5} {'fd_digits':>10} {'kid_pixels':>11} {'confidence':>11} {'copies':>7} {'s':>6}")
    device, rows, start = resolve_device(args.device), [], time.time()
    for D in args.ds:
        run = quartered_run(args.root, D, args.steps, args.device)
        config = config_from_json(run.config_file)
        config.sampling.max_seconds = -1.0
        method, model = get_method(config), load_network(run.checkpoint(args.steps), config, device=device)
        for fraction in args.guides:
            guide_step = int(args.steps * fraction) // max(1, args.steps // 4) * max(1, args.steps // 4)
            guide = load_network(run.checkpoint(guide_step), config, device=device)
            for w in args.weights if fraction == args.guides[0] else [w for w in args.weights if w != 1.0]:
                row = autoguided_row(config, method, model, guide, w, args.n, args.device)
                rows.append(dict(row, D=d_name(D), guide_step=guide_step if w != 1.0 else None))
                print(f"{d_name(D):>6} {guide_step if w != 1.0 else '—':>6} {w:5.2f} {row['fd_digits']:10.3f} "
                      f"{row['kid_pixels']:11.5f} {row['classifier_confidence']:11.3f} {row['copy_fraction']:7.3f} "
                      f"{row['seconds']:6.1f}", flush=True)
    if args.record:
        record = dict(command=' '.join(['python', 'bench/autoguidance.py', *sys.argv[1:]]), preset='pfgmpp/digits_d128',
                      steps=args.steps, n=args.n, torch=torch.__version__, wall_seconds=round(time.time() - start), rows=rows)
        Path(args.record).parent.mkdir(parents=True, exist_ok=True)
        Path(args.record).write_text(json.dumps(record, indent=1) + '\n')
        print(f"wrote {args.record}")


if __name__ == '__main__':
    main()
