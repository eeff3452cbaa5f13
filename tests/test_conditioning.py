"""Conditioning on an image from the command line (issue 25): `pfgm-main --mode eval --config.eval.task=...` restores
held-out digits from observations with a trained unconditional run, writes the inputs / outputs / truth grids and a
metrics row; unknown tasks and routes are refused in one line with the known names."""
import pytest

from conftest import last_report, pfgm_main
from test_first_hour import one_line, train_run
from pfgm_nb.workdir import Workdir


@pytest.fixture(scope='module')
def digits_run(tmp_path_factory):
    return train_run(tmp_path_factory.mktemp('task'), 'pfgmpp/digits_d128_mlp', steps=4, snapshot=4)


def _task_eval(run, *flags):
    return pfgm_main('--mode', 'eval', '--workdir', run, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                     '--config.eval.num_samples=8', '--config.eval.batch_size=8', '--config.sampling.num_steps=4', *flags,
                     timeout=300)


@pytest.mark.parametrize('task, flag, route', [('super_resolution', '--config.eval.task_factor=2', 'replacement'),
                                                ('inpainting', '--config.eval.task_mask=half', 'replacement'),
                                                ('denoising', '--config.eval.task_sigma=0.3', 'hijack')])
def test_a_task_writes_grids_and_a_metrics_row(digits_run, task, flag, route):
    res = _task_eval(digits_run, f'--config.eval.task={task}', flag)
    assert res.returncode == 0, res.stderr[-3000:]
    report = last_report(res)
    assert (report['task'], report['route']) == (task, route)
    for key in ('psnr', 'consistency', 'baseline_psnr', 'accuracy', 'baseline_accuracy', 'fd', 'task_nfe'): assert key in report, report
    if route == 'replacement': assert report['consistency'] < 1e-6, report      # the observed part is pasted exactly
    files = Workdir(digits_run).eval_files()
    assert all(files.task_grid(1, kind).exists() for kind in ('inputs', 'outputs', 'truth'))


def test_unknown_tasks_and_routes_are_refused_with_the_known_names(digits_run):
    res = _task_eval(digits_run, '--config.eval.task=deblur')
    assert res.returncode == 2 and 'choose one of super_resolution, inpainting, denoising' in one_line(res.stderr)
    res = _task_eval(digits_run, '--config.eval.task=inpainting', '--config.eval.task_route=magic')
    assert res.returncode == 2 and 'choose one of replacement, posterior, projection, hijack' in one_line(res.stderr)
