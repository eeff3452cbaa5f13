"""PFGM on CIFAR-10 with NCSN++: Fourier features of log z, FIR resampling, a residual input pyramid."""
from pfgm_nb.configs import pfgm_defaults


def get_config():
    config = pfgm_defaults()
    model = config.model
    model.embedding_type = 'fourier'
    model.fourier_scale = 16
    model.fir = True
    model.fir_kernel = [1, 3, 3, 1]
    model.progressive = 'none'
    model.progressive_input = 'residual'
    model.progressive_combine = 'sum'
    model.ema_rate = 0.999
    return config
