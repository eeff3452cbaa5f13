"""Training throughput per method on the embedded digits: steps/s of the real training loop (`pfgm_nb.train.train`,
the function behind `pfgm-main --mode train`), read from the run's metrics.jsonl after a warm-up.

    python bench/train.py                      # the digits presets' MLP on the CPU
    python bench/train.py --network ncsnpp     # the small U-Net instead
    python bench/train.py --device cuda --steps 600
"""
import argparse, json, tempfile, time

import torch

from pfgm_nb.configs import get_config
from pfgm_nb.train import train

PRESETS = {'PFGM': 'poisson/digits', 'PFGM++ D=128': 'pfgmpp/digits_d128', 'VP': 'vp/digits', 'sub-VP': 'subvp/digits',
           'VE': 've/digits'}


def steps_per_second(preset, steps, network, device, log_every):
    "Steps/s between the first and the last log line (set-up, first steps and final checkpoint excluded)."
    config = get_config(preset)
    config.update_from_flattened_dict({'training.n_iters': steps, 'training.snapshot_freq': steps,
                                       'training.snapshot_sampling': False, 'training.log_freq': log_every,
                                       'model.name': network, 'device': device})
    with tempfile.TemporaryDirectory() as workdir:
        start = time.time()
        train(config, workdir, progress=False)
        wall = time.time() - start
        logs = [json.loads(line) for line in open(f'{workdir}/metrics.jsonl')]
    first, last = logs[0], logs[-1]
    rate = (last['step'] - first['step']) / (last['time'] - first['time'])
    return rate, wall, config.training.batch_size, config.training.small_batch_size


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--steps', type=int, default=400)
    parser.add_argument('--network', default='mlp', choices=['mlp', 'ncsnpp'])
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--methods', nargs='*', default=list(PRESETS), choices=list(PRESETS))
    args = parser.parse_args()
    log_every = max(args.steps // 8, 1)
    print(f"digits, network {args.network}, device {args.device}, {args.steps} steps per method, torch {torch.__version__}, "
          f"{torch.get_num_threads()} CPU threads\n")
    print(f"{'method':>14} {'B (charges)':>12} {'b (batch)':>10} {'steps/s':>9} {'ms/step':>9} {'wall s':>8}")
    for name in args.methods:
        rate, wall, big, small = steps_per_second(PRESETS[name], args.steps, args.network, args.device, log_every)
        charges = big if PRESETS[name].startswith('poisson') else '-'
        print(f"{name:>14} {charges:>12} {small:>10} {rate:9.1f} {1000 / rate:9.1f} {wall:8.1f}")


if __name__ == '__main__':
    main()
