"""Command-line behaviour that a notebook cannot hold: installed console scripts, exit codes, README in step."""
import json, os, pathlib, subprocess, sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent


def run(*args):
    return subprocess.run([*args], capture_output=True, text=True, cwd=ROOT)


def test_hparams_cifar10_prints_M_291():
    res = run(BIN / 'pfgm-hparams', '--data_norm', '32', '--data_dim', '3072')
    assert res.returncode == 0, res.stderr
    assert any(line.split() == ['M:', '291'] for line in res.stdout.splitlines()), res.stdout


def test_hparams_digits_json():
    res = run(BIN / 'pfgm-hparams', '--dataset', 'digits', '--json')
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out['M'] == 261 and out['data_dim'] == 64
    assert abs(out['z_max'] - 17.884) < 1e-3 and abs(out['upper_norm'] - 179.31) < 1e-2


@pytest.mark.parametrize('args, message', [
    (['--dataset', 'cifar11'], "unknown embedded data set 'cifar11'"),
    (['--data_norm', '32'], 'give --data_norm and --data_dim, --dataset NAME, or --data_dir'),
    (['--data_norm', '-1', '--data_dim', '3'], None),
])
def test_hparams_bad_input_is_one_clear_line(args, message):
    res = run(BIN / 'pfgm-hparams', *args)
    assert res.returncode != 0
    assert 'Traceback' not in res.stderr
    if message: assert message in res.stderr


def test_readme_in_step_with_index_notebook():
    res = run(sys.executable, 'scripts/sync_readme.py', '--check')
    assert res.returncode == 0, "README.md differs from nbs/index.ipynb: run `python scripts/sync_readme.py`"


def test_demo_runs_the_papermill_path_and_writes_metrics(tmp_path):
    "A minutes-long `make demo` in miniature: a few steps per method, the same files."
    out = tmp_path / 'demo'
    res = run(sys.executable, 'scripts/demo.py', '--out', str(out), '--n_iters', '100', '--num_samples', '20')
    assert res.returncode == 0, res.stderr[-3000:]
    metrics = json.loads((out / 'metrics.json').read_text())
    keys = {'fd_digits', 'fd_inf', 'kid_pixels', 'classifier_confidence', 'copy_fraction', 'nfe', 'train_seconds',
            'sample_seconds'}
    assert set(metrics) == {'pfgm', 'pfgmpp', 'held_out_digits'} and all(keys <= set(metrics[m]) for m in ('pfgm', 'pfgmpp'))
    assert metrics['pfgm']['network'] == 'ncsnpp' and metrics['pfgm']['sets'] == 1 and metrics['pfgm']['count'] == 20
    assert 0 < metrics['held_out_digits']['fd_digits'] < 5 and metrics['held_out_digits']['copy_fraction'] < 0.05
    assert metrics['pfgmpp']['nfe'] == 35
    assert metrics['pfgm']['train_jobs'] == 2 and metrics['pfgm']['precision'] == 'auto'   # the two trainings ran at once
    threads = max(1, (os.cpu_count() or 1) // 2)
    for name in ('pfgm', 'pfgmpp'):                                                        # each on its share of the threads
        log = (out / f'train_{name}.log').read_text()
        assert 'training_loss' in log and f'{threads} CPU threads' in log, log[-2000:]
    for name in ('samples_pfgm.png', 'samples_pfgmpp.png', 'field_lines.png', 'train_job_pfgm.ipynb', 'train_job_pfgmpp.ipynb'):
        assert (out / name).stat().st_size > 1000, name
    executed = json.loads((out / 'train_job_pfgm.ipynb').read_text())
    assert executed['metadata']['papermill']['parameters']['config_name'] == 'poisson/digits'
