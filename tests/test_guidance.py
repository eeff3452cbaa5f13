"""Guidance from the command line (issue 27). Classifier-free: a conditional run trained with labels dropped, sampled
with sampling.guidance; the weight reaches the sampler, w = 0 is the unconditional model, bad settings are refused.
Autoguidance: sampling.guide_ckpt names a weaker checkpoint of an unconditional run; w = 1 and a guide equal to the
network leave the samples bit for bit, a missing or unfitting guide is refused in one line."""
import numpy as np
import pytest
import torch

from conftest import labelled_network, last_report, pfgm_main
from test_first_hour import one_line, train_run
from pfgm_nb.workdir import Workdir


@pytest.fixture(scope='module')
def dropped_labels_run(tmp_path_factory):
    return train_run(tmp_path_factory.mktemp('cfg'), 'pfgmpp/digits_d128_mlp', '--config.training.class_conditional=True',
                     '--config.training.p_uncond=0.2', steps=10, snapshot=10)


def _samples(run, *flags):
    res = pfgm_main('--mode', 'eval', '--workdir', run, '--config.eval.begin_ckpt=1', '--config.eval.end_ckpt=1',
                    '--config.eval.enable_sampling', '--config.eval.num_samples=6', '--config.eval.batch_size=6',
                    '--config.eval.class_label=3', *flags, timeout=300)
    assert res.returncode == 0, res.stderr
    assert last_report(res)['classes'] == [3]
    with np.load(Workdir(run).eval_files().samples(1, 0)) as saved: return saved['samples']


def test_guidance_weight_reaches_the_sampler(dropped_labels_run):
    plain = _samples(dropped_labels_run)
    again = _samples(dropped_labels_run, '--config.sampling.guidance=1.0')
    guided = _samples(dropped_labels_run, '--config.sampling.guidance=3.0')
    assert np.array_equal(plain, again)                  # w = 1 is the conditional model, bit for bit
    assert not np.allclose(plain, guided)


def test_zero_guidance_is_the_network_without_its_label():
    method, model = labelled_network()

    class NoLabel(torch.nn.Module):                                       # the network told "no label" directly
        def __init__(self, net): super().__init__(); self.net, self.cond = net, net.cond
        def forward(self, x, cond, labels): return self.net(x, cond, torch.full_like(labels, -1))

    draw = lambda m, net, labels: m.sample(net, 4, (1, 8, 8), generator=torch.Generator().manual_seed(0), labels=labels)[0]
    threes = torch.full((4,), 3)
    unguided = draw(method.with_sampler(guidance=0.0), model, threes)
    torch.testing.assert_close(unguided, draw(method, NoLabel(model), threes), rtol=1e-5, atol=1e-5)
    assert not torch.allclose(unguided, draw(method, model, threes))


def test_guidance_without_labels_or_on_pfgm_is_refused_in_one_line(tmp_path):
    with pytest.raises(ValueError, match='give labels'):
        from pfgm_nb.methods import guided
        guided(torch.nn.Identity(), 2.0, None)
    res = pfgm_main('--config', 'poisson/digits_mlp', '--mode', 'train', '--workdir', tmp_path / 'pfgm',
                    '--config.training.n_iters=1', '--config.sampling.guidance=2', timeout=300)
    assert res.returncode == 2 and 'PFGM has no class labels' in one_line(res.stderr)
    res = pfgm_main('--config', 'pfgmpp/digits_d128_mlp', '--mode', 'train', '--workdir', tmp_path / 'pp',
                    '--config.training.n_iters=1', '--config.training.p_uncond=0.1', timeout=300)
    assert res.returncode == 2 and 'set training.class_conditional=True' in one_line(res.stderr)


@pytest.fixture(scope='module')
def two_checkpoint_run(tmp_path_factory):
    "An unconditional PFGM++ run on the moons with checkpoints at steps 6 (k = 1) and 12 (k = 2)."
    return train_run(tmp_path_factory.mktemp('auto'), 'pfgmpp/toy2d_d128', steps=12, snapshot=6)


def _auto_samples(run, *flags, k=2):
    res = pfgm_main('--mode', 'eval', '--workdir', run, f'--config.eval.begin_ckpt={k}', f'--config.eval.end_ckpt={k}',
                    '--config.eval.enable_sampling', '--config.eval.num_samples=50', '--config.eval.batch_size=50', *flags,
                    timeout=300)
    assert res.returncode == 0, res.stderr
    with np.load(Workdir(run).eval_files().samples(k, 0)) as saved: return saved['samples'], last_report(res)


def test_autoguidance_by_an_earlier_checkpoint(two_checkpoint_run):
    run = Workdir(two_checkpoint_run)
    (_, early), (_, late) = run.snapshots()
    plain, report = _auto_samples(run.root)
    assert 'guide_ckpt' not in report
    same, _ = _auto_samples(run.root, f'--config.sampling.guide_ckpt={early}', '--config.sampling.guidance=1.0')
    assert np.array_equal(plain, same)                                       # w = 1: the network itself, bit for bit
    itself, _ = _auto_samples(run.root, f'--config.sampling.guide_ckpt={late}', '--config.sampling.guidance=3.0')
    assert np.array_equal(plain, itself)                                     # guided by its own weights: D + 3·0
    guided, report = _auto_samples(run.root, f'--config.sampling.guide_ckpt={early}', '--config.sampling.guidance=2.0')
    assert not np.allclose(plain, guided) and report['guide_ckpt'] == str(early) and report['guidance'] == 2.0
    by_folder, _ = _auto_samples(run.root, f'--config.sampling.guide_ckpt={run.root}', '--config.sampling.guidance=3.0')
    assert np.array_equal(plain, by_folder)                                  # a run folder: its newest checkpoint


def test_a_missing_or_unfitting_guide_is_refused_in_one_line(two_checkpoint_run, tmp_path):
    base = ('--mode', 'eval', '--workdir', two_checkpoint_run, '--config.eval.begin_ckpt=2', '--config.eval.end_ckpt=2',
            '--config.eval.enable_sampling', '--config.eval.num_samples=10', '--config.eval.batch_size=10', '--config.sampling.guidance=2')
    res = pfgm_main(*base, f'--config.sampling.guide_ckpt={tmp_path / "nowhere.pth"}', timeout=300)
    assert res.returncode == 2 and 'no such file or folder: give a checkpoint file' in one_line(res.stderr)
    other = train_run(tmp_path / 'd4', 'pfgmpp/toy2d_d128', '--config.training.D=4', steps=2, snapshot=2)
    res = pfgm_main(*base, f'--config.sampling.guide_ckpt={other}', timeout=300)
    assert res.returncode == 2 and 'training.D: 4.0 (guide) vs 128.0' in one_line(res.stderr)
    res = pfgm_main('--config', 'poisson/toy2d', '--mode', 'train', '--workdir', tmp_path / 'pfgm', '--config.training.n_iters=1',
                    f'--config.sampling.guide_ckpt={other}', timeout=300)
    assert res.returncode == 2 and 'autoguidance is for PFGM++' in one_line(res.stderr)
