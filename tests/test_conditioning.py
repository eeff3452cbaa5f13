"""Conditioning on an image from the command line (issue 25). Training-free: `pfgm-main --mode eval
--config.eval.task=...` restores held-out digits from observations with a trained unconditional run, writes the inputs /
outputs / truth grids and a metrics row; unknown tasks and routes are refused in one line with the known names.
Trained: a run with `training.task` (the `pfgmpp/digits_sr4` preset, a score SDE on denoising pairs) records its
observation channels in the checkpoint, previews restorations, is evaluated by the trained route on its own task, and
refuses other tasks, the training-free routes and the unconditional evaluations; PFGM refuses to train on a task."""
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


# The trained route: a preset that trains on a task's pairs, its checkpoint, its preview and its evaluation.
@pytest.fixture(scope='module')
def sr_run(tmp_path_factory):
    return train_run(tmp_path_factory.mktemp('sr4'), 'pfgmpp/digits_sr4', '--config.training.snapshot_sampling=True', steps=4, snapshot=4)


def test_a_run_trained_on_pairs_records_its_channels_and_restores_its_own_task(sr_run):
    from conftest import load
    run = Workdir(sr_run)
    ckpt = load(run.checkpoint(4))
    assert ckpt['cond_channels'] == 1
    assert [tuple(v.shape[:2]) for v in ckpt['model'].values() if v.ndim == 4 and v.shape[1] == 2] == [(32, 2)]   # conv_in only
    assert run.preview_image(4).exists()                  # the preview restores held-out observations
    res = _task_eval(sr_run)                                 # no eval.task: the run's own, by the trained route
    assert res.returncode == 0, res.stderr[-3000:]
    report = last_report(res)
    assert (report['task'], report['route'], report['task_nfe']) == ('super_resolution', 'trained', 7.0), report
    for key in ('psnr', 'consistency', 'baseline_psnr', 'accuracy', 'baseline_accuracy', 'fd'): assert key in report, report
    assert all(run.eval_files().task_grid(1, kind).exists() for kind in ('inputs', 'outputs', 'truth'))


def test_a_trained_run_refuses_another_task_and_the_training_free_routes(sr_run):
    res = _task_eval(sr_run, '--config.eval.task=inpainting')
    assert res.returncode == 2 and "trained on training.task='super_resolution'" in one_line(res.stderr)
    res = _task_eval(sr_run, '--config.eval.task_route=replacement')
    assert res.returncode == 2 and 'restores by the trained route' in one_line(res.stderr)


def test_the_trained_route_needs_a_run_trained_on_pairs(digits_run, tmp_path):
    res = _task_eval(digits_run, '--config.eval.task=inpainting', '--config.eval.task_route=trained')
    assert res.returncode == 2 and "needs a network trained on the task's pairs" in one_line(res.stderr)
    for preset, task, refusal in (('poisson/digits', 'inpainting', 'PFGM (D = 1) cannot train on'),
                                  ('pfgmpp/digits_d128', 'deblur', "training.task='deblur': choose one of")):
        res = pfgm_main('--config', preset, '--mode', 'train', '--workdir', tmp_path / task, f'--config.training.task={task}',
                        '--config.training.n_iters=2', timeout=300)
        assert res.returncode == 2 and refusal in one_line(res.stderr)


def test_a_score_sde_trains_on_pairs_and_restores_by_the_trained_route(tmp_path):
    run = train_run(tmp_path / 'vp_denoise', 'vp/digits', '--config.training.task=denoising', '--config.training.task_sigma=0.3',
                    steps=2, snapshot=2)
    res = pfgm_main('--mode', 'eval', '--workdir', run, '--config.eval.num_samples=8', '--config.eval.batch_size=8',
                    '--config.sampling.ode_solver=forward_euler', '--config.sampling.N=5', timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    report = last_report(res)
    assert (report['task'], report['route']) == ('denoising', 'trained'), report
    assert report['task_nfe'] == 5, report           # five Euler steps of the probability-flow ODE, on the network reading y


def test_a_trained_run_refuses_the_unconditional_evaluations(sr_run):
    res = _task_eval(sr_run, '--config.eval.enable_sampling')
    assert res.returncode == 2 and 'eval.enable_sampling need an unconditional run' in one_line(res.stderr)
