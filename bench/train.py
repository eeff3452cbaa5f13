"""How close the digits U-Net's training step and sampling pass come to this machine's hardware, and steps/s per method.

Part 1 measures, in one run: the machine's matrix-multiply rates (2048² fp32 and bf16: the floor any network step is
held to), the FLOPs of one U-Net training step (`torch.utils.flop_counter`), and the step's seconds in each setting the
kit offers (`training.precision`, `training.compile`, `training.channels_last`): fp32 eager (the baseline), bf16
autocast, compiled, both, and channels-last (NHWC) memory ('cl') with fp32 eager, bf16 eager and bf16 compiled. Each
row prints s/step, effective GFLOP/s, its ratio to the fp32 and the bf16 floor, and its speed-up on the baseline.
Compilation time is printed apart (inductor caches compiled code, so a second run pays a few seconds). The same for
one sampling pass (a batch of network evaluations without gradients, as RK45 or Heun make them).
Then the thread setting (`--jobs 2`, CPU only): the same step in two processes at once, each on half the threads, as
`make demo` trains; on 2 cores a step's small convolutions keep only ~1.6 threads busy, so two 1-thread jobs get more
steps per second out of the machine than one 2-thread job, though each step is slower. A throughput row, not a faster step.
Part 2 (`--methods`) times the real training loop (`pfgm_nb.train.train`) per digits preset.

    python bench/train.py                          # part 1 on the CPU, the profile of the baseline and the fastest
    python bench/train.py --methods PFGM VP        # part 2 as well
    python bench/train.py --device cuda
"""
import argparse, contextlib, json, math, os, subprocess, sys, tempfile, time

import torch
from torch.utils.flop_counter import FlopCounterMode

from pfgm_nb.configs import data_shape, get_config
from pfgm_nb.data import load_dataset
from pfgm_nb.methods import derive_data_fields, get_method
from pfgm_nb.train import fast_bf16, resolve_precision, start_run, step_network, train, train_step
from pfgm_nb.workdir import Workdir

PRESETS = {'PFGM': 'poisson/digits', 'PFGM++ D=128': 'pfgmpp/digits_d128', 'VP': 'vp/digits', 'sub-VP': 'subvp/digits',
           'VE': 've/digits'}
SETTINGS = {'fp32 eager': ('fp32', False, False), 'bf16 eager': ('bf16', False, False),
            'fp32 compiled': ('fp32', True, False), 'bf16 compiled': ('bf16', True, False),
            'fp32 eager cl': ('fp32', False, True), 'bf16 eager cl': ('bf16', False, True),
            'bf16 comp. cl': ('bf16', True, True)}   # cl: training.channels_last (NHWC memory)


def matmul_rate(dtype, device, size=2048, reps=30, budget_s=3.0)->float:
    "GFLOP/s of a size² matrix product in `dtype`: the floor a network step is measured against."
    a, b = (torch.randn(size, size, device=device).to(dtype) for _ in range(2))
    sync(device); start = time.perf_counter(); a @ b; sync(device)
    once = time.perf_counter() - start   # a CPU without bf16 units emulates it: one product can take a minute
    if once * reps > budget_s: return 2 * size**3 / once / 1e9
    for _ in range(9): a @ b
    sync(device); start = time.perf_counter()
    for _ in range(reps): a @ b
    sync(device)
    return 2 * size**3 * reps / (time.perf_counter() - start) / 1e9


def sync(device):
    if device.type == 'cuda': torch.cuda.synchronize()


def digits_step_state(preset, device, precision, compile, workdir, channels_last=False):
    "A fresh training state of the preset (seed 0), its network wrapped for the setting, and a fixed batch."
    config, _ = derive_data_fields(get_config(preset))
    config.update_from_flattened_dict({'device': str(device), 'training.precision': precision, 'training.compile': compile,
                                       'training.channels_last': channels_last})
    state = start_run(config, Workdir(workdir), get_method(config), device, 0, 1)
    batch = load_dataset('digits')[:config.training.batch_size].reshape(-1, *data_shape(config)).to(device)
    return state, batch


def step_flops(preset, device)->float:
    "FLOPs of one fp32 training step (forward and backward of the network, the loss, the target)."
    with tempfile.TemporaryDirectory() as tmp:
        state, batch = digits_step_state(preset, device, 'fp32', False, tmp)
        with FlopCounterMode(display=False) as counter: train_step(state, batch)
    return counter.get_total_flops()


def time_steps(preset, device, precision, compile, channels_last, steps, profile=False):
    "(first-step seconds, seconds per step after warm-up, profiler table or None) of one setting."
    with tempfile.TemporaryDirectory() as tmp:
        state, batch = digits_step_state(preset, device, precision, compile, tmp, channels_last)
        start = time.perf_counter(); train_step(state, batch); sync(device); first = time.perf_counter() - start
        for _ in range(3): train_step(state, batch)
        sync(device); start = time.perf_counter()
        for _ in range(steps): train_step(state, batch)
        sync(device); per_step = (time.perf_counter() - start) / steps
        table = None
        if profile:
            with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
                for _ in range(3): train_step(state, batch)
            table = prof.key_averages().table(sort_by='self_cpu_time_total', row_limit=12)
    return first, per_step, table


def sampling_pass(preset, device, precision, compile, channels_last, batch_size, reps):
    "(FLOPs, first-call seconds, seconds per call) of one batch of network evaluations without gradients."
    config, _ = derive_data_fields(get_config(preset))
    config.device = str(device)
    method = get_method(config)
    model = method.network(config, device).eval()
    net = step_network(model, precision, compile, device, channels_last)
    x = torch.randn(batch_size, *data_shape(config), device=device)
    level = torch.full((batch_size,), 5.0, device=device)
    with torch.no_grad():
        with FlopCounterMode(display=False) as counter: model(x, level)
        start = time.perf_counter(); net(x, level); sync(device); first = time.perf_counter() - start
        for _ in range(2): net(x, level)
        sync(device); start = time.perf_counter()
        for _ in range(reps): net(x, level)
        sync(device)
    return counter.get_total_flops(), first, (time.perf_counter() - start) / reps


def print_rows(title, flops, rows, floors, unit):
    base = rows['fp32 eager'][1]
    print(f"\n{title}: {flops / 1e9:.2f} GFLOP per {unit}")
    print(f"{'setting':>14} {'first s':>8} {'s/' + unit:>10} {unit + '/s':>9} {'GFLOP/s':>8} {'/fp32 floor':>11} "
          f"{'/bf16 floor':>11} {'speed-up':>9}")
    for name, (first, seconds) in rows.items():
        rate = flops / seconds / 1e9
        print(f"{name:>14} {first:8.1f} {seconds:10.4f} {1 / seconds:9.1f} {rate:8.0f} {rate / floors['fp32']:11.2f} "
              f"{rate / floors['bf16']:11.2f} {base / seconds:8.2f}x")


def hardware_part(args, device):
    bf16_size = 2048 if fast_bf16(device) else 512   # emulated bf16 runs ~0.3 GFLOP/s: a 2048² product takes a minute
    floors = {'fp32': matmul_rate(torch.float32, device), 'bf16': matmul_rate(torch.bfloat16, device, bf16_size)}
    chosen = get_config('poisson/digits').training
    print(f"device {device}, torch {torch.__version__}, {torch.get_num_threads()} CPU threads; the digits presets' setting: "
          f"precision={chosen.precision!r} (here {resolve_precision(chosen.precision, device)}), compile={chosen.compile}, "
          f"channels_last={chosen.get('channels_last', False)}")
    print(f"floor: 2048² matmul {floors['fp32']:.0f} GFLOP/s fp32, {bf16_size}² {floors['bf16']:.1f} GFLOP/s bf16")
    settings = {k: v for k, v in SETTINGS.items() if k in args.settings}
    if not fast_bf16(device) and args.settings == list(SETTINGS):
        settings = {k: v for k, v in settings.items() if v[0] == 'fp32'}
        print("this device has no fast bf16 path (no AMX / AVX512-BF16 flags): the bf16 settings are left out, as "
              "training.precision='auto' leaves them (name them with --settings to time them anyway)")
    flops = step_flops('poisson/digits', device)
    rows, tables = {}, {}
    for name, (precision, compile, channels_last) in settings.items():
        first, seconds, tables[name] = time_steps('poisson/digits', device, precision, compile, channels_last, args.steps,
                                                  args.profile)
        rows[name] = (first, seconds)
    print_rows('PFGM U-Net training step (poisson/digits, b = 128, B = 1024)', flops, rows, floors, 'step')
    if args.jobs > 1 and device.type == 'cpu':
        jobs_part(args, [k for k in settings if not settings[k][1]], rows['fp32 eager'][1] if 'fp32 eager' in rows else math.nan)
    if args.profile:
        fastest = min(rows, key=lambda k: rows[k][1])
        for name in dict.fromkeys(['fp32 eager', fastest]):
            print(f"\nprofile, {name} (3 steps, self CPU time):\n{tables[name]}")
    rows = {}
    for name, (precision, compile, channels_last) in settings.items():
        flops, first, seconds = sampling_pass('poisson/digits', device, precision, compile, channels_last, args.sample_batch,
                                              args.reps)
        rows[name] = (first, seconds)
    print_rows(f'sampling pass (one evaluation of {args.sample_batch} samples, no gradients)', flops, rows, floors, 'pass')


def jobs_part(args, settings, baseline):
    "Each setting's step in `args.jobs` processes at once, each on its share of the CPU threads: the machine's steps/s."
    threads = max(1, (os.cpu_count() or 1) // args.jobs)
    print(f"\n{args.jobs} jobs at once, {threads} thread(s) each (the same step; the machine's steps/s is their sum)")
    print(f"{'setting':>14} {'s/step each':>12} {'machine step/s':>15} {'vs one fp32 eager job':>22}")
    for name in settings:
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
        jobs = [subprocess.Popen([sys.executable, __file__, '--worker', name, '--steps', str(args.steps)], env=env,
                                 stdout=subprocess.PIPE, text=True) for _ in range(args.jobs)]
        seconds = [float(job.communicate()[0].split()[-1]) for job in jobs]
        rate = sum(1 / s for s in seconds)
        print(f"{name:>14} {sum(seconds) / len(seconds):12.4f} {rate:15.1f} {rate * baseline:21.2f}x")


def worker(args):
    "One job of `jobs_part`: print the setting's seconds per step."
    precision, compile, channels_last = SETTINGS[args.worker]
    print(time_steps('poisson/digits', torch.device('cpu'), precision, compile, channels_last, args.steps)[1])


def steps_per_second(preset, steps, device, log_every):
    "Steps/s of `train` between the first and the last log line (set-up, first steps and final checkpoint excluded)."
    config = get_config(preset)
    config.update_from_flattened_dict({'training.n_iters': steps, 'training.snapshot_freq': steps,
                                       'training.snapshot_sampling': False, 'training.log_freq': log_every,
                                       'training.eval_freq': 0, 'device': device})
    with tempfile.TemporaryDirectory() as workdir:
        start = time.time()
        train(config, workdir, progress=False)
        wall = time.time() - start
        logs = [json.loads(line) for line in open(Workdir(workdir).metrics)]
    first, last = logs[0], logs[-1]
    return (last['step'] - first['step']) / (last['time'] - first['time']), wall, config


def methods_part(args):
    log_every = max(args.method_steps // 8, 1)
    print(f"\ntraining loop per digits preset, {args.method_steps} steps each")
    print(f"{'method':>14} {'network':>8} {'B (charges)':>12} {'b (batch)':>10} {'steps/s':>9} {'ms/step':>9} {'wall s':>8}")
    for name in args.methods:
        rate, wall, config = steps_per_second(PRESETS[name], args.method_steps, args.device, log_every)
        charges = config.training.batch_size if PRESETS[name].startswith('poisson') else '-'
        print(f"{name:>14} {config.model.name:>8} {charges:>12} {config.training.small_batch_size:>10} {rate:9.2f} "
              f"{1000 / rate:9.1f} {wall:8.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--steps', type=int, default=20, help='timed steps per setting (after 4 warm-up steps)')
    parser.add_argument('--settings', nargs='*', default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument('--sample_batch', type=int, default=500, help="evaluations per sampling pass (eval.batch_size)")
    parser.add_argument('--reps', type=int, default=5, help='timed sampling passes per setting')
    parser.add_argument('--no-profile', dest='profile', action='store_false', help='skip the profiler tables')
    parser.add_argument('--methods', nargs='*', default=[], choices=list(PRESETS), help='part 2: these presets')
    parser.add_argument('--method_steps', type=int, default=200)
    parser.add_argument('--jobs', type=int, default=2, help='the thread-setting rows: this many jobs at once (1: none)')
    parser.add_argument('--worker', choices=list(SETTINGS), help=argparse.SUPPRESS)   # one job of those rows
    args = parser.parse_args()
    if args.worker: return worker(args)
    device = torch.device(args.device)
    hardware_part(args, device)
    if args.methods: methods_part(args)


if __name__ == '__main__':
    main()
