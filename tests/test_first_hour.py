"""What a researcher trips over in the first hour (issue 24): each trap as the user meets it, and the fixed behaviour."""
import json, re

import numpy as np
import pytest
import torch

from conftest import ROOT, labelled_network, last_report, pfgm_main
from pfgm_nb.workdir import Workdir

MLP_PRESETS = ['poisson/digits_mlp', 'pfgmpp/digits_d128_mlp', 'vp/digits_mlp', 'subvp/digits_mlp', 've/digits_mlp']
QUICK = ['--config.training.snapshot_sampling=False', '--config.training.eval_freq=0', '--config.training.log_freq=5']


def one_line(stderr):
    "pfgm-main's error: one line, and no traceback (progress bars, which tqdm redraws with \\r, may precede it)."
    errors = [line for line in re.split(r'[\r\n]', stderr) if line.startswith('pfgm-main:')]
    assert len(errors) == 1 and 'Traceback' not in stderr, stderr[-3000:]
    assert stderr.rstrip().endswith(errors[0]), stderr[-3000:]
    return errors[0]


def train_run(workdir, preset, *extra, steps=10, snapshot=10, timeout=300):
    res = pfgm_main('--config', preset, '--mode', 'train', '--workdir', workdir, f'--config.training.n_iters={steps}',
                    f'--config.training.snapshot_freq={snapshot}', *QUICK, *extra, timeout=timeout)
    assert res.returncode == 0, res.stderr
    return workdir


# 1. A config is ready or refused: a preset straight from get_config samples, trains one step, has a finite loss.
@pytest.mark.parametrize('preset', MLP_PRESETS)
def test_a_preset_straight_from_get_config_samples_trains_one_step_with_a_finite_loss(preset, capfd):
    from pfgm_nb.configs import get_config
    from pfgm_nb.data import digits_split
    from pfgm_nb.methods import get_method
    config = get_config(preset)                                       # holds 0s for the data-dependent fields
    method = get_method(config)                                       # derived on first use, said in one line
    said = capfd.readouterr().err
    derives = preset.split('/')[0] in ('poisson', 'pfgmpp', 've')       # VP and sub-VP have no data-dependent field
    assert said.count('derived from the training data: ') == derives and ('derive_data_fields' in said) == derives, said
    torch.manual_seed(0)
    model = method.network(config)
    batch = digits_split('train', centered=True)[:256]
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss = method.loss(model, batch, generator=torch.Generator().manual_seed(0))
    loss.backward(); optimizer.step()
    after = method.loss(model, batch, generator=torch.Generator().manual_seed(1))
    assert torch.isfinite(loss) and torch.isfinite(after)
    assert loss.item() < 1e4, f"{preset}: loss {loss.item()} (an underived PFGM preset gives ~8e5)"
    samples, nfe = method.quick().sample(model, 8, (1, 8, 8), generator=torch.Generator().manual_seed(0))
    assert torch.isfinite(samples).all() and samples.abs().amax() > 0 and nfe > 0     # underived PFGM++: all zeros


# 2. Multi-checkpoint evaluation keeps one folder of samples per checkpoint.
def test_evaluating_two_checkpoints_keeps_each_checkpoints_samples(tmp_path):
    run = train_run(tmp_path, 'poisson/digits_mlp', steps=20, snapshot=10)
    res = pfgm_main('--mode', 'eval', '--workdir', run, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=2',
                    '--config.eval.enable_sampling', '--config.eval.num_samples=8', '--config.eval.batch_size=4',
                    '--config.sampling.ode_solver=forward_euler', '--config.sampling.N=5', timeout=300)
    assert res.returncode == 0, res.stderr
    files = {k: sorted(p.name for p in (run / 'eval' / f'ckpt_{k}').iterdir()) for k in (1, 2)}
    assert files == {1: ['samples_0.npz', 'samples_1.npz'], 2: ['samples_0.npz', 'samples_1.npz']}
    assert not list((run / 'eval').glob('samples_*.npz'))
    drawn = {k: np.load(run / 'eval' / f'ckpt_{k}' / 'samples_0.npz')['samples'] for k in (1, 2)}
    assert drawn[1].shape == drawn[2].shape == (4, 8, 8, 1) and not np.array_equal(drawn[1], drawn[2])
    assert json.loads(Workdir(run).eval_files().report(2).read_text())['samples_dir'] == 'eval/ckpt_2'


# 3. Bounded defaults: an evaluation of an undertrained run finishes or gives up with one line naming the fixes
# (on the `images` folder of conftest.py).
@pytest.fixture(scope='module')
def short_image_run(images, tmp_path_factory):
    "An undertrained PFGM run (the MLP field, 30 steps) on the 300 images: the README's own-images command, shortened."
    run = tmp_path_factory.mktemp('short')
    return train_run(run, 'poisson/digits_mlp', '--config.data.dataset=folder', f'--config.data.data_dir={images}',
                     '--config.data.image_size=16', '--config.data.num_channels=3', '--config.training.batch_size=128',
                     steps=30, snapshot=30)


def test_the_default_eval_of_an_undertrained_run_finishes_or_gives_up_in_one_line(short_image_run):
    res = pfgm_main('--mode', 'eval', '--workdir', short_image_run, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_sampling', timeout=600)        # the defaults: RK45, 1000 samples in batches of 500
    assert res.returncode in (0, 2), res.stderr
    if res.returncode == 2:
        line = one_line(res.stderr)
        assert 'gave up' in line and 'train longer' in line and 'fixed-step solver' in line and 'rtol' in line, line
    else:
        assert last_report(res)['nfe'] <= 3000


def test_a_solve_over_its_budget_gives_up_with_the_fixes(short_image_run):
    res = pfgm_main('--mode', 'eval', '--workdir', short_image_run, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_sampling', '--config.eval.num_samples=20', '--config.eval.batch_size=20',
                    '--config.sampling.max_nfe=30', timeout=300)
    assert res.returncode == 2
    line = one_line(res.stderr)
    assert 'RK45 at rtol 0.0001, atol 0.0001 gave up after 30 evaluations' in line and 'train longer' in line, line


def test_bits_per_dim_is_a_number_only_when_its_error_bar_allows(tmp_path):
    run = train_run(tmp_path, 'poisson/digits_mlp', steps=20, snapshot=20)
    res = pfgm_main('--mode', 'eval', '--workdir', run, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_bpd', '--config.eval.bpd_num_samples=8', '--config.eval.batch_size=8',
                    '--config.eval.bpd_rtol=1e-2', '--config.eval.bpd_atol=1e-2', timeout=300)
    assert res.returncode in (0, 2), res.stderr
    if res.returncode == 2: assert 'the likelihood ODE' in one_line(res.stderr)
    else:
        report = last_report(res)
        unreliable = not report['bpd_std_error'] <= abs(report.get('bpd_estimate', report['bpd']) or 0)
        assert (report['bpd'] is None) == unreliable == ('bpd_unreliable' in report), report


# 4. Step counts: sampling.N counts the fixed-step solvers of every method.
@pytest.fixture(scope='module')
def pfgmpp_run(tmp_path_factory):
    return train_run(tmp_path_factory.mktemp('pfgmpp'), 'pfgmpp/digits_d128_mlp', steps=10, snapshot=10)


def test_sampling_N_counts_pfgmpp_heun_steps(pfgmpp_run):
    res = pfgm_main('--mode', 'eval', '--workdir', pfgmpp_run, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_sampling', '--config.eval.num_samples=8', '--config.eval.batch_size=8',
                    '--config.sampling.N=3', timeout=300)
    assert res.returncode == 0, res.stderr
    assert last_report(res)['nfe'] == 5                                # Heun: 2·3 − 1 (it was 35, N ignored)
    res = pfgm_main('--mode', 'eval', '--workdir', pfgmpp_run, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_sampling', '--config.sampling.N=3', '--config.sampling.num_steps=4', timeout=300)
    assert res.returncode == 2 and 'both count PFGM++' in one_line(res.stderr)


@pytest.mark.parametrize('preset, default, solver', [('poisson/digits_mlp', 100, 'forward_euler'),
                                                     ('pfgmpp/digits_d128_mlp', 18, 'heun'),
                                                     ('vp/digits_mlp', 1000, 'forward_euler'),
                                                     ('subvp/digits_mlp', 1000, 'improved_euler'),
                                                     ('ve/digits_mlp', 1000, 'forward_euler')])
def test_sampling_N_works_for_every_method_and_leaves_the_defaults(preset, default, solver):
    from pfgm_nb.configs import get_config
    from pfgm_nb.methods import get_method
    config = get_config(preset)
    config.sampling.ode_solver = solver
    assert get_method(config, report=lambda line: None).steps == default
    config.sampling.N = 7
    assert get_method(config, report=lambda line: None).steps == 7


# 5. pfgm-main resolves --config as get_config does: every spelling the README names.
@pytest.mark.parametrize('spelling, sde', [('poisson/digits', 'poisson'), ('configs/poisson/digits.py', 'poisson'),
                                           ('poisson/cifar10_ddpmpp', 'poisson'), ('configs/poisson/cifar10_ddpmpp.py', 'poisson'),
                                           ('sub_vp/digits', 'subvpsde'), ('subvp/digits', 'subvpsde'),
                                           ('configs/sub_vp/cifar10_ddpmpp_continuous.py', 'subvpsde'),
                                           ('configs/subvp/cifar10_ddpmpp_continuous.py', 'subvpsde'),
                                           ('./configs/sub_vp/digits.py', 'subvpsde'), ('vp/cifar10_ddpmpp_continuous', 'vpsde'),
                                           ('ve/digits', 'vesde'), ('pfgmpp/digits_d128', 'pfgmpp'), ('poisson/toy2d', 'poisson')])
def test_every_config_spelling_of_the_readme_resolves_as_get_config_does(spelling, sde, tmp_path, monkeypatch):
    from pfgm_nb.configs import get_config
    from pfgm_nb.main import parse_args
    monkeypatch.chdir(tmp_path if not spelling.startswith(('configs/', './configs/')) else ROOT)
    config = parse_args(['--config', spelling, '--mode', 'train', '--workdir', str(tmp_path)])[0]
    assert config.training.sde == sde and config.to_dict() == get_config(spelling).to_dict()


def test_pfgm_main_trains_with_the_seed_readme_spelling_sub_vp(tmp_path):
    res = pfgm_main('--config', 'sub_vp/digits_mlp', '--mode', 'train', '--workdir', tmp_path, '--config.training.n_iters=2',
                    '--config.training.snapshot_freq=2', *QUICK, timeout=300)
    assert res.returncode == 0, res.stderr
    assert json.loads(Workdir(tmp_path).config_file.read_text())['training']['sde'] == 'subvpsde'
    res = pfgm_main('--config', 'configs/sub_vp/digit.py', '--mode', 'train', '--workdir', tmp_path / 'x', timeout=120)
    line = one_line(res.stderr)
    assert res.returncode == 2 and 'did you mean subvp/digits' in line and 'The subvp/ presets:' in line and 'poisson/' not in line


# 6. Class-conditional runs: pick the class on the command line; labels checked against the network.
@pytest.fixture(scope='module')
def conditional_run(tmp_path_factory):
    return train_run(tmp_path_factory.mktemp('cond'), 'pfgmpp/digits_d128_mlp', '--config.training.class_conditional=True',
                     steps=10, snapshot=10)


def test_class_label_picks_the_class_of_a_conditional_run(conditional_run):
    common = ['--mode', 'eval', '--workdir', conditional_run, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
              '--config.eval.enable_sampling', '--config.eval.num_samples=6', '--config.eval.batch_size=6']
    res = pfgm_main(*common, '--config.eval.class_label=3', timeout=300)
    assert res.returncode == 0, res.stderr
    assert last_report(res)['classes'] == [3]
    res = pfgm_main(*common, '--config.eval.class_label=1,5', timeout=300)
    assert res.returncode == 0, res.stderr
    assert last_report(res)['classes'] == [1, 5]
    res = pfgm_main(*common, '--config.eval.class_label=12', timeout=300)
    assert res.returncode == 2 and 'classes 0..9' in one_line(res.stderr)


def test_the_chosen_class_reaches_the_network():
    from pfgm_nb.evaluate import LabelMap
    method, model = labelled_network()
    draw = lambda net, labels: method.sample(net, 4, (1, 8, 8), generator=torch.Generator().manual_seed(0), labels=labels)[0]
    threes = draw(model, torch.full((4,), 3))
    assert torch.equal(draw(LabelMap(model, [3]), torch.zeros(4, dtype=torch.long)), threes)
    assert not torch.allclose(draw(model, torch.full((4,), 5)), threes)
    with pytest.raises(ValueError, match='class-conditional .10 classes. and no labels'): draw(model, None)


def test_labels_on_an_unconditional_run_are_refused_in_one_line(pfgmpp_run):
    res = pfgm_main('--mode', 'eval', '--workdir', pfgmpp_run, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_sampling', '--config.eval.class_label=3', timeout=300)
    assert res.returncode == 2 and 'not class-conditional' in one_line(res.stderr)


def test_bits_per_dim_of_a_conditional_run_uses_the_labels_of_its_data(conditional_run):
    res = pfgm_main('--mode', 'eval', '--workdir', conditional_run, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_bpd', '--config.eval.bpd_num_samples=4', '--config.eval.batch_size=4',
                    '--config.eval.bpd_rtol=1e-3', '--config.eval.bpd_atol=1e-3', timeout=300)
    assert res.returncode == 0, res.stderr
    assert last_report(res)['bpd_labels'] == "the evaluated points' own"


# 7. Smaller traps.
def test_a_wrong_workdir_with_eval_flags_says_there_is_no_run(tmp_path):
    res = pfgm_main('--mode', 'eval', '--workdir', tmp_path / 'typo', '--config.eval.enable_sampling', timeout=120)
    line = one_line(res.stderr)
    assert res.returncode == 2 and f'no training run in {tmp_path / "typo"}' in line and 'Unknown command line flag' not in line


def test_a_run_shorter_than_snapshot_freq_is_told_which_checkpoints_to_evaluate(tmp_path):
    run = train_run(tmp_path, 'poisson/digits_mlp', steps=30, snapshot=2000)     # only the final checkpoint_30.pth
    res = pfgm_main('--mode', 'eval', '--workdir', run, '--config.eval.enable_sampling', timeout=120)   # 1..26
    line = one_line(res.stderr)
    assert res.returncode == 2 and '--config.eval.begin_ckpt=30 --config.eval.end_ckpt=30' in line, line
    res = pfgm_main('--mode', 'eval', '--workdir', run, '--config.eval.begin_ckpt=30', '--config.eval.end_ckpt=30',
                    '--config.eval.enable_sampling', '--config.eval.num_samples=4', '--config.eval.batch_size=4',
                    '--config.sampling.ode_solver=forward_euler', '--config.sampling.N=3', timeout=300)
    assert res.returncode == 0, res.stderr


def test_a_negative_kid_carries_a_note():
    from pfgm_nb.evaluate import fid_kid
    reports = []
    for seed in range(6):                       # two draws of one distribution: KID, an unbiased estimate, falls below 0
        rng = np.random.default_rng(seed)
        reports.append(fid_kid(rng.normal(size=(300, 8)), rng.normal(size=(300, 8)), seed=seed))
    negative = [r for r in reports if r['kid'] < 0]
    assert negative and all('unbiased estimate' in r['kid_note'] for r in negative)
    assert not any('kid_note' in r for r in reports if r['kid'] >= 0)
