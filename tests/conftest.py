"""Helpers every test file shares: the repo's paths, running `pfgm-main`, reading checkpoints and logs."""
import hashlib, json, pathlib, subprocess, sys

import pytest
import torch
from pfgm_nb.workdir import Workdir

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
FIXTURES = ROOT / 'nbs' / 'fixtures'


def pfgm_main(*args, **kw):
    "Run the installed `pfgm-main` from the repo root; returns the CompletedProcess (stdout and stderr as text)."
    return subprocess.run([str(BIN / 'pfgm-main'), *map(str, args)], capture_output=True, text=True, cwd=ROOT, **kw)


def load(path):
    return torch.load(path, map_location='cpu', weights_only=True)


def records(workdir, key=None):
    "The rows of a run's metrics.jsonl (only those that carry `key`, if given)."
    rows = [json.loads(line) for line in Workdir(workdir).metrics.read_text().splitlines() if line.strip()]
    return [r for r in rows if key is None or key in r]


def tree_hash(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(pathlib.Path(folder).rglob('*')) if p.is_file()}


def assert_same_state(a, b):
    "Two checkpoints hold the same step, weights, EMA and Adam state, bit for bit."
    assert a['step'] == b['step']
    assert a['model'].keys() == b['model'].keys()
    assert all(torch.equal(a['model'][k], b['model'][k]) for k in a['model'])
    assert all(torch.equal(x, y) for x, y in zip(a['ema']['shadow_params'], b['ema']['shadow_params']))
    assert a['ema']['num_updates'] == b['ema']['num_updates']
    sa, sb = a['optimizer']['state'], b['optimizer']['state']
    assert sa.keys() == sb.keys()
    for i in sa:
        assert all(torch.equal(sa[i][k], sb[i][k]) for k in ('exp_avg', 'exp_avg_sq', 'step'))


def labelled_network(preset='pfgmpp/digits_d128_mlp'):
    "(method, untrained class-conditional network) of a preset, its label embedding drawn large so the labels matter."
    from pfgm_nb.configs import get_config
    from pfgm_nb.methods import get_method
    config = get_config(preset); config.training.class_conditional = True
    method = get_method(config, report=lambda line: None)
    torch.manual_seed(0)
    model = method.network(config)
    with torch.no_grad():
        for p in model.cond.label_proj.parameters(): p.normal_(0, 3)
    return method, model


def last_report(res):
    "The JSON report on the last stdout line of `pfgm-main --mode eval`."
    return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.fixture(scope='module')
def images(tmp_path_factory):
    "300 RGB 16×16 PNGs: coloured blobs on a dark background (a folder data set for the own-data and eval tests)."
    import numpy as np
    from PIL import Image
    folder = tmp_path_factory.mktemp('images')
    rng = np.random.default_rng(0)
    for i in range(300):
        img = np.full((16, 16, 3), 20, np.uint8)
        y, x = rng.integers(3, 13, 2)
        img[y - 3:y + 3, x - 3:x + 3] = rng.integers(60, 256, 3)
        Image.fromarray(img).save(folder / f'{i:03d}.png')
    return folder
