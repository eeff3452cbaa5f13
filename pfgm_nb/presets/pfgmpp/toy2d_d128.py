"""PFGM++ (D = 128) on the 2-D moons with an MLP; σ_data derived from the data."""
from pfgm_nb.configs import as_pfgmpp, toy2d_config


def get_config():
    return as_pfgmpp(toy2d_config(), D=128)
