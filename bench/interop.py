"""A digits U-Net trained with the kit, sampled two ways: the kit's own sampler (`PFGMPP.sample`, Heun, 35 NFE) and
`PFGMPPPipeline.from_pretrained(folder)` in a fresh process that imports no training code (chapter 04b_interop).
fd_digits per seed, their mean and spread, and the largest difference between the two samples of a seed.

    python bench/interop.py                                   # trains pfgmpp/digits_d128 for 2000 steps if not there
    python bench/interop.py --checkpoint runs/interop/pfgmpp_d128_2000/checkpoints-meta/checkpoint.pth
"""
import argparse, json, math, pathlib, subprocess, sys, tempfile, time

import torch

FRESH = r"""
import json, sys, torch
from pfgm_nb.interop import PFGMPPPipeline
pipe = PFGMPPPipeline.from_pretrained(sys.argv[1])
pipe.set_progress_bar_config(disable=True)
for seed in json.loads(sys.argv[3]):
    samples = pipe(int(sys.argv[2]), generator=torch.Generator().manual_seed(seed), output_type='latent').images
    torch.save(samples, f"{sys.argv[4]}/seed_{seed}.pt")
print(json.dumps(sorted(m for m in sys.modules if m.startswith('pfgm_nb'))))
"""


def mean_std(values):
    mean = sum(values) / len(values)
    return mean, math.sqrt(sum((v - mean)**2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--workdir', default='runs/interop/pfgmpp_d128_2000')
    parser.add_argument('--steps', type=int, default=2000, help='training steps (a finished run there is reused)')
    parser.add_argument('--checkpoint', help='score this checkpoint of the run instead (e.g. its checkpoints-meta one)')
    parser.add_argument('--n', type=int, default=1000, help='samples per seed')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2, 3, 4])
    args = parser.parse_args()
    from pfgm_nb.configs import config_from_json, data_shape
    from pfgm_nb.evaluate import digits_metrics
    from pfgm_nb.interop import PFGMPPPipeline
    from pfgm_nb.methods import get_method, load_network
    from pfgm_nb.workdir import Workdir
    workdir = pathlib.Path(args.workdir)
    if args.checkpoint:
        checkpoint = pathlib.Path(args.checkpoint)
    else:
        from pfgm_nb.replication import trained
        trained('pfgmpp/digits_d128', workdir, args.steps)
        checkpoint = Workdir(workdir).snapshots()[-1][1]
    step = torch.load(checkpoint, map_location='cpu', weights_only=True)['step']
    config = config_from_json(Workdir(workdir).config_file)
    method, model = get_method(config), load_network(checkpoint, config)
    folder = workdir / 'diffusers'
    PFGMPPPipeline.from_kit(config, model).save_pretrained(folder)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, '-c', FRESH, str(folder), str(args.n), json.dumps(args.seeds), tmp],
                              capture_output=True, text=True, check=True)
        pipe_seconds = time.perf_counter() - start
        loaded = json.loads(done.stdout.strip().splitlines()[-1])
        assert not {'pfgm_nb.train', 'pfgm_nb.workdir', 'pfgm_nb.replication'} & set(loaded), loaded
        start = time.perf_counter()
        for seed in args.seeds:
            kit, nfe = method.sample(model, args.n, data_shape(config), generator=torch.Generator().manual_seed(seed))
            pipe = torch.load(f"{tmp}/seed_{seed}.pt", weights_only=True)
            rows.append(dict(seed=seed, nfe=nfe, kit=digits_metrics(kit.float())['fd_digits'],
                             pipeline=digits_metrics(pipe.float())['fd_digits'], max_diff=(pipe - kit).abs().max().item()))
        kit_seconds = time.perf_counter() - start
    print(f"\npfgmpp/digits_d128 U-Net, {step} training steps ({checkpoint}), {args.n} samples per seed, Heun 35 NFE")
    print(f"the fresh process loaded only {loaded}\n")
    print(f"{'seed':>5} {'kit fd_digits':>14} {'pipeline fd_digits':>19} {'max |difference|':>17}")
    for r in rows: print(f"{r['seed']:>5} {r['kit']:14.4f} {r['pipeline']:19.4f} {r['max_diff']:17.2e}")
    (km, ks), (pm, ps) = mean_std([r['kit'] for r in rows]), mean_std([r['pipeline'] for r in rows])
    print(f"{'mean':>5} {km:10.4f} ± {ks:.4f} {pm:15.4f} ± {ps:.4f}    (seconds: kit {kit_seconds:.0f}, pipeline {pipe_seconds:.0f})")
    summary = dict(step=step, n=args.n, seeds=args.seeds, rows=rows, kit_mean=km, kit_std=ks, pipeline_mean=pm, pipeline_std=ps,
                   within_spread=abs(pm - km) <= max(ks, ps), modules=loaded)
    (workdir / 'interop_bench.json').write_text(json.dumps(summary, indent=1))
    print('pipeline fd_digits within the seed spread of the kit\'s:', summary['within_spread'])


if __name__ == '__main__':
    main()
