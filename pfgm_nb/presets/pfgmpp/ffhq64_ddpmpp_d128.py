"""PFGM++ on FFHQ 64×64 with DDPM++, D = 128 (published FID 2.43): images from a local folder (data.data_dir)."""
from pfgm_nb.configs import as_pfgmpp, get_config as preset


def get_config():
    config = as_pfgmpp(preset('poisson/cifar10_ddpmpp'), D=128, sigma_data=0.5)
    config.data.update(dataset='FFHQ', image_size=64)
    config.training.batch_size = config.training.small_batch_size = 256
    config.optim.update(lr=2e-4, warmup=10000)
    config.model.update(dropout=0.05, ch_mult=(1, 2, 2, 2))
    return config
