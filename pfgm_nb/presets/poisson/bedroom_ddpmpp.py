"""PFGM on LSUN bedroom 256×256 with DDPM++ (the paper's FID 13.66)."""
from pfgm_nb.configs import pfgm_defaults


def get_config():
    config = pfgm_defaults()
    config.data.dataset = 'LSUN'
    config.data.category = 'bedroom'
    config.data.image_size = 256
    config.training.batch_size = 32
    config.training.small_batch_size = 32
    config.training.M = 356
    config.training.reduce_mean = True
    config.training.snapshot_freq_for_preemption = 5000
    config.optim.lr = 2e-5
    config.sampling.z_max = 100.0
    config.sampling.upper_norm = 30000.0
    config.sampling.z_exp = 0.1
    model = config.model
    model.ch_mult = (1, 1, 2, 2, 4, 4)
    model.num_res_blocks = 2
    model.attn_resolutions = (16,)
    model.dropout = 0.0
    model.num_scales = 2000
    return config
