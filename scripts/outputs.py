"""Re-execute the chapters in place so the committed outputs are the current code's (`make outputs`).

    python scripts/outputs.py                 # every chapter (nbs/[0-9]*.ipynb, index, train_job)
    python scripts/outputs.py 00_field 04_sample_eval
    python scripts/outputs.py --check         # exit 1 if a chapter's outputs are stale or a plotting cell drew nothing

Each notebook runs headless through papermill with the kit's kernel (`pfgm`), in nbs/ as nbdev-test runs it, slow
cells included; then nbdev-clean strips what is not content. How outputs stay honest: `nbs/outputs.json` records, per
notebook, a hash of its code cells as they were when the outputs were made. `--check` (and tests/test_outputs.py in CI)
fails when a notebook's code no longer matches its hash — change a code cell, re-run `make outputs` for that chapter —
or when a cell that draws a figure holds none.
"""
import argparse, hashlib, json, pathlib, re, subprocess, sys, tempfile, time

ROOT = pathlib.Path(__file__).resolve().parents[1]
NBS = ROOT / 'nbs'
RECORD = NBS / 'outputs.json'
PLOTS = re.compile(r"plt\.subplots|plt\.figure|plot_field_lines\(|field_explorer\(|\.imshow\(")


def chapters():
    return sorted(NBS.glob('[0-9]*.ipynb')) + [NBS / 'index.ipynb', NBS / 'train_job.ipynb']


def code_hash(nb:dict)->str:
    "A hash of the notebook's code cells (sources only)."
    sources = [''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'code']
    return hashlib.sha256('\n\x00'.join(sources).encode()).hexdigest()[:16]


def draws(cell:dict)->bool:
    "Whether a code cell draws a figure it should show (lesson cells, not exported code or widgets)."
    src = ''.join(cell['source'])
    return (cell['cell_type'] == 'code' and bool(PLOTS.search(src)) and not src.startswith('#| export')
            and 'widgets.interactive' not in src and 'skip-execution' not in cell.get('metadata', {}).get('tags', []))


def has_image(cell:dict)->bool:
    return any('image/png' in o.get('data', {}) or 'image/svg+xml' in o.get('data', {}) for o in cell.get('outputs', []))


def problems(path:pathlib.Path, record:dict)->list:
    "What is wrong with a notebook's stored outputs: stale code, a figure missing."
    nb = json.loads(path.read_text())
    found = []
    if record.get(path.name) != code_hash(nb):
        found.append(f"{path.name}: outputs are stale (its code changed since they were made): run `make outputs` "
                     f"(python scripts/outputs.py {path.stem})")
    for i, cell in enumerate(nb['cells']):
        if draws(cell) and not has_image(cell):
            found.append(f"{path.name}: cell {i} draws a figure but holds no image: run `make outputs`")
    return found


def execute(path:pathlib.Path):
    "Run one notebook headless in nbs/ and write its outputs back in place."
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / path.name
        subprocess.run([str(pathlib.Path(sys.executable).parent / 'papermill'), str(path), str(out), '-k', 'pfgm',
                        '--cwd', str(NBS), '--no-progress-bar'], check=True)
        nb = json.loads(out.read_text())
        for cell in nb['cells']:            # papermill adds `tags: []` to every cell; nbdev-clean keeps it: drop it here
            if cell.get('metadata', {}).get('tags') == []: del cell['metadata']['tags']
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('names', nargs='*', help='chapters to run (default: all)')
    parser.add_argument('--check', action='store_true', help='only check the stored outputs')
    args = parser.parse_args()
    record = json.loads(RECORD.read_text()) if RECORD.exists() else {}
    if args.check:
        found = [p for path in chapters() for p in problems(path, record)]
        print('\n'.join(found) or 'outputs are current'); sys.exit(1 if found else 0)
    wanted = [p for p in chapters() if not args.names or p.stem in args.names]
    for path in wanted:
        start = time.time()
        execute(path)
        print(f"{path.name}: {time.time() - start:.0f} s, {path.stat().st_size // 1024} KB before cleaning", flush=True)
    subprocess.run([str(pathlib.Path(sys.executable).parent / 'nbdev-clean')], check=True, cwd=ROOT)
    for path in wanted: record[path.name] = code_hash(json.loads(path.read_text()))
    RECORD.write_text(json.dumps(dict(sorted(record.items())), indent=1) + '\n')
    for path in wanted: print(f"{path.name}: {path.stat().st_size // 1024} KB")


if __name__ == '__main__':
    main()
