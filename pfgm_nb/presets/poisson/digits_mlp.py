"""PFGM on the embedded digits with the weaker network: a 3-layer MLP field on the 64 pixels (c_in input scaling)."""
from pfgm_nb.configs import digits_config


def get_config():
    return digits_config('mlp')
