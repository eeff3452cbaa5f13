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
