"""Faults: kills during checkpoint writes, corrupt and foreign checkpoints, divergence, bad input, a full disk.

Each test states the fault and checks what the kit did: one clear line, a non-zero exit, and no lost or overwritten work.
"""
import errno, os, subprocess, sys

import pytest
import torch

from conftest import ROOT, load, pfgm_main, tree_hash
from pfgm_nb.workdir import Workdir

TOY = ['--config', 'poisson/toy2d', '--mode', 'train', '--config.training.log_freq=10',
       '--config.training.snapshot_freq=20', '--config.training.snapshot_freq_for_preemption=20',
       '--config.training.batch_size=256', '--config.training.small_batch_size=64']


def same_weights(a, b):
    return a['step'] == b['step'] and all(torch.equal(a['model'][k], b['model'][k]) for k in a['model']) and \
        all(torch.equal(x, y) for x, y in zip(a['ema']['shadow_params'], b['ema']['shadow_params']))


@pytest.fixture(scope='module')
def straight_60(tmp_path_factory):
    "An uninterrupted 60-step toy run to compare against."
    work = tmp_path_factory.mktemp('straight')
    assert pfgm_main(*TOY, '--config.training.n_iters=60', '--workdir', work).returncode == 0
    return work


KILL_IN_REPLACE = """
import os, signal, sys
real_replace, calls = os.replace, [0]
def dying_replace(src, dst):
    if str(dst).endswith('checkpoints-meta/checkpoint.pth'):
        calls[0] += 1
        if calls[0] == 2: os.kill(os.getpid(), signal.SIGKILL)   # the temp file is written, the rename never happens
    return real_replace(src, dst)
os.replace = dying_replace
from pfgm_nb.main import main
main(sys.argv[1:])
"""


def test_kill_during_a_checkpoint_write_leaves_the_previous_one(tmp_path, straight_60):
    res = subprocess.run([sys.executable, '-c', KILL_IN_REPLACE, *TOY, '--config.training.n_iters=60', '--workdir',
                          str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == -9
    assert load(Workdir(tmp_path).meta)['step'] == 20      # the previous one, whole
    assert list(Workdir(tmp_path).meta.parent.glob('.*.tmp*'))                     # the torn write, beside it
    res = pfgm_main(*TOY, '--config.training.n_iters=60', '--workdir', tmp_path)
    assert res.returncode == 0 and 'never finished' in res.stderr
    assert not list(Workdir(tmp_path).meta.parent.glob('.*.tmp*'))
    assert same_weights(load(Workdir(tmp_path).meta),
                        load(Workdir(straight_60).meta))


def test_truncated_meta_checkpoint_resumes_from_newest_snapshot(tmp_path, straight_60):
    assert pfgm_main(*TOY, '--config.training.n_iters=40', '--workdir', tmp_path).returncode == 0
    meta = Workdir(tmp_path).meta
    meta.write_bytes(meta.read_bytes()[:5000])
    res = pfgm_main(*TOY, '--config.training.n_iters=60', '--workdir', tmp_path)
    assert res.returncode == 0, res.stderr
    assert f'skipping {meta}' in res.stderr and 'unreadable' in res.stderr
    assert Workdir(tmp_path).meta.with_suffix('.pth.corrupt').stat().st_size == 5000   # kept, not deleted
    assert same_weights(load(meta), load(Workdir(straight_60).meta))


def test_checkpoints_of_another_architecture_stop_the_run_and_are_kept(tmp_path):
    assert pfgm_main(*TOY, '--config.training.n_iters=20', '--config.model.hidden=64', '--workdir', tmp_path).returncode == 0
    before = tree_hash(tmp_path)
    res = pfgm_main(*TOY, '--config.training.n_iters=40', '--workdir', tmp_path)
    assert res.returncode == 2
    assert 'does not fit this config' in res.stderr and 'no usable checkpoint' in res.stderr
    assert 'Traceback' not in res.stderr
    after = tree_hash(tmp_path)
    assert sorted(after.values()) == sorted(before.values())          # same bytes, only renamed aside
    assert Workdir(tmp_path).meta.with_suffix('.pth.mismatch').exists()


def test_garbage_and_pickled_checkpoints_are_refused_with_the_reason(tmp_path):
    Workdir(tmp_path).meta.parent.mkdir(parents=True)
    Workdir(tmp_path).meta.write_bytes(os.urandom(4096))
    Workdir(tmp_path).checkpoint_dir.mkdir()

    class Payload:
        def __reduce__(self): return (os.system, ('echo pwned',))
    torch.save({'model': Payload(), 'step': 1}, Workdir(tmp_path).checkpoint(1))
    res = pfgm_main(*TOY, '--config.training.n_iters=20', '--workdir', tmp_path)
    assert res.returncode == 2 and 'pwned' not in res.stdout
    assert 'unreadable' in res.stderr and 'pickled Python objects' in res.stderr
    assert Workdir(tmp_path).checkpoint(1).with_suffix('.pth.corrupt').exists()


def test_divergence_stops_naming_the_step_and_keeps_the_last_good_checkpoint(tmp_path):
    res = pfgm_main(*TOY, '--config.training.n_iters=60', '--config.optim.lr=1e15', '--config.optim.warmup=0',
                    '--config.training.snapshot_freq_for_preemption=1', '--workdir', tmp_path)
    assert res.returncode == 1
    line = [l for l in res.stderr.splitlines() if 'diverged' in l]
    assert line and 'at step' in line[0] and 'Traceback' not in res.stderr
    bad_step = int(line[0].split('at step ')[1].split(':')[0])
    good = load(Workdir(tmp_path).meta)
    assert good['step'] == bad_step - 1
    assert all(torch.isfinite(v).all() for v in good['model'].values())


def test_nonfinite_steps_can_be_skipped_up_to_a_limit(tmp_path):
    res = pfgm_main(*TOY, '--config.training.n_iters=60', '--config.optim.lr=1e15', '--config.optim.warmup=0',
                    '--config.training.max_nonfinite_skips=3', '--workdir', tmp_path)
    assert res.returncode == 1
    assert res.stderr.count('skipped: loss') == 3 and 'diverged' in res.stderr


def test_full_disk_stops_cleanly_with_previous_checkpoint_intact(tmp_path, monkeypatch):
    from pfgm_nb.configs import get_config
    from pfgm_nb import train as train_mod
    cfg = get_config('poisson/toy2d')
    cfg.training.update(n_iters=60, batch_size=256, small_batch_size=64, snapshot_freq=1000, snapshot_freq_for_preemption=20)
    real_save, calls = torch.save, [0]
    def full_disk(obj, f, *a, **k):
        calls[0] += 1
        if calls[0] >= 2:
            f.write(b'partial bytes'); raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_save(obj, f, *a, **k)
    monkeypatch.setattr(train_mod.torch, 'save', full_disk)
    with pytest.raises(train_mod.CheckpointWriteError, match='No space left on device'):
        train_mod.train(cfg, tmp_path, progress=False)
    monkeypatch.undo()
    assert load(Workdir(tmp_path).meta)['step'] == 20
    assert not list(tmp_path.rglob('.*.tmp*'))


@pytest.fixture(scope='module')
def finished_run(tmp_path_factory):
    work = tmp_path_factory.mktemp('finished')
    assert pfgm_main(*TOY, '--config.training.n_iters=20', '--workdir', work).returncode == 0
    return work


@pytest.fixture(scope='module')
def fake_cifar(tmp_path_factory):
    from pfgm_nb.data import write_fake_cifar10
    root = tmp_path_factory.mktemp('cifar')
    write_fake_cifar10(root, n_per_batch=4)
    return root


BAD_INPUT = {
    'config key typo': (['--config.training.n_iter=5'], 'Did you mean "n_iters"'),
    'config value of the wrong type': (['--config.training.n_iters=many'], 'invalid literal for int()'),
    'unknown --mode': (['--mode=dance'], "--mode"),
    'unknown preset': (['--config=poisson/cifar11'], 'did you mean poisson/cifar10_'),
    'missing data folder': (['--config=poisson/cifar10_ddpmpp', '--config.data.data_dir=/no/such/folder'], 'cifar-10-python.tar.gz'),
    'images of the wrong size': (['--config=poisson/cifar10_ddpmpp', '--config.data.data_dir={cifar}', '--config.data.image_size=64'],
                                 'set --config.data.image_size=32'),
    'data set smaller than B': (['--config=poisson/digits', '--config.training.batch_size=4096'], 'fewer than the batch'),
    'data set smaller than B (CIFAR)': (['--config=poisson/cifar10_ddpmpp', '--config.data.data_dir={cifar}'], 'fewer than the batch'),
}


@pytest.mark.parametrize('case', list(BAD_INPUT))
def test_bad_input_is_one_line_nonzero_and_overwrites_nothing(case, finished_run, fake_cifar):
    extra, expected = BAD_INPUT[case]
    args = [a.replace('{cifar}', str(fake_cifar)) for a in extra]
    base = ['--mode', 'train', '--config', 'poisson/toy2d', '--workdir', str(finished_run)]
    for a in args:                                # later flags override: drop the base value they replace
        key = a.split('=')[0]
        if key in base: i = base.index(key); del base[i:i + 2]
    before = tree_hash(finished_run)
    res = pfgm_main(*base, *args)
    assert res.returncode == 2, (res.returncode, res.stderr)
    lines = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith('pfgm-main:'), res.stderr
    assert expected in lines[0], lines[0]
    assert tree_hash(finished_run) == before
