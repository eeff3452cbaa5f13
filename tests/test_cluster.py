"""Cluster life: pre-emption notices, one run per workdir, elastic restarts, a rank that hangs, non-finite samples.

Each test injects one fault and checks what the kit did. The fault table in `nbs/03_train.ipynb` lists these rows.
"""
import json, os, signal, subprocess, sys, time

import pytest
import torch

from conftest import BIN, ROOT, assert_same_state, load, pfgm_main, records
from pfgm_nb.workdir import Workdir

TOY = ['--config', 'poisson/toy2d', '--mode', 'train', '--config.training.log_freq=5', '--config.training.eval_freq=0',
       '--config.training.snapshot_freq=1000', '--config.training.snapshot_freq_for_preemption=1000',
       '--config.training.batch_size=256', '--config.training.small_batch_size=64']


def start(*args, env=None):
    return subprocess.Popen([str(BIN / 'pfgm-main'), *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def wait_for_step(workdir, step, proc, limit=120):
    "Wait until the run has logged `step` (or later); the log step it saw."
    deadline = time.time() + limit
    while time.time() < deadline and proc.poll() is None:
        metrics = Workdir(workdir).metrics
        if metrics.exists():
            steps = [json.loads(l)['step'] for l in metrics.read_text().splitlines() if l.strip()]
            if steps and steps[-1] >= step: return steps[-1]
        time.sleep(0.02)
    raise AssertionError(f"the run did not reach step {step}")


@pytest.fixture(scope='module')
def straight_400(tmp_path_factory):
    work = tmp_path_factory.mktemp('straight')
    assert pfgm_main(*TOY, '--config.training.n_iters=400', '--workdir', work).returncode == 0
    return work


@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGUSR1])
def test_preemption_notice_checkpoints_the_step_and_the_rerun_is_bit_identical(sig, tmp_path, straight_400):
    proc = start(*TOY, '--config.training.n_iters=400', '--workdir', tmp_path)
    wait_for_step(tmp_path, 60 + 40 * (sig == signal.SIGUSR1), proc)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)                              # stops promptly, or this raises
    assert proc.returncode == 75, err                                      # EX_TEMPFAIL: requeue me
    stopped = load(Workdir(tmp_path).meta)['step']
    assert 'pre-empted: stopped after step' in err and f'step {stopped}' in err
    assert 60 <= stopped < 400
    res = pfgm_main(*TOY, '--config.training.n_iters=400', '--workdir', tmp_path)
    assert res.returncode == 0, res.stderr
    assert_same_state(load(Workdir(straight_400).meta), load(Workdir(tmp_path).meta))
    steps = [r['step'] for r in records(tmp_path)]
    assert steps == sorted(set(steps)) and steps[-1] == 400                # appended, no step twice


def test_a_second_run_on_a_live_workdir_is_refused_and_a_killed_runs_lock_is_taken_over(tmp_path):
    first = start(*TOY, '--config.training.n_iters=100000', '--workdir', tmp_path)
    wait_for_step(tmp_path, 10, first)
    second = pfgm_main(*TOY, '--config.training.n_iters=100000', '--workdir', tmp_path, timeout=120)   # refused, not queued
    assert second.returncode == 2
    lines = [l for l in second.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and 'in use by another training run' in lines[0] and f'pid {first.pid}' in lines[0]
    first.send_signal(signal.SIGKILL); first.wait()
    third = pfgm_main(*TOY, '--config.training.n_iters=20', '--workdir', tmp_path / 'other')       # unrelated: no message
    assert third.returncode == 0 and 'taking over' not in third.stderr
    resumed = pfgm_main(*TOY, '--config.training.n_iters=30', '--workdir', tmp_path, '--config.training.snapshot_freq_for_preemption=10')
    assert resumed.returncode == 0, resumed.stderr
    assert 'taking over' in resumed.stderr and f'pid {first.pid}' in resumed.stderr and 'no longer running' in resumed.stderr


def test_eval_beside_a_live_training_run_reads_complete_checkpoints(tmp_path):
    train = start(*TOY, '--config.training.n_iters=100000', '--config.training.snapshot_freq=50', '--workdir', tmp_path)
    try:
        wait_for_step(tmp_path, 120, train)
        res = pfgm_main('--mode', 'eval', '--workdir', tmp_path, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=2',
                        '--config.eval.enable_sampling', '--config.eval.num_samples=50', '--config.eval.batch_size=50',
                        '--config.sampling.ode_solver=forward_euler', '--config.sampling.N=10')
        assert res.returncode == 0, res.stderr
        assert [json.loads(l)['checkpoint'] for l in res.stdout.strip().splitlines()] == [1, 2]
    finally:
        train.send_signal(signal.SIGKILL); train.wait()


DDP = ['--config', 'poisson/toy2d', '--mode', 'train', '--config.device=cpu', '--config.training.n_iters=40',
       '--config.training.log_freq=5', '--config.training.eval_freq=0', '--config.training.snapshot_freq=1000',
       '--config.training.snapshot_freq_for_preemption=10', '--config.training.batch_size=256',
       '--config.training.small_batch_size=64']


def torchrun(*args, env_extra=None, restarts=0, timeout=400):
    env = dict(os.environ, OMP_NUM_THREADS='1', **(env_extra or {}))
    return subprocess.run([str(BIN / 'torchrun'), '--standalone', '--nproc_per_node=2', f'--max-restarts={restarts}',
                           str(ROOT / 'tests' / 'helpers' / 'faulty_rank.py'), *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)


def test_a_killed_rank_restarts_elastically_and_ends_bit_identical(tmp_path):
    straight = torchrun(*DDP, '--workdir', tmp_path / 'straight')
    assert straight.returncode == 0, straight.stderr[-3000:]
    killed = torchrun(*DDP, '--workdir', tmp_path / 'killed', restarts=1,
                      env_extra=dict(PFGM_FAULT='kill', PFGM_FAULT_STEP='25'))
    assert killed.returncode == 0, killed.stderr[-3000:]
    assert 'resuming at step 20' in Workdir(tmp_path / 'killed').stdout.read_text()
    assert_same_state(load(Workdir(tmp_path / 'straight').meta),
                      load(Workdir(tmp_path / 'killed').meta))


def test_a_hung_rank_times_out_with_a_message(tmp_path):
    res = torchrun(*DDP, '--workdir', tmp_path, '--config.training.collective_timeout=15',
                   env_extra=dict(PFGM_FAULT='hang', PFGM_FAULT_STEP='12'), timeout=300)
    assert res.returncode != 0
    assert 'a collective operation waited in vain for the other ranks' in res.stderr


def test_nonfinite_samples_are_counted_and_kept_out_of_files_and_metrics(tmp_path):
    assert pfgm_main('--config', 'poisson/digits_mlp', '--mode', 'train', '--workdir', tmp_path, '--config.training.n_iters=20',
                     '--config.training.snapshot_freq=20', '--config.training.batch_size=128').returncode == 0
    ckpt_path = Workdir(tmp_path).checkpoint(20)
    ckpt = load(ckpt_path)
    ckpt['ema']['shadow_params'][-1][:32] = float('nan')          # half of the last layer's outputs: NaN for every sample
    torch.save(ckpt, ckpt_path)
    res = pfgm_main('--mode', 'eval', '--workdir', tmp_path, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_sampling', '--config.eval.num_samples=40', '--config.eval.batch_size=20',
                    '--config.sampling.ode_solver=forward_euler', '--config.sampling.N=5')
    assert res.returncode == 0, res.stderr
    report = json.loads(Workdir(tmp_path).eval_files().report(1).read_text())
    assert report['nonfinite_samples'] == 40 and report['num_samples'] == 0
    assert 'fd_digits' not in report and 'were not finite' in res.stderr
    assert not list((tmp_path / 'eval').rglob('samples_*.npz'))
