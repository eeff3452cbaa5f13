"""sub-VP SDE, NCSN++, continuous time, Euler–Maruyama sampling."""
from pfgm_nb.configs import get_default_configs, ncsnpp, score_sde


def get_config():
    config = ncsnpp(get_default_configs('cifar10'))
    config.training.reduce_mean = True
    config.data.centered = True
    config.model.embedding_type = 'positional'
    return score_sde(config, 'subvpsde', method='pc', predictor='euler_maruyama')
