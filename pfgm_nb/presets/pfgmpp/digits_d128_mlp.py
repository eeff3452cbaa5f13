"""PFGM++ (D = 128) on the embedded digits with the weaker network (the MLP field)."""
from pfgm_nb.configs import as_pfgmpp, digits_config


def get_config():
    config = as_pfgmpp(digits_config('mlp'), D=128)
    config.training.update(n_iters=3000, snapshot_freq=1000, snapshot_freq_for_preemption=500)
    return config
