"""Every config file of the original builds its network and takes one training step on a CPU, shrunk.

The full-size networks are counted against the original's parameter counts in the models chapter (02_models); here
each preset's method, loss (discrete SMLD/DDPM where the original trains in discrete time), network type and pyramids
run one optimiser step as `pfgm-main` would, at nf = 8, one block per resolution and the smallest image size its
resolutions allow.
"""
import math

import pytest
import torch

from pfgm_nb.configs import get_config, list_presets
from pfgm_nb.methods import get_method
from pfgm_nb.models import ChannelLinear, ConvResample, create_model
from pfgm_nb.train import start_run, train_step
from pfgm_nb.workdir import Workdir

OWN = ('digits', 'digits_mlp', 'toy2d', 'digits_d128', 'digits_d128_mlp', 'digits_d128_cond', 'toy2d_d128')
ORIGINALS = [n for n in list_presets() if not n.endswith(OWN) and not n.startswith('pfgmpp')]


def test_all_26_original_configs_are_presets_and_sub_vp_is_accepted():
    assert len(ORIGINALS) == 26
    assert get_config('configs/sub_vp/cifar10_ddpmpp_continuous.py').training.sde == 'subvpsde'
    with torch.device('meta'):                                   # score_sde's DDPM network: NIN shortcuts, conv resamplers
        ddpm = create_model(get_config('ve/cifar10_ddpm'), pfgm_head=False, device='meta')
    assert any(isinstance(m, ChannelLinear) for m in ddpm.modules()) and any(isinstance(m, ConvResample) for m in ddpm.modules())


def shrunk(name:str):
    config = get_config(name)
    size = 2 ** len(config.model.ch_mult)                      # 2 pixels at the lowest resolution
    config.data.image_size = size
    config.model.update(nf=8, num_res_blocks=1, attn_resolutions=(4,))       # attention at 4 pixels
    config.training.update(batch_size=4, small_batch_size=4)
    return config, size


@pytest.mark.parametrize('name', ORIGINALS)
def test_each_original_config_trains_a_step_shrunk(name, tmp_path):
    config, size = shrunk(name)
    method = get_method(config)
    state = start_run(config, Workdir(tmp_path), method, torch.device('cpu'), 0, 1)
    before = [p.detach().clone() for p in state.model.parameters()]
    batch = torch.rand(4, config.data.num_channels, size, size, generator=torch.Generator().manual_seed(0)) * 2 - 1
    train_step(state, batch)
    moved = sum(not torch.equal(a, b) for a, b in zip(before, state.model.parameters()))
    assert state.step == 1 and math.isfinite(state.loss) and math.isfinite(state.grad_norm) and state.skipped == 0
    assert moved > len(before) // 2, f"{moved} of {len(before)} parameter tensors changed"
