"""Re-execute the chapters in place so the committed outputs are the current code's (`make outputs`).

    python scripts/outputs.py                 # every chapter (nbs/[0-9]*.ipynb, index, train_job)
    python scripts/outputs.py 00_field 04_sample_eval
    python scripts/outputs.py --check         # exit 1 if a chapter's outputs are stale or a plotting cell drew nothing

Each notebook runs headless through papermill with the kit's kernel (`pfgm`), in nbs/ as nbdev-test runs it, slow
cells included; then nbdev-clean strips what is not content. How outputs stay honest: `nbs/outputs.json` records, per
notebook, a hash of its code cells as they were when the outputs were made. `--check` (and tests/test_outputs.py in CI)
fails when a notebook's code no longer matches its hash — change a code cell, re-run `make outputs` for that chapter —
or when a cell that draws a figure holds none. Finished tqdm progress bars are stored as their one line of text, not
as widget state (about 9 KB a bar); other widgets keep theirs.

    python scripts/outputs.py --flatten-bars 06_replication   # only turn a chapter's stored bars into text lines
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


WIDGET_VIEW, WIDGET_STATE = 'application/vnd.jupyter.widget-view+json', 'application/vnd.jupyter.widget-state+json'
STRIP_TAGS = re.compile(r'<[^>]+>')


def bar_line(state:dict, model_id:str):
    "A finished tqdm bar's text ('label: 100% 6/6 [00:12<00:00]') and the ids of its models; None if not a tqdm bar."
    box = state.get(model_id, {})
    kids = [c.removeprefix('IPY_MODEL_') for c in box.get('state', {}).get('children', [])]
    if box.get('model_name') != 'HBoxModel' or [state.get(k, {}).get('model_name') for k in kids] != ['HTMLModel', 'FloatProgressModel', 'HTMLModel']:
        return None
    left, bar, right = (state[k]['state'] for k in kids)
    plain = lambda html: ' '.join(STRIP_TAGS.sub('', html).replace('&lt;', '<').replace('&gt;', '>').replace('\u2007', ' ').split())
    label, rest = plain(left.get('value', '')), plain(right.get('value', ''))
    if not label.endswith('%'):                     # tqdm puts the percentage on the left; a bar without one gets it here
        label = f"{label} {100 * bar.get('value', 0) / bar['max']:.0f}%" if bar.get('max') else label
    text = ' '.join(t for t in (label, rest) if t)
    owned = {model_id, *kids} | {m['state'][key].removeprefix('IPY_MODEL_') for m in (box, *(state[k] for k in kids))
                                 for key in ('layout', 'style') if isinstance(m['state'].get(key), str)}
    return text, owned


def flatten_bars(nb:dict)->int:
    "Replace the notebook's tqdm bar outputs by stderr text lines and drop their widget state; the number replaced."
    holder = nb.get('metadata', {}).get('widgets', {})
    state = holder.get(WIDGET_STATE, {}).get('state', {})
    dropped, count = set(), 0
    for cell in nb['cells']:
        for i, out in enumerate(cell.get('outputs', [])):
            model_id = out.get('data', {}).get(WIDGET_VIEW, {}).get('model_id')
            found = bar_line(state, model_id) if model_id else None
            if found is None: continue
            cell['outputs'][i] = dict(name='stderr', output_type='stream', text=[found[0] + '\n'])
            dropped |= found[1]; count += 1
    for model_id in dropped: state.pop(model_id, None)
    if holder and not state: del nb['metadata']['widgets']
    return count


def execute(path:pathlib.Path):
    "Run one notebook headless in nbs/ and write its outputs back in place."
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / path.name
        subprocess.run([str(pathlib.Path(sys.executable).parent / 'papermill'), str(path), str(out), '-k', 'pfgm',
                        '--cwd', str(NBS), '--no-progress-bar'], check=True)
        nb = json.loads(out.read_text())
        for cell in nb['cells']:            # papermill adds `tags: []` to every cell; nbdev-clean keeps it: drop it here
            if cell.get('metadata', {}).get('tags') == []: del cell['metadata']['tags']
        flatten_bars(nb)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('names', nargs='*', help='chapters to run (default: all)')
    parser.add_argument('--check', action='store_true', help='only check the stored outputs')
    parser.add_argument('--flatten-bars', action='store_true', help="only turn the chapters' stored tqdm bars into text lines")
    args = parser.parse_args()
    record = json.loads(RECORD.read_text()) if RECORD.exists() else {}
    if args.check:
        found = [p for path in chapters() for p in problems(path, record)]
        print('\n'.join(found) or 'outputs are current'); sys.exit(1 if found else 0)
    wanted = [p for p in chapters() if not args.names or p.stem in args.names]
    if args.flatten_bars:
        for path in wanted:
            nb = json.loads(path.read_text())
            if flatten_bars(nb): path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
        subprocess.run([str(pathlib.Path(sys.executable).parent / 'nbdev-clean')], check=True, cwd=ROOT)
        for path in wanted: print(f"{path.name}: {path.stat().st_size // 1024} KB")
        return
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
