"""VE SDE, deep NCSN++, continuous time, 950k steps."""
from pfgm_nb.configs import get_default_configs, ncsnpp, score_sde


def get_config():
    config = ncsnpp(get_default_configs('cifar10'), deep=True)
    config.training.n_iters = 950001
    config.model.update(scale_by_sigma=True, ema_rate=0.999)
    return score_sde(config, 'vesde')
