"""Training end to end through the command line: layout, falling loss, kill-and-resume, papermill, two-process DDP."""
import json, os, random, signal, subprocess, sys, time

import pytest
import torch

from conftest import BIN, ROOT, assert_same_state, load, pfgm_main, records
from pfgm_nb.workdir import Workdir


def test_digits_training_writes_original_layout_and_loss_falls(tmp_path):
    res = pfgm_main('--config', 'configs/poisson/digits.py', '--mode', 'train', '--workdir', tmp_path, '--config.model.name=ncsnpp',
                    '--config.training.n_iters=60', '--config.training.batch_size=512', '--config.training.log_freq=10',
                    '--config.training.snapshot_freq=30', '--config.training.snapshot_freq_for_preemption=20')
    assert res.returncode == 0, res.stderr
    assert 'train: 100%' in res.stdout + res.stderr            # the progress bar
    assert sorted(p.name for p in Workdir(tmp_path).checkpoint_dir.iterdir()) == ['checkpoint_30.pth', 'checkpoint_60.pth']
    ckpt = load(Workdir(tmp_path).meta)
    assert {'optimizer', 'model', 'ema', 'step'} <= ckpt.keys() and ckpt['step'] == 60
    assert any(k.startswith('module.all_modules.') for k in ckpt['model'])   # the original key layout
    assert sorted(p.name for p in (tmp_path / 'samples').iterdir()) == ['iter_30', 'iter_60']
    assert Workdir(tmp_path).preview_image(60).stat().st_size > 1000
    losses = [r['loss'] for r in records(tmp_path, 'loss')]
    assert len(losses) == 6 and losses[-1] < 0.8 * losses[0], losses


TOY = ['--config', 'poisson/toy2d', '--mode', 'train', '--config.training.n_iters=300', '--config.training.log_freq=5',
       '--config.training.snapshot_freq=100', '--config.training.snapshot_freq_for_preemption=20',
       '--config.training.batch_size=512', '--config.training.small_batch_size=128']


def test_sigkill_and_rerun_ends_bit_identical(tmp_path):
    straight, killed = tmp_path / 'straight', tmp_path / 'killed'
    assert pfgm_main(*TOY, '--workdir', straight).returncode == 0
    rng = random.Random(0)
    kills = 0
    for target in sorted(rng.sample(range(30, 260), 3)):
        proc = subprocess.Popen([str(BIN / 'pfgm-main'), *TOY, '--workdir', str(killed)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            metrics = Workdir(killed).metrics
            if metrics.exists() and any(json.loads(l)['step'] >= target for l in metrics.read_text().splitlines() if l.strip()):
                break
            time.sleep(0.02)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL); proc.wait(); kills += 1
        meta = Workdir(killed).meta
        assert load(meta)['step'] % 20 == 0                       # the last complete snapshot, never a torn file
    assert kills >= 2
    res = pfgm_main(*TOY, '--workdir', killed)
    assert res.returncode == 0, res.stderr
    assert_same_state(load(Workdir(straight).meta), load(Workdir(killed).meta))
    assert_same_state(load(Workdir(straight).checkpoint(300)), load(Workdir(killed).checkpoint(300)))


def ensure_kernel():
    from jupyter_client.kernelspec import KernelSpecManager
    if 'pfgm' not in KernelSpecManager().find_kernel_specs():
        subprocess.run([sys.executable, '-m', 'ipykernel', 'install', '--sys-prefix', '--name', 'pfgm', '--display-name', 'pfgm_nb'], check=True,
                       capture_output=True)


def test_papermill_runs_the_training_notebook_headless(tmp_path):
    ensure_kernel()
    out_nb, workdir = tmp_path / 'train_job.ipynb', tmp_path / 'run'
    res = subprocess.run([str(BIN / 'papermill'), 'nbs/train_job.ipynb', str(out_nb), '-k', 'pfgm', '--cwd', 'nbs',
                          '-p', 'n_iters', '25', '-p', 'workdir', str(workdir), '--log-output'],
                         capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert res.returncode == 0, res.stderr[-3000:]
    nb = json.loads(out_nb.read_text())
    assert nb['metadata']['papermill']['parameters'] == {'n_iters': 25, 'workdir': str(workdir)}
    assert sum('parameters' in c['metadata'].get('tags', []) for c in nb['cells']) == 1
    assert any('injected-parameters' in c['metadata'].get('tags', []) for c in nb['cells'])
    assert load(Workdir(workdir).meta)['step'] == 25
    assert not list((ROOT / 'nbs').glob('*.ipynb.tmp*'))


def test_two_process_gloo_ranks_stay_in_sync_on_the_gathered_batch(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS='1')
    res = subprocess.run([str(BIN / 'torchrun'), '--standalone', '--nproc_per_node=2', '-m', 'pfgm_nb.main',
                          '--config', 'poisson/toy2d', '--mode', 'train', '--workdir', str(tmp_path),
                          '--config.training.n_iters=20', '--config.training.log_freq=5', '--config.device=cpu',
                          '--config.training.batch_size=512', '--config.training.small_batch_size=128'],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)
    assert res.returncode == 0, res.stderr[-3000:]
    recs = records(tmp_path, 'loss')
    assert [r['step'] for r in recs] == [5, 10, 15, 20]            # one writer: rank 0
    assert all(r['n_charges'] == 512 for r in recs)                # each rank drew 256; the target saw all 512
    assert all(r['rank_param_spread'] == 0.0 for r in recs)        # DDP kept the ranks' weights identical
    assert load(Workdir(tmp_path).meta)['step'] == 20


def test_watching_a_run_tensorboard_stdout_and_jsonl_survive_a_kill_without_duplicates(tmp_path):
    "The issue's command: 400 steps, the held-out loss every 100; killed after step 200 and rerun."
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    args = ['--config', 'configs/poisson/digits.py', '--mode', 'train', '--workdir', str(tmp_path),
            '--config.training.n_iters=400', '--config.training.eval_freq=100', '--config.training.snapshot_freq_for_preemption=100']
    proc = subprocess.Popen([str(BIN / 'pfgm-main'), *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if Workdir(tmp_path).metrics.exists() and any(json.loads(l)['step'] >= 200 for l in Workdir(tmp_path).metrics.read_text().splitlines() if l.strip()):
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL); proc.wait()
    killed_at = max(r['step'] for r in records(tmp_path))
    assert 200 <= killed_at < 400, killed_at                            # the kill landed mid-run: the rerun has work to redo
    res = pfgm_main(*args)
    assert res.returncode == 0, res.stderr
    events = EventAccumulator(str(Workdir(tmp_path).tensorboard)); events.Reload()
    for tag in ('training_loss', 'eval_loss'):
        assert [e.step for e in events.Scalars(tag)] == [100, 200, 300, 400], tag
    rows = records(tmp_path)
    assert [r['step'] for r in rows] == [100, 200, 300, 400] and all('eval_loss' in r and 'loss' in r for r in rows)
    step_lines = [l for l in Workdir(tmp_path).stdout.read_text().splitlines() if l.startswith('step ')]
    assert len(step_lines) == len(set(step_lines)) == 8                # training_loss and eval_loss at 4 steps each
