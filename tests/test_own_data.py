"""Your own images and vectors, as the README says: the commands it prints, on generated data."""
import json, subprocess, sys

import numpy as np
import pytest

from conftest import BIN, ROOT, pfgm_main
from pfgm_nb.workdir import Workdir


def hparams(*args):
    res = subprocess.run([str(BIN / 'pfgm-hparams'), *map(str, args), '--json'], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def own_images(folder, *extra):
    "The README's own-images command, shortened."
    return ['--mode', 'train', '--config.data.dataset=folder', f'--config.data.data_dir={folder}',
            '--config.data.image_size=16', '--config.data.num_channels=3', '--config.training.n_iters=30',
            '--config.training.snapshot_freq=30', '--config.training.batch_size=128', '--config.training.eval_freq=10', *extra]


def test_pfgm_on_a_folder_derives_appendix_b_from_that_folder_and_evaluates_from_its_own_folder(images, tmp_path):
    res = pfgm_main('--config', 'poisson/digits_mlp', '--workdir', tmp_path, *own_images(images))
    assert res.returncode == 0, res.stderr
    assert 'derived from the training data: training.M=' in res.stderr
    saved = json.loads(Workdir(tmp_path).config_file.read_text())
    expected = hparams('--data_dir', images, '--image_size', 16, '--num_channels', 3)
    assert expected['data_dim'] == 768 and saved['training']['M'] == expected['M'] != 261
    assert saved['sampling']['z_max'] == pytest.approx(expected['z_max']) and saved['sampling']['upper_norm'] == pytest.approx(expected['upper_norm'])
    res = pfgm_main('--mode', 'eval', '--workdir', tmp_path, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_sampling', '--config.eval.num_samples=20', '--config.eval.batch_size=20',
                    '--config.sampling.ode_solver=forward_euler', '--config.sampling.N=10')
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout.strip().splitlines()[-1])
    assert report['num_samples'] == 20 and 'kid_pixels' in report and 'fid_skipped' in report


def test_pfgmpp_on_a_folder_takes_sigma_data_from_that_folder(images, tmp_path):
    from PIL import Image
    res = pfgm_main('--config', 'pfgmpp/digits_d128_mlp', '--workdir', tmp_path, *own_images(images))
    assert res.returncode == 0, res.stderr
    files = sorted(images.glob('*.png'))
    training = np.stack([np.asarray(Image.open(f), dtype=np.float64) for i, f in enumerate(files) if i % 50 != 49]) / 255 * 2 - 1
    saved = json.loads(Workdir(tmp_path).config_file.read_text())
    assert saved['training']['sigma_data'] == pytest.approx(training.std(ddof=1), rel=1e-5)
    assert saved['training']['sigma_data'] != pytest.approx(0.75, abs=0.05)


def test_vectors_train_with_the_mlp_field(tmp_path):
    vectors = np.random.default_rng(0).normal(0, 0.6, (600, 256)).astype(np.float32)
    np.save(tmp_path / 'features.npy', vectors)
    res = pfgm_main('--config', 'poisson/toy2d', '--mode', 'train', '--workdir', tmp_path / 'run',
                    '--config.data.dataset=vectors', f'--config.data.data_dir={tmp_path / "features.npy"}',
                    '--config.data.dim=256', '--config.training.n_iters=20', '--config.training.batch_size=256')
    assert res.returncode == 0, res.stderr
    saved = json.loads(Workdir(tmp_path / 'run').config_file.read_text())
    assert saved['training']['M'] == hparams('--data_dir', tmp_path / 'features.npy')['M']


def test_corrupt_files_are_all_named_before_training_and_can_be_skipped(images, tmp_path):
    import shutil
    folder = tmp_path / 'with_bad'; shutil.copytree(images, folder)
    for name in ('bad_a.png', 'bad_b.jpg', 'bad_c.png'): (folder / name).write_bytes(b'not an image at all')
    res = pfgm_main('--config', 'poisson/digits_mlp', '--workdir', tmp_path / 'run', *own_images(folder))
    assert res.returncode == 2
    assert all(name in res.stderr for name in ('bad_a.png', 'bad_b.jpg', 'bad_c.png')) and '3 unreadable' in res.stderr
    assert not Workdir(tmp_path / 'run').checkpoint_dir.exists()
    res = pfgm_main('--config', 'poisson/digits_mlp', '--workdir', tmp_path / 'run', *own_images(folder),
                    '--config.data.skip_bad_files=True')
    assert res.returncode == 0, res.stderr
    skipped = [l for l in res.stderr.splitlines() if 'leaving out 3 unreadable image(s)' in l]
    assert skipped and all(name in skipped[0] for name in ('bad_a.png', 'bad_b.jpg', 'bad_c.png'))


def test_help_and_a_papermill_typo(tmp_path):
    assert pfgm_main('--help').returncode == 0 and 'usage' in pfgm_main('--help').stdout
    res = subprocess.run([str(BIN / 'papermill'), 'nbs/train_job.ipynb', str(tmp_path / 'out.ipynb'), '-k', 'pfgm',
                          '--cwd', 'nbs', '-y', 'overrides: {data.image_sze: 16}'], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode != 0
    assert "unknown config field 'data.image_sze': did you mean data.image_size" in res.stderr + res.stdout


def test_a_fixed_field_changed_is_refused_in_one_line(tmp_path):
    res = pfgm_main('--config', 'poisson/digits', '--mode', 'train', '--workdir', tmp_path, '--config.model.nonlinearity=relu')
    assert res.returncode == 2
    lines = [l for l in res.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "model.nonlinearity='relu' is not supported" in lines[0]
