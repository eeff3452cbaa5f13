"""Every field of the seed-compatible config is read by some module: no knob silently ignored."""
import pytest

from pfgm_nb.configs import field_readers, pfgm_defaults


def test_every_field_of_the_defaults_is_read_somewhere():
    readers = field_readers(pfgm_defaults())
    unread = sorted(key for key, modules in readers.items() if not modules)
    assert not unread, f"fields read nowhere (honour them, or refuse other values): {unread}"


def test_the_check_finds_a_field_nobody_reads():
    config = pfgm_defaults()
    config.training.an_invented_knob = 3
    assert field_readers(config)['training.an_invented_knob'] == []


# Per method: which sampling knobs its `get_method` reads (a change moves the method's settings or is refused).
METHOD_PRESETS = {'PFGM': 'poisson/digits_mlp', 'PFGM++': 'pfgmpp/digits_d128_mlp', 'VP': 'vp/digits_mlp',
                  'sub-VP': 'subvp/digits_mlp', 'VE': 've/digits_mlp'}
CHOICES = {'sampling.method': 'pc', 'sampling.ode_solver': 'forward_euler', 'sampling.predictor': 'euler_maruyama',
           'sampling.corrector': 'ald'}
RESTART = {'sampling.restart_info', 'sampling.restart_gamma', 'sampling.S_noise', 'sampling.S_min', 'sampling.S_max'}  # PFGM++'s
SCORE_IGNORES = RESTART | {'sampling.z_max', 'sampling.z_min', 'sampling.upper_norm', 'sampling.z_exp', 'sampling.sigma_min',
                 'sampling.sigma_max', 'sampling.rho', 'sampling.num_steps'}
GUIDE = {'sampling.guide_ckpt'}   # evaluation loads the guide (PFGM refuses one)
IGNORED = {   # knobs a method does not read, each for a reason the methods chapter gives; `sampling.vs` is evaluation's
    'PFGM': {'sampling.sigma_min', 'sampling.sigma_max', 'sampling.rho', 'sampling.num_steps', 'sampling.eps',
             'sampling.noise_removal', 'sampling.predictor', 'sampling.corrector', 'sampling.snr', 'sampling.n_steps_each',
             'sampling.probability_flow', 'sampling.vs'} | RESTART,
    'PFGM++': {'sampling.z_max', 'sampling.z_min', 'sampling.upper_norm', 'sampling.z_exp', 'sampling.eps',
               'sampling.noise_removal', 'sampling.predictor', 'sampling.corrector', 'sampling.snr', 'sampling.n_steps_each',
               'sampling.probability_flow', 'sampling.vs'} | GUIDE,
    'VP': SCORE_IGNORES | GUIDE | {'sampling.vs'}, 'sub-VP': SCORE_IGNORES | GUIDE | {'sampling.vs'}, 'VE': SCORE_IGNORES | GUIDE | {'sampling.vs'},
}


def _moved(key, value):
    if key in CHOICES: return CHOICES[key] if value != CHOICES[key] else 'improved_euler'
    if isinstance(value, bool): return not value
    if isinstance(value, int): return value + 3
    if isinstance(value, float): return value * 1.5 + 0.1
    if key == 'sampling.restart_info': return '{"0": [4, 1, 0.1, 0.5]}'
    if key == 'sampling.guide_ckpt': return 'runs/weaker'
    raise TypeError(key)


def _reads(config, key):
    "Whether get_method(config) reads `key`: a changed value changes the method, or is refused."
    from pfgm_nb.methods import get_method
    quiet = lambda line: None
    changed = config.copy_and_resolve_references()
    changed.update_from_flattened_dict({key: _moved(key, config.sampling[key.split('.')[1]])})
    try: return get_method(changed, quiet) != get_method(config, quiet)
    except ValueError: return True


@pytest.mark.parametrize('method', list(METHOD_PRESETS))
def test_each_method_reads_exactly_its_sampling_knobs(method):
    from pfgm_nb.configs import get_config
    from pfgm_nb.methods import derive_data_fields
    config = derive_data_fields(get_config(METHOD_PRESETS[method]))[0]
    unread = {f'sampling.{k}' for k in config.sampling if not _reads(config, f'sampling.{k}')}
    assert unread == IGNORED[method], f"{method} ignores {sorted(unread - IGNORED[method])}; reads {sorted(IGNORED[method] - unread)}"
    for key in ('sampling.N', 'sampling.ode_solver', 'sampling.rtol', 'sampling.atol', 'sampling.max_nfe'):
        assert _reads(config, key), f"{method} ignores {key}"   # one meaning per knob, for every method
