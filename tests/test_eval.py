"""`pfgm-main --mode eval` end to end: our checkpoints, a checkpoint written by the original code, missing Inception weights."""
import json, pathlib, shutil, subprocess, sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
FIXTURES = ROOT.parent / 'shared' / 'fixtures' / 'original_ddpmpp'


def pfgm_main(*args, env=None):
    return subprocess.run([str(BIN / 'pfgm-main'), *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=env)


TINY16 = ['--config', 'poisson/cifar10_ddpmpp', '--config.model.nf=16', '--config.model.ch_mult=(1,2,2)',
          '--config.model.num_res_blocks=1', '--config.model.attn_resolutions=(8,)', '--config.data.image_size=16']


@pytest.fixture
def original_workdir(tmp_path):
    if not (FIXTURES / 'ddpmpp_tiny16.pth').exists(): pytest.skip('shared fixtures not present')
    (tmp_path / 'checkpoints').mkdir()
    shutil.copy(FIXTURES / 'ddpmpp_tiny16.pth', tmp_path / 'checkpoints' / 'checkpoint_1.pth')
    return tmp_path


def test_eval_samples_from_a_checkpoint_written_by_the_original_code(original_workdir):
    res = pfgm_main(*TINY16, '--mode', 'eval', '--workdir', original_workdir, '--eval_folder', 'ev',
                    '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1', '--config.eval.enable_sampling',
                    '--config.eval.num_samples=6', '--config.eval.batch_size=3', '--config.eval.save_images',
                    '--config.eval.enable_fid=False', '--config.sampling.ode_solver=forward_euler', '--config.sampling.N=5')
    assert res.returncode == 0, res.stderr
    out = original_workdir / 'ev'
    assert (out / 'ode_images_1.png').stat().st_size > 1000
    with np.load(out / 'samples_1.npz') as f:
        assert f['samples'].shape == (3, 16, 16, 3) and f['samples'].dtype == np.uint8
    report = json.loads((out / 'report_1.json').read_text())
    assert report['nfe'] == 5 and report['num_samples'] == 6


def test_fid_without_inception_weights_fails_with_instructions(original_workdir):
    env = {k: v for k, v in __import__('os').environ.items() if k != 'PFGM_INCEPTION'}
    res = pfgm_main(*TINY16, '--mode', 'eval', '--workdir', original_workdir, '--config.eval.begin_ckpt=1',
                    '--config.eval.end_ckpt=1', '--config.eval.enable_sampling', '--config.eval.num_samples=2',
                    '--config.eval.batch_size=2', '--config.sampling.ode_solver=forward_euler', '--config.sampling.N=2',
                    env=env)
    assert res.returncode == 2
    assert 'inception-2015-12-05.pt' in res.stderr and 'PFGM_INCEPTION' in res.stderr
    assert 'Traceback' not in res.stderr


def test_eval_without_checkpoints_names_what_is_there(tmp_path):
    res = pfgm_main('--config', 'poisson/digits', '--mode', 'eval', '--workdir', tmp_path, '--config.eval.enable_sampling')
    assert res.returncode == 2 and 'no checkpoints 1..26' in res.stderr
