"""The house: chapters import only from earlier chapters, no module outside the methods and configs knows a method's
name, and functions stay short."""
import ast, pathlib, re

from conftest import ROOT

PACKAGE = ROOT / 'pfgm_nb'
ORDER = ['field', 'data', 'prior', 'solvers', 'configs', 'models', 'methods', 'workdir', 'conditioning', 'train', 'posthoc_ema', 'sample', 'evaluate', 'interop', 'main', 'replication']


def imports(path):
    "The package modules a module imports, at any level (function-level imports too)."
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith('pfgm_nb.'): found.add(node.module.split('.')[1])
            elif node.level: found.add(node.module)
        if isinstance(node, ast.Import):
            found |= {a.name.split('.')[1] for a in node.names if a.name.startswith('pfgm_nb.')}
    return found - {path.stem}


def test_every_module_imports_only_earlier_chapters():
    assert sorted(ORDER) == sorted(p.stem for p in PACKAGE.glob('*.py') if not p.stem.startswith('_'))
    for module in ORDER:
        later = [m for m in imports(PACKAGE / f'{module}.py') if ORDER.index(m) > ORDER.index(module)]
        assert not later, f"{module} imports later chapters {later}"


def test_no_module_but_the_methods_and_configs_branches_on_a_method():
    pattern = re.compile(r"sde\s*(==|!=|in\s*\()|isinstance\([^)]*(PFGM|ScoreSDE)")
    for path in PACKAGE.glob('*.py'):
        if path.stem in ('methods', 'configs', '_modidx'): continue
        hits = [line for line in path.read_text().splitlines() if pattern.search(line)]
        assert not hits, f"{path.name}: {hits}"


def test_functions_stay_short():
    long = [(p.stem, node.name, node.end_lineno - node.lineno + 1) for p in PACKAGE.glob('*.py') if not p.stem.startswith('_')
            for node in ast.walk(ast.parse(p.read_text())) if isinstance(node, ast.FunctionDef)
            and node.end_lineno - node.lineno + 1 > 50 and node.name != 'pfgm_defaults']      # a configuration table
    assert not long, long


def config_calls(preset:str, steps:int=2)->list:
    "Followed through the calls of a short `train()`: each (caller module, function, callee module, function) that hands on the config or a section of it."
    import sys, tempfile
    import ml_collections
    from pfgm_nb.configs import get_config
    from pfgm_nb.train import train
    def module_of(frame):
        path = pathlib.Path(frame.f_code.co_filename)
        return path.stem if path.parent == PACKAGE and not path.stem.startswith('_') else None
    calls = []
    def profile(frame, event, arg):
        callee = module_of(frame) if event == 'call' else None
        if callee is None: return
        code = frame.f_code
        args = [frame.f_locals.get(n) for n in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]]
        if not any(isinstance(a, ml_collections.ConfigDict) for a in args): return
        up = frame.f_back
        while up is not None and module_of(up) is None: up = up.f_back      # through fastcore's patch, functools, ...
        if up is None or module_of(up) == callee: return
        key = (module_of(up), up.f_code.co_name, callee, code.co_name)
        if key not in calls: calls.append(key)
    config = get_config(preset)
    config.update_from_flattened_dict({'training.n_iters': steps, 'training.snapshot_freq': steps, 'device': 'cpu',
                                       'training.snapshot_freq_for_preemption': steps, 'training.eval_freq': 10**9})
    with tempfile.TemporaryDirectory() as tmp:
        sys.setprofile(profile)
        try: train(config, tmp, progress=False)
        finally: sys.setprofile(None)
    return calls


def test_the_config_of_train_climbs_back_up_the_import_order_at_most_3_times():
    for preset in ('poisson/toy2d', 've/toy2d', 'pfgmpp/digits_d128_cond'):
        calls = config_calls(preset)
        climbs = [c for c in calls if ORDER.index(c[2]) > ORDER.index(c[0])]   # an earlier chapter calling a later one
        assert ('train', 'train', 'methods', 'derive_data_fields') in calls and len(calls) >= 8, calls   # the tracer sees the path
        assert len(climbs) <= 3, f"{preset}: {climbs}"
