"""Classifier-free guidance on the class-conditional digits U-Net (issue 27): fd_digits and the classifier's accuracy on
the requested label against the guidance weight w, for PFGM++ at D = 128 and D = inf.

The networks train here (or are reused from --root): the preset `pfgmpp/digits_d128_cond` with labels dropped with
probability `training.p_uncond` (0.1), `training.D` set per row. Each weight draws the same prior points and the same
labels (every class in turn); w = 1 is the conditional model as trained, w = 0 the unconditional one.

    python bench/guidance.py                              # CPU: 800 training steps per D, 1000 samples per weight
    python bench/guidance.py --steps 2000 --device cuda

Measured (`python bench/guidance.py --steps 500 --n 500`, 2-core AMD EPYC without bf16 units, about 12 minutes by the clock), as
fd_digits / accuracy on the asked label: D = 128: w 0 3.66 / 0.10, 0.5 3.44 / 0.53, 1 1.06 / 0.93, 2 3.02 / 0.996,
4 9.76 / 1.000; D = inf: 3.80 / 0.08, 3.59 / 0.55, 1.08 / 0.92, 2.90 / 0.996, 9.38 / 1.000. No copies at any w.
"""
import argparse, json, math, sys, time
from pathlib import Path

import torch

from pfgm_nb.configs import data_shape
from pfgm_nb.data import resolve_device
from pfgm_nb.evaluate import digits_classifier, digits_metrics
from pfgm_nb.replication import d_name, run_folder, trained


def guidance_row(config, method, model, w:float, n:int, seed:int, device)->dict:
    "One weight: samples of every class in turn, their fd_digits, and the share the classifier reads as the asked label."
    labels = torch.arange(10).repeat_interleave(math.ceil(n / 10))[:n]
    start = time.perf_counter()
    samples, nfe = method.with_sampler(guidance=w).sample(model, n, data_shape(config), device=resolve_device(device),
                                                          generator=torch.Generator().manual_seed(seed), labels=labels)
    seconds = time.perf_counter() - start
    samples = samples.float().cpu().clamp(-1, 1)
    with torch.no_grad(): read = digits_classifier()(samples.flatten(1).double()).argmax(1)
    metrics = digits_metrics(samples)
    return dict(w=w, nfe=nfe, seconds=seconds, accuracy=float((read == labels).float().mean()), **metrics)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--root', default='runs/guidance')
    parser.add_argument('--steps', type=int, default=800, help='training steps per D')
    parser.add_argument('--p_uncond', type=float, default=0.1)
    parser.add_argument('--ds', type=float, nargs='+', default=[128.0, math.inf])
    parser.add_argument('--weights', type=float, nargs='+', default=[0.0, 0.5, 1.0, 2.0, 4.0])
    parser.add_argument('--n', type=int, default=1000, help='samples per weight')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--record', default='', help='write the rows as JSON here (the methods chapter plots that file)')
    args = parser.parse_args()
    print(f"class-conditional digits U-Net, {args.steps} steps, p_uncond {args.p_uncond}, {args.n} samples per weight "
          f"(Heun, 35 NFE per guided pass of a doubled batch), device {args.device}, torch {torch.__version__}")
    print(f"{'D':>6} {'w':>5} {'fd_digits':>10} {'accuracy':>9} {'confidence':>11} {'copies':>7} {'s':>6}")
    rows, start = [], time.time()
    for D in args.ds:
        folder = run_folder(args.root, 'digits', f'PFGM++ cond D={d_name(D)} p{args.p_uncond:g}', args.steps)
        run = trained('pfgmpp/digits_d128_cond', folder, args.steps,
                      {'training.D': float(D), 'training.p_uncond': args.p_uncond}, device=args.device)
        for w in args.weights:
            row = guidance_row(*run, w, args.n, 0, args.device)
            rows.append(dict(row, D=d_name(D)))
            print(f"{d_name(D):>6} {w:5.1f} {row['fd_digits']:10.3f} {row['accuracy']:9.3f} "
                  f"{row['classifier_confidence']:11.3f} {row['copy_fraction']:7.3f} {row['seconds']:6.1f}", flush=True)
    if args.record:
        record = dict(command=' '.join(['python', 'bench/guidance.py', *sys.argv[1:]]), preset='pfgmpp/digits_d128_cond',
                      steps=args.steps, p_uncond=args.p_uncond, n=args.n, torch=torch.__version__,
                      wall_seconds=round(time.time() - start), rows=rows)
        Path(args.record).parent.mkdir(parents=True, exist_ok=True)
        Path(args.record).write_text(json.dumps(record, indent=1) + '\n')
        print(f"wrote {args.record}")


if __name__ == '__main__':
    main()
