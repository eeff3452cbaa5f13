"""`pfgm-main --mode eval` end to end: our checkpoints, a checkpoint written by the original code, missing Inception weights."""
import json, os, shutil

import numpy as np
import pytest

from conftest import FIXTURES, pfgm_main
from pfgm_nb.workdir import Workdir


TINY16 = ['--config', 'poisson/cifar10_ddpmpp', '--config.model.nf=16', '--config.model.ch_mult=(1,2,2)',
          '--config.model.num_res_blocks=1', '--config.model.attn_resolutions=(8,)', '--config.data.image_size=16']


@pytest.fixture
def original_workdir(tmp_path):
    Workdir(tmp_path).checkpoint_dir.mkdir()
    shutil.copy(FIXTURES / 'original_ddpmpp' / 'ddpmpp_tiny16.pth', Workdir(tmp_path).checkpoint(50000))
    return tmp_path


def test_eval_samples_from_a_checkpoint_written_by_the_original_code(original_workdir):
    res = pfgm_main(*TINY16, '--mode', 'eval', '--workdir', original_workdir, '--eval_folder', 'ev',
                    '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1', '--config.eval.enable_sampling',
                    '--config.eval.num_samples=6', '--config.eval.batch_size=3', '--config.eval.save_images',
                    '--config.eval.enable_fid=False', '--config.sampling.ode_solver=forward_euler', '--config.sampling.N=5')
    assert res.returncode == 0, res.stderr
    out = original_workdir / 'ev'
    assert (out / 'ode_images_1.png').stat().st_size > 1000
    with np.load(out / 'ckpt_1' / 'samples_1.npz') as f:                  # the original's eval/ckpt_{k}/ layout
        assert f['samples'].shape == (3, 16, 16, 3) and f['samples'].dtype == np.uint8
    report = json.loads((out / 'report_1.json').read_text())
    assert report['nfe'] == 5 and report['num_samples'] == 6


def test_without_inception_weights_fid_is_skipped_with_the_reason_and_pixel_metrics_reported(original_workdir):
    from PIL import Image
    folder = original_workdir / 'images'; folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(12): Image.fromarray(rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)).save(folder / f'{i}.png')
    env = {k: v for k, v in os.environ.items() if k != 'PFGM_INCEPTION'}
    res = pfgm_main(*TINY16, '--mode', 'eval', '--workdir', original_workdir, '--config.eval.begin_ckpt=1',
                    '--config.eval.end_ckpt=1', '--config.eval.enable_sampling', '--config.eval.num_samples=4',
                    '--config.eval.batch_size=4', '--config.sampling.ode_solver=forward_euler', '--config.sampling.N=2',
                    '--config.data.dataset=folder', f'--config.data.data_dir={folder}', env=env)
    assert res.returncode == 0, res.stderr
    report = json.loads(Workdir(original_workdir).eval_files().report(1).read_text())
    assert 'inception-2015-12-05.pt' in report['fid_skipped'] and 'PFGM_INCEPTION' in report['fid_skipped']
    assert {'kid_pixels', 'copy_fraction'} <= report.keys() and 'fid' not in report


def test_eval_of_a_folder_without_a_run_creates_nothing(tmp_path):
    res = pfgm_main('--config', 'poisson/digits', '--mode', 'eval', '--workdir', tmp_path / 'typo', '--config.eval.enable_sampling')
    assert res.returncode == 2 and 'no training run in' in res.stderr
    assert not (tmp_path / 'typo').exists()


def test_eval_without_the_asked_checkpoints_names_what_is_there(tmp_path):
    Workdir(tmp_path).checkpoint_dir.mkdir(); Workdir(tmp_path).checkpoint(4001).write_bytes(b'')
    res = pfgm_main('--config', 'poisson/digits', '--mode', 'eval', '--workdir', tmp_path, '--config.eval.enable_sampling')
    assert res.returncode == 2 and 'no checkpoints 1..26' in res.stderr and 'checkpoint_4001.pth' in res.stderr


@pytest.fixture(scope='module')
def short_digits_run(tmp_path_factory):
    "A 100-step poisson/digits run (the U-Net): its flow is rough, so a likelihood solve spends dozens of evaluations."
    from pfgm_nb.configs import get_config
    from pfgm_nb.train import train
    workdir = tmp_path_factory.mktemp('digits100')
    config = get_config('poisson/digits')
    config.training.update(n_iters=100, snapshot_freq=100, snapshot_freq_for_preemption=100, log_freq=50, eval_freq=0)
    train(config, workdir, progress=False)
    return workdir, config


def bpd_config(config, max_seconds):
    config = config.copy_and_resolve_references()
    config.eval.update(begin_ckpt=1, end_ckpt=1, enable_sampling=False, enable_bpd=True, bpd_num_samples=4,
                       bpd_rtol=1e-3, bpd_atol=1e-3)
    config.sampling.max_seconds = max_seconds
    return config


@pytest.fixture
def eager_budget(monkeypatch):
    "Every likelihood budget checks its clock from the first evaluation (patience 0), so a tiny cap bites at once."
    import pfgm_nb.evaluate as evaluate
    class Eager(evaluate.Budget):
        def __init__(self, name, s_start, s_end, max_nfe, patience, *args, **kw): super().__init__(name, s_start, s_end, max_nfe, 0.0, *args, **kw)
    monkeypatch.setattr(evaluate, 'Budget', Eager)
    return evaluate


def test_bits_per_dim_is_not_held_to_the_automatic_cpu_cap_of_a_sampling_solve(short_digits_run, eager_budget, monkeypatch):
    # the command failed: `--mode eval` capped every adaptive solve at 60 s on a CPU, bits/dim's too
    from pfgm_nb.evaluate import run_eval
    workdir, config = short_digits_run
    monkeypatch.setattr(eager_budget, 'CPU_SECONDS', 1e-6)          # the automatic cap, made to bite at the first check
    report, = run_eval(bpd_config(config, 0.0), workdir, progress=False)
    assert report['bpd_samples'] == 4 and np.isfinite(report['bpd']) and report['bpd_nfe'] > 0, report


def test_an_explicit_max_seconds_still_holds_bits_per_dim_to_the_time_it_spent(short_digits_run, eager_budget):
    from pfgm_nb.evaluate import run_eval
    from pfgm_nb.solvers import SolverGaveUp
    workdir, config = short_digits_run
    with pytest.raises(SolverGaveUp, match=r'it has run \d+ s, over the budget of 1e-06 s \(sampling.max_seconds\)'):
        run_eval(bpd_config(config, 1e-6), workdir, progress=False)
