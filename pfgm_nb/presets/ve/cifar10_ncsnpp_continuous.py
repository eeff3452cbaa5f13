"""VE SDE, NCSN++ (FIR, residual input pyramid, Fourier features of σ), continuous time, on [0, 1] data."""
from pfgm_nb.configs import get_default_configs, ncsnpp, score_sde


def get_config():
    config = ncsnpp(get_default_configs('cifar10'))
    config.model.update(scale_by_sigma=True, ema_rate=0.999)
    return score_sde(config, 'vesde')
