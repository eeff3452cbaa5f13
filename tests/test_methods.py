"""Every method trains and samples through `pfgm-main`: 2-D quality per method, digits runs, class-conditional PFGM++, VE NCSN++."""
import json, math

import numpy as np
import pytest
import torch

from conftest import last_report, pfgm_main
from pfgm_nb.workdir import Workdir


def train_and_eval(preset, workdir, n_iters, *extra, num_samples=1000):
    res = pfgm_main('--config', preset, '--mode', 'train', '--workdir', workdir, f'--config.training.n_iters={n_iters}',
                    f'--config.training.snapshot_freq={n_iters}', *extra)
    assert res.returncode == 0, res.stderr[-2000:]
    res = pfgm_main('--config', preset, '--mode', 'eval', '--workdir', workdir, '--config.eval.begin_ckpt=1',
                    '--config.eval.end_ckpt=1', '--config.eval.enable_sampling', f'--config.eval.num_samples={num_samples}',
                    f'--config.eval.batch_size={num_samples}', '--config.eval.save_images', *extra)
    assert res.returncode == 0, res.stderr[-2000:]
    return last_report(res)


# W2 to 1000 held-out moons: 0.064 for another draw of the moons, 0.59 for a Gaussian with their mean and covariance.
# PFGM learns the moons more slowly than the others (0.55 at 2000 steps, 0.39 at 6000; VP 0.35 at 2000).
TOY_RUNS = {  # preset: (steps, extra flags)
    'poisson/toy2d': (6000, []),
    'pfgmpp/toy2d_d128': (2000, []),
    'vp/toy2d': (2000, []),
    'subvp/toy2d': (2000, []),
    've/toy2d': (2000, []),
}


@pytest.mark.parametrize('preset', list(TOY_RUNS))
def test_each_method_learns_the_2d_moons(preset, tmp_path):
    steps, extra = TOY_RUNS[preset]
    report = train_and_eval(preset, tmp_path, steps, *extra)
    if preset.startswith('poisson'):   # PFGM's heavy-tailed prior leaves a few samples far out: judged on the inliers
        assert report['outside_radius_3_5'] < 0.02 and report['w2_inliers'] < 0.5, report
    else:
        assert report['w2'] < 0.5, report


@pytest.mark.parametrize('preset', ['poisson/digits', 'pfgmpp/digits_d128', 'vp/digits'])
def test_digits_train_and_sample_for_each_method(preset, tmp_path):
    report = train_and_eval(preset, tmp_path, 10, '--config.training.batch_size=256', '--config.training.small_batch_size=64',
                            '--config.sampling.ode_solver=forward_euler', '--config.sampling.N=8', num_samples=16)
    assert (tmp_path / 'eval' / 'ode_images_1.png').stat().st_size > 1000
    assert {'fd_digits', 'kid_pixels', 'classifier_confidence', 'copy_fraction', 'nfe'} <= report.keys()


def test_class_conditional_pfgmpp_on_digits(tmp_path):
    report = train_and_eval('pfgmpp/digits_d128_cond', tmp_path, 10, '--config.training.batch_size=64',
                            '--config.training.small_batch_size=64', '--config.sampling.num_steps=4', num_samples=20)
    assert report['nfe'] == 7
    ckpt = torch.load(Workdir(tmp_path).checkpoint(10), weights_only=True)
    assert any('label_proj' in k for k in ckpt['model'])


def test_pfgm_refuses_class_conditional_training(tmp_path):
    res = pfgm_main('--config', 'poisson/digits', '--mode', 'train', '--workdir', tmp_path,
                    '--config.training.class_conditional=True')
    assert res.returncode == 2 and "set training.sde='pfgmpp'" in res.stderr


def test_score_sde_ve_ncsnpp_trains_and_samples_on_cifar_shaped_files(tmp_path):
    """score_sde's VE NCSN++ (output-skip and input-skip pyramids, data in [0, 1]) through the same commands, shrunk."""
    from pfgm_nb.data import write_fake_cifar10
    write_fake_cifar10(tmp_path / 'cifar', n_per_batch=8)
    small = ['--config.data.data_dir', tmp_path / 'cifar', '--config.model.nf=16', '--config.model.num_res_blocks=1',
             '--config.training.batch_size=8', '--config.training.small_batch_size=8',
             '--config.sampling.ode_solver=forward_euler', '--config.model.num_scales=4']
    # the preset sets sampling.N = 1000 as score_sde's files do; score_sde counts model.num_scales, and so does the kit
    res = pfgm_main('--config', 've/cifar10_ncsnpp_continuous', '--mode', 'train', '--workdir', tmp_path / 'run',
                    '--config.training.n_iters=2', '--config.training.snapshot_freq=2', *small)
    assert res.returncode == 0, res.stderr[-2000:]
    assert Workdir(tmp_path / 'run').preview_image(2).exists()
    keys = torch.load(Workdir(tmp_path / 'run').checkpoint(2), weights_only=True)['model'].keys()
    assert any(k.endswith('Conv_0.weight') for k in keys)          # the input-skip projections, in the original layout
    res = pfgm_main('--config', 've/cifar10_ncsnpp_continuous', '--mode', 'eval', '--workdir', tmp_path / 'run',
                    '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1', '--config.eval.enable_sampling',
                    '--config.eval.enable_fid=False', '--config.eval.num_samples=6', '--config.eval.batch_size=6', *small)
    assert res.returncode == 0, res.stderr[-2000:]
    report = last_report(res)
    assert report['nfe'] == 4 and report['method'] == 'vesde'


def test_discrete_smld_training_and_pc_sampling_on_cifar_shaped_files(tmp_path):
    "score_sde's ve/cifar10_ncsnpp: discrete-time SMLD training, then predictor–corrector sampling (shrunk)."
    from pfgm_nb.data import write_fake_cifar10
    write_fake_cifar10(tmp_path / 'cifar', n_per_batch=8)
    small = ['--config.data.data_dir', tmp_path / 'cifar', '--config.model.nf=16', '--config.model.num_res_blocks=1',
             '--config.training.batch_size=8', '--config.training.small_batch_size=8', '--config.model.num_scales=5']
    res = pfgm_main('--config', 'configs/ve/cifar10_ncsnpp.py', '--mode', 'train', '--workdir', tmp_path / 'run',
                    '--config.training.n_iters=2', '--config.training.snapshot_freq=2', *small)
    assert res.returncode == 0, res.stderr[-2000:]
    res = pfgm_main('--mode', 'eval', '--workdir', tmp_path / 'run', '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_sampling', '--config.eval.enable_fid=False', '--config.eval.num_samples=4',
                    '--config.eval.batch_size=4')
    assert res.returncode == 0, res.stderr[-2000:]
    report = last_report(res)
    assert report['nfe'] == 10 and report['method'] == 'vesde'          # 5 corrector + 5 predictor evaluations


def test_pc_sampling_and_dpm_solver_from_the_command_line(tmp_path):
    res = pfgm_main('--config', 'vp/digits', '--mode', 'train', '--workdir', tmp_path, '--config.training.n_iters=10',
                    '--config.training.snapshot_freq=10')
    assert res.returncode == 0, res.stderr[-2000:]
    common = ['--mode', 'eval', '--workdir', tmp_path, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
              '--config.eval.enable_sampling', '--config.eval.num_samples=16', '--config.eval.batch_size=16']
    pc = pfgm_main(*common, '--config.sampling.method=pc', '--config.sampling.predictor=euler_maruyama',
                   '--config.sampling.corrector=langevin', '--config.model.num_scales=6', '--eval_folder', 'pc')
    assert pc.returncode == 0, pc.stderr[-2000:]
    assert last_report(pc)['nfe'] == 12
    dpm = pfgm_main(*common, '--config.sampling.ode_solver=dpmpp_2m', '--config.sampling.num_steps=12', '--eval_folder', 'dpm')
    assert dpm.returncode == 0, dpm.stderr[-2000:]
    assert last_report(dpm)['nfe'] == 12 and last_report(dpm)['solver'] == 'dpmpp_2m'
    bad = pfgm_main(*common, '--config.sampling.ode_solver=nonsense')
    assert bad.returncode == 2 and "choose one of" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize('preset', ['poisson/digits_mlp', 'pfgmpp/digits_d128_mlp', 'vp/digits_mlp'])
def test_bits_per_dim_from_the_command_line_for_each_method(preset, tmp_path):
    res = pfgm_main('--config', preset, '--mode', 'train', '--workdir', tmp_path, '--config.training.n_iters=200',
                    '--config.training.snapshot_freq=200')
    assert res.returncode == 0, res.stderr[-2000:]
    res = pfgm_main('--mode', 'eval', '--workdir', tmp_path, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_bpd', '--config.eval.bpd_num_samples=8', '--config.eval.bpd_rtol=1e-2',
                    '--config.eval.bpd_atol=1e-2')   # the plumbing; the lessons check the values
    assert res.returncode == 0, res.stderr[-2000:]
    report = last_report(res)
    assert report['bpd_samples'] == 8 and math.isfinite(report['bpd']) and report['bpd_std_error'] > 0, report   # eight dequantised digits never agree exactly
