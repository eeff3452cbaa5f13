"""PFGM++ on CIFAR-10 with NCSN++, D = 128 (published FID 1.92 at 35 NFE): EDM's training and sampler."""
from pfgm_nb.configs import as_pfgmpp, get_config as preset


def get_config():
    config = as_pfgmpp(preset('poisson/cifar10_ncsnpp'), D=128, sigma_data=0.5)
    config.training.batch_size = config.training.small_batch_size = 512
    config.training.n_iters = 400001
    config.optim.update(lr=1e-3, warmup=10000)
    config.model.update(dropout=0.13, ema_rate=0.9999)
    return config
