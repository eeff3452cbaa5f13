"""VE SDE, NCSN++ on FFHQ 1024×1024: nf 16, eight levels, mean-reduced loss (the original's standalone file)."""
from pfgm_nb.configs import get_default_configs, high_resolution_ve


def get_config():
    config = high_resolution_ve(get_default_configs('lsun'), 1024, 'FFHQ', 1348.0)
    config.training.update(batch_size=8, small_batch_size=8, eval_freq=100, reduce_mean=True)
    config.model.update(nf=16, ch_mult=(1, 2, 4, 8, 16, 32, 32, 32), num_res_blocks=1, ema_rate=0.9999)
    config.sampling.snr = 0.15
    config.eval.update(begin_ckpt=1, end_ckpt=96, batch_size=1024, num_samples=50000)
    config.seed = 42
    return config
