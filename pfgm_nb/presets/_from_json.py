"""Load a run's saved config.json as a config file: `--config path/to/_from_json.py:/path/to/config.json` (what
`pfgm-main --config run/config.json` turns into, so that --config.a.b overrides still apply)."""
from pfgm_nb.configs import config_from_json


def get_config(path):
    return config_from_json(path)
