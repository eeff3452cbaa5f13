"""Score SDE baseline (Song et al. 2021): VP SDE, DDPM++ continuous on CIFAR-10."""
from pfgm_nb.configs import as_score_sde, pfgm_defaults


def get_config():
    config = as_score_sde(pfgm_defaults(), 'vpsde')
    config.training.update(batch_size=128, small_batch_size=128, n_iters=1300001, reduce_mean=True)
    config.model.update(embedding_type='positional', ema_rate=0.9999, dropout=0.1)
    return config
