"""PFGM on LSUN bedroom 256×256 with DDPM++ (the paper's FID 13.66): the original's poisson/bedroom_ddpmpp.py."""
from pfgm_nb.configs import get_default_configs, pfgm


def get_config():
    config = pfgm(get_default_configs('lsun'), batch_size=32, small_batch_size=32, z_max=100.0, upper_norm=30000.0)
    config.data.category = 'bedroom'
    config.training.reduce_mean = True
    config.optim.lr = 2e-5
    config.model.update(ch_mult=(1, 1, 2, 2, 4, 4), num_res_blocks=2, dropout=0.0)
    return config
