"""Post-hoc EMA from the command line: `training.phema_every` writes the power-EMA snapshots, `eval.ema_length` evaluates
the EMA of any length rebuilt from them (chapter 03b)."""
import pytest

from conftest import last_report, pfgm_main
from pfgm_nb.posthoc_ema import list_snapshots
from pfgm_nb.workdir import Workdir


def test_phema_snapshots_written_by_pfgm_main_and_an_ema_length_evaluated(tmp_path):
    res = pfgm_main('--config', 'pfgmpp/toy2d_d128', '--mode', 'train', '--workdir', tmp_path, '--config.training.n_iters=8',
                    '--config.training.snapshot_freq=8', '--config.training.phema_every=4', '--config.training.snapshot_sampling=False')
    assert res.returncode == 0, res.stderr[-2000:]
    stored = sorted((s['step'], s['sigma_rel']) for s in list_snapshots(Workdir(tmp_path).phema))
    assert stored == [(4, 0.05), (4, 0.1), (8, 0.05), (8, 0.1)], stored
    res = pfgm_main('--mode', 'eval', '--workdir', tmp_path, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_sampling', '--config.eval.num_samples=64', '--config.eval.batch_size=64',
                    '--config.eval.ema_length=0.07')
    assert res.returncode == 0, res.stderr[-2000:]
    report = last_report(res)
    assert report['ema_length'] == 0.07 and 0 <= report['ema_profile_error'] < 1, report
    assert 'post-hoc EMA' in res.stderr


def test_no_phema_folder_unless_asked(tmp_path):
    res = pfgm_main('--config', 'pfgmpp/toy2d_d128', '--mode', 'train', '--workdir', tmp_path, '--config.training.n_iters=2',
                    '--config.training.snapshot_freq=2', '--config.training.snapshot_sampling=False')
    assert res.returncode == 0, res.stderr[-2000:]
    assert not Workdir(tmp_path).phema.exists()
    res = pfgm_main('--mode', 'eval', '--workdir', tmp_path, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_sampling', '--config.eval.num_samples=8', '--config.eval.batch_size=8',
                    '--config.eval.ema_length=0.07')
    assert res.returncode == 2 and 'phema' in res.stderr and 'Traceback' not in res.stderr, res.stderr[-2000:]
