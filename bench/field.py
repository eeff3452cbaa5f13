"""Benchmark of the PFGM training target: pfgm_target against a broadcasting implementation and the matmul floor.

Each (method, size) runs in a fresh subprocess so that the peak resident memory it adds (ru_maxrss after minus before)
belongs to it alone. Prints a table and the ratios asked for in the foundation issue.

    python bench/field.py                    # (128, 4096, 3072) and (32, 4096, 3072)
    python bench/field.py --sizes 64,1024,3072 --repeats 3
"""
import argparse, json, math, os, resource, statistics, subprocess, sys, time

import torch

SIZES = [(128, 4096, 3072), (32, 4096, 3072)]


def broadcast_target(x_aug, data, gamma=5.0):
    "The straightforward (b, B, N+1) form of the same formula, as the original computes it."
    n_dim = data.shape[1]
    charges = torch.cat([data, torch.zeros(data.shape[0], 1, dtype=data.dtype)], dim=1)
    diff = charges[None] - x_aug[:, None]                       # (b, B, N+1)
    dist = torch.linalg.vector_norm(diff, dim=-1)               # (b, B)
    weights = torch.softmax(-(n_dim + 1) * torch.log(dist.clamp_min(1e-30)), dim=1)
    field = (weights[..., None] * diff).sum(dim=1)              # (b, N+1)
    return math.sqrt(n_dim) * field / (field.norm(dim=1, keepdim=True) + gamma)


def matmul_floor(x_aug, data):
    "The two matrix products the target needs: (b,N)x(N,B) for distances, (b,B)x(B,N) for the weighted sum."
    cross = x_aug[:, :-1] @ data.T
    return cross @ data


def maxrss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(method, b, B, N, repeats, measure):
    from pfgm_nb.field import pfgm_target, pfgm_perturb
    torch.set_num_threads(int(os.environ.get('BENCH_THREADS', torch.get_num_threads())))
    gen = torch.Generator().manual_seed(0)
    data = torch.empty(B, N).uniform_(-1, 1, generator=gen)
    x_pert, z = pfgm_perturb(data[:b], M=291, generator=gen)
    x_aug = torch.cat([x_pert, z[:, None]], dim=1)
    fn = dict(pfgm_target=pfgm_target, broadcast=broadcast_target, matmul_floor=matmul_floor)[method]
    if measure == 'memory':
        before = maxrss_mib()
        fn(x_aug, data)
        return print(json.dumps(dict(added_peak_mib=maxrss_mib() - before)))
    fn(x_aug, data)                                             # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter(); fn(x_aug, data); times.append(time.perf_counter() - start)
    print(json.dumps(dict(seconds=statistics.median(times))))


def run(method, b, B, N, repeats):
    "Time in one fresh process, measure the added peak in another (with glibc returning large blocks at once)."
    result = {}
    for measure, env in (('time', dict(os.environ)), ('memory', dict(os.environ, MALLOC_MMAP_THRESHOLD_='65536'))):
        cmd = [sys.executable, __file__, '--worker', method, '--measure', measure,
               '--sizes', f'{b},{B},{N}', '--repeats', str(repeats)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
        result.update(json.loads(out.strip().splitlines()[-1]))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--sizes', action='append', help='b,B,N (repeatable)')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--worker', help=argparse.SUPPRESS)
    parser.add_argument('--measure', default='time', help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [tuple(int(v) for v in s.split(',')) for s in args.sizes] if args.sizes else SIZES
    if args.worker: return worker(args.worker, *sizes[0], args.repeats, args.measure)

    avail_mib = os.sysconf('SC_AVPHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**20
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs, "
          f"{avail_mib / 1024:.1f} GiB free; median of {args.repeats} runs after a warm-up (broadcast: 2); "
          f"added peak = ru_maxrss growth over one call in a fresh process\n")
    header = f"{'(b, B, N)':>18} {'method':>13} {'seconds':>9} {'added peak MiB':>15}"
    print(header); print('-' * len(header))
    summary = []
    for b, B, N in sizes:
        res = {}
        for method in ('pfgm_target', 'matmul_floor', 'broadcast'):
            need_mib = 2.2 * b * B * (N + 1) * 4 / 2**20   # measured: ~2x the (b, B, N+1) float32 tensor
            if method == 'broadcast' and need_mib > 0.7 * avail_mib:
                print(f"{str((b, B, N)):>18} {method:>13} {'skipped: needs ~%.0f GiB' % (need_mib / 1024):>25}")
                continue
            res[method] = run(method, b, B, N, args.repeats if method != 'broadcast' else 2)
            r = res[method]
            print(f"{str((b, B, N)):>18} {method:>13} {r['seconds']:9.4f} {r['added_peak_mib']:15.1f}")
        summary.append(((b, B, N), res))
    print()
    for size, res in summary:
        t, f = res['pfgm_target'], res['matmul_floor']
        line = f"{str(size)}: pfgm_target / matmul floor = {t['seconds'] / f['seconds']:.2f}x time"
        if 'broadcast' in res:
            bc = res['broadcast']
            line += (f"; broadcast / pfgm_target = {bc['seconds'] / t['seconds']:.0f}x time, "
                     f"{bc['added_peak_mib'] / max(t['added_peak_mib'], 1.0):.0f}x added peak memory")
        print(line)


if __name__ == '__main__':
    main()
