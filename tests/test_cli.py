"""Command-line behaviour that a notebook cannot hold: installed console scripts, exit codes, README in step."""
import json, pathlib, subprocess, sys

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
    (['--data_norm', '32'], 'give --data_norm and --data_dim, or --dataset'),
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


def test_demo_writes_pictures_and_report(tmp_path):
    res = run(sys.executable, 'scripts/demo.py', '--out', str(tmp_path))
    assert res.returncode == 0, res.stderr
    report = json.loads((tmp_path / 'demo.json').read_text())
    assert report['M'] == 261
    assert (tmp_path / 'field_lines.png').stat().st_size > 10_000
    assert abs(report['prior_fraction_on_clip'] - 0.57) < 0.02
