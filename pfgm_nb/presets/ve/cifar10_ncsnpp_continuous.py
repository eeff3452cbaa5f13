"""Score SDE baseline (Song et al. 2021): VE SDE, NCSN++ continuous on CIFAR-10.

NCSN++ with score_sde's output-skip and input-skip pyramids (summed), Fourier features of σ, FIR resampling; data in
[0, 1] (`centered=False`) as the VE models were trained, the network mapping it to [-1, 1].
"""
from pfgm_nb.configs import as_score_sde, pfgm_defaults


def get_config():
    config = as_score_sde(pfgm_defaults(), 'vesde')
    config.training.update(batch_size=128, small_batch_size=128, n_iters=1300001)
    config.data.centered = False
    config.model.update(sigma_min=0.01, sigma_max=50.0, embedding_type='fourier', fourier_scale=16, fir=True,
                        fir_kernel=[1, 3, 3, 1], progressive='output_skip', progressive_input='input_skip',
                        progressive_combine='sum', scale_by_sigma=True, ema_rate=0.999, dropout=0.1)
    return config
