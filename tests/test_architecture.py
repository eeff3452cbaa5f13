"""The house: chapters import only from earlier chapters, no module outside the methods and configs knows a method's
name, and functions stay short."""
import ast, pathlib, re

from conftest import ROOT

PACKAGE = ROOT / 'pfgm_nb'
ORDER = ['field', 'data', 'prior', 'solvers', 'configs', 'models', 'methods', 'workdir', 'train', 'posthoc_ema', 'sample', 'evaluate', 'interop', 'main', 'replication']


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
