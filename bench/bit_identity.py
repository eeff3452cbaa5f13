"""Are the numbers the same as at another commit? Digests of what a refactor must not change, compared side by side.

It runs itself twice, once on this tree's `pfgm_nb` and once on `git archive <rev> pfgm_nb` (unpacked in a temporary
folder and put first on PYTHONPATH), and prints one row per item with both digests and `same` / `DIFFERENT`:
- `preset:<name>`: every shipped preset's config, field by field on the fields both trees have (the values a run is
  made from); fields one tree added are named beside the verdict;
- `derived:<name>`: the data-derived fields of the digits and moons presets (M, z_max, upper_norm, σ_d, σ_max);
- `train:<name>`: the weights and EMA after `--steps` training steps (seed 0) of each moons preset and of the digits
  PFGM++ U-Net, through `pfgm_nb.train.train` (its whole path: data, method, loss, optimizer, checkpoint);
- `sample:<name>`: samples of that trained network from a seeded generator, with the preset's solver (an adaptive one
  replaced by 20 improved-Euler steps: a network this young makes RK45 stiff).

    python bench/bit_identity.py --against 28e87d4          # exit status 1 when anything differs
    python bench/bit_identity.py --against HEAD --steps 5
"""
import argparse, hashlib, json, os, subprocess, sys, tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAINED = ('poisson/toy2d', 'pfgmpp/toy2d_d128', 'vp/toy2d', 'subvp/toy2d', 've/toy2d', 'pfgmpp/digits_d128')


def digest(obj)->str:
    "16 hex digits of a JSON value, a tensor or a dict of tensors."
    import torch
    h = hashlib.sha256()
    if isinstance(obj, torch.Tensor): h.update(obj.detach().cpu().contiguous().numpy().tobytes())
    elif isinstance(obj, dict) and obj and all(isinstance(v, torch.Tensor) for v in obj.values()):
        for key in sorted(obj): h.update(key.encode()); h.update(obj[key].detach().cpu().contiguous().numpy().tobytes())
    else: h.update(json.dumps(obj, sort_keys=True, default=str).encode())
    return h.hexdigest()[:16]


def flat(values:dict, prefix:str='')->dict:
    "{'section.field': value} of a config's JSON."
    out = {}
    for key, value in values.items():
        if isinstance(value, dict): out |= flat(value, f'{prefix}{key}.')
        else: out[f'{prefix}{key}'] = value
    return out


MISSING = '—'   # the digest shown for an item one tree lacks

def compared(a, b)->tuple: # (shown before, shown after, verdict)
    "A preset's configs agree on every field both trees have (fields a tree added are listed, not counted); digests as they are."
    if MISSING in (a, b):                                     # an item only one tree has (a new preset): not compared
        shown = lambda v: v if v == MISSING or not isinstance(v, dict) else digest(v)
        return shown(a), shown(b), 'new' if a == MISSING else 'only before'
    if not (isinstance(a, dict) and isinstance(b, dict)): return a, b, 'same' if a == b else 'DIFFERENT'
    common = sorted(set(a) & set(b))
    same = all(a[k] == b[k] for k in common)
    added = sorted(set(b) - set(a)) + [f'-{k}' for k in sorted(set(a) - set(b))]
    return (digest({k: a[k] for k in common}), digest({k: b[k] for k in common}),
            ('same' if same else 'DIFFERENT') + (f" (fields added/removed: {', '.join(added)})" if added else ''))


def trained_digests(name:str, steps:int, tmp:Path)->dict:
    "The weights, EMA and samples of `steps` training steps of a preset (seed 0), as digests."
    import torch
    from pfgm_nb.configs import data_shape, get_config
    from pfgm_nb.methods import get_method
    from pfgm_nb.train import train
    config = get_config(name)
    config.update_from_flattened_dict({'seed': 0, 'training.n_iters': steps, 'training.snapshot_freq': steps,
                                       'training.snapshot_freq_for_preemption': steps, 'training.log_freq': steps,
                                       'training.eval_freq': 10**9, 'device': 'cpu'})
    from pfgm_nb.configs import config_from_json
    from pfgm_nb.methods import load_network
    from pfgm_nb.workdir import Workdir
    workdir = Workdir(tmp / name.replace('/', '_'))
    train(config, workdir.root, progress=False)
    _, path = workdir.snapshots()[-1]
    checkpoint = torch.load(path, map_location='cpu', weights_only=False)
    saved = config_from_json(workdir.config_file)
    model = load_network(path, saved, use_ema=True, device='cpu')
    method = get_method(saved)
    if method.solver in ('rk45', 'dopri5'): method = method.with_sampler(solver='improved_euler', steps=20)  # 20 steps do
    samples, nfe = method.sample(model, 64, data_shape(saved), generator=torch.Generator().manual_seed(1))
    return {f'train:{name}': digest({k: v for k, v in checkpoint['model'].items() if isinstance(v, torch.Tensor)}),
            f'ema:{name}': digest(checkpoint['ema']), f'sample:{name}': digest(samples) + f' nfe={nfe}'}


def worker(steps:int)->dict:
    "Every digest of the tree this process imports."
    from pfgm_nb.configs import get_config, list_presets
    from pfgm_nb.methods import derive_data_fields   # (at older commits it lived in configs; methods imported it)
    out = {}
    for name in list_presets():
        config = get_config(name)
        out[f'preset:{name}'] = flat(json.loads(config.to_json_best_effort()))
        if name.split('/')[1].startswith(('digits', 'toy2d')):
            out[f'derived:{name}'] = digest(derive_data_fields(config)[1])
    with tempfile.TemporaryDirectory() as tmp:
        for name in TRAINED if steps else ():
            out |= trained_digests(name, steps, Path(tmp))
    return out


def run_tree(pythonpath:str|None, steps:int)->dict:
    "The worker's digests in a fresh process, on the package found first on `pythonpath` (None: this tree)."
    env = dict(os.environ, PYTHONPATH=pythonpath or str(ROOT))
    done = subprocess.run([sys.executable, __file__, '--worker', '--steps', str(steps)], env=env, capture_output=True,
                          text=True, cwd=tempfile.gettempdir())
    if done.returncode: sys.exit(f"bit_identity: the worker on {pythonpath or 'this tree'} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--against', default='HEAD', help='the commit to compare this tree with')
    parser.add_argument('--steps', type=int, default=20, help='training steps per trained preset (0: configs only)')
    parser.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker: return print(json.dumps(worker(args.steps)))
    with tempfile.TemporaryDirectory() as old:
        archive = subprocess.run(['git', '-C', str(ROOT), 'archive', args.against, 'pfgm_nb'], capture_output=True, check=True)
        subprocess.run(['tar', '-x', '-C', old], input=archive.stdout, check=True)
        before, after = run_tree(old, args.steps), run_tree(None, args.steps)
    rows = sorted(set(before) | set(after))
    width, differing, unmatched = max(map(len, rows)), [], []
    for key in rows:
        a, b, verdict = compared(before.get(key, MISSING), after.get(key, MISSING))
        print(f"{key:<{width}}  {a:<26} {b:<26} {verdict}")
        if verdict.startswith('DIFFERENT'): differing.append(key)
        if verdict in ('new', 'only before'): unmatched.append(key)
    print(f"\n{len(rows) - len(differing) - len(unmatched)} of {len(rows) - len(unmatched)} identical to {args.against}"
          + (f" ({len(unmatched)} in one tree only)" if unmatched else '') +
          (f"; differing: {differing}" if differing else ''))
    sys.exit(1 if differing else 0)


if __name__ == '__main__':
    main()
