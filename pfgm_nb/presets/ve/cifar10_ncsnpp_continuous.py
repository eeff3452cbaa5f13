"""Score SDE baseline (Song et al. 2021): VE SDE, NCSN++ continuous on CIFAR-10.

The published model uses NCSN++'s output-skip/input-skip pyramids, which `pfgm_nb.models` does not implement yet;
creating its network raises NotImplementedError naming them.
"""
from pfgm_nb.configs import as_score_sde, pfgm_defaults


def get_config():
    config = as_score_sde(pfgm_defaults(), 'vesde')
    config.training.update(batch_size=128, small_batch_size=128, n_iters=1300001)
    config.model.update(sigma_min=0.01, sigma_max=50.0, embedding_type='fourier', fourier_scale=16, fir=True,
                        progressive='output_skip', progressive_input='input_skip', scale_by_sigma=True,
                        ema_rate=0.999, dropout=0.1)
    return config
