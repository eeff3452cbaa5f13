"""sub-VP SDE, deep NCSN++, continuous time, 950k steps, Euler–Maruyama sampling."""
from pfgm_nb.configs import get_default_configs, ncsnpp, score_sde


def get_config():
    config = ncsnpp(get_default_configs('cifar10'), deep=True)
    config.training.update(reduce_mean=True, n_iters=950001)
    config.data.centered = True
    config.model.embedding_type = 'positional'
    return score_sde(config, 'subvpsde', method='pc', predictor='euler_maruyama')
