"""Build the documentation site into _docs/, offline, from the notebooks as committed (nothing is executed).

    python scripts/build_docs.py                # nbs/ -> _proc/docs (sources) -> _docs (the site)
    python scripts/build_docs.py --nbs DIR      # take the notebooks from DIR instead (e.g. executed copies)
    python scripts/build_docs.py --site DIR     # write the site somewhere else

Steps: each chapter notebook (`nbs/[0-9]*.ipynb`) and `nbs/index.ipynb` (the landing page) is copied with its
stored outputs and the nbdev directives handled as nbdev's site would: `#| hide` (or `#| include: false`) cells
dropped, `#| echo: false` cells show only their outputs, `#| output: false` cells only their code, every other
`#|` line removed; an API reference page is written from the docments of the package's exported symbols
(`fastcore.docments`, the renderer behind nbdev's `show_doc`); MathJax is copied from the jupyter-server-mathjax
package; then MkDocs builds the site with mkdocs.yml (see the comment there for the choice of tools).
"""
import argparse, copy, functools, importlib, inspect, json, re, shutil, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / '_proc' / 'docs'          # generated MkDocs sources (git-ignored)
SITE = ROOT / '_docs'                  # the site (git-ignored)

DIRECTIVE = re.compile(r'^#\|\s*([\w-]+)\s*(?::\s*(.*?))?\s*$')
HIDE_INPUT_TAG = 'docs-hide-input'     # mkdocs.yml's remove_input_tags
WIDGET_MIME = 'application/vnd.jupyter.widget-view+json'
IMAGE_MIMES = ('image/png', 'image/jpeg', 'image/svg+xml')  # the image types nbconvert's HTML shows
WIDGET_REPR = re.compile(r'^\s*\w+\(children=')          # ipywidgets' repr: interactive(children=(IntSlider(...
WIDGET_NOTE = ('Interactive widget: its controls need a running kernel. Open this chapter in JupyterLab '
               '(<code>make lab</code>) to use it.')
FRAME_NOTE = ' Below, the frame stored with the notebook.'


def chapter_notebooks(nbs: Path) -> list[Path]:
    "The pages in site order: index first, then the chapters sorted by name."
    return [p for p in [nbs / 'index.ipynb'] if p.exists()] + sorted(nbs.glob('[0-9]*.ipynb'))


def _directives(lines):
    "The `#|` options of a code cell as {name: value} (value True when none is given)."
    opts = {}
    for line in lines:
        m = DIRECTIVE.match(line.strip())
        if m: opts[m.group(1).lower()] = True if m.group(2) is None else m.group(2).strip().lower()
    return opts


def _false(v): return v in ('false', 'no', '0')


def clean_cell(cell: dict, widget_state: dict | None = None) -> dict | None:
    "The cell as the site shows it (a widget as its static frame: see `_static_widget`), or None when the site leaves it out."
    if cell['cell_type'] == 'raw': return None  # Quarto front matter and the like
    if cell['cell_type'] != 'code': return cell
    cell = copy.deepcopy(cell)
    src = cell['source'] if isinstance(cell['source'], str) else ''.join(cell['source'])
    lines = src.splitlines()
    opts = _directives(lines)
    if opts.get('hide') is True or _false(opts.get('include')): return None
    cell['source'] = '\n'.join(l for l in lines if not l.lstrip().startswith('#|')).strip('\n')
    if _false(opts.get('output')): cell['outputs'] = []
    outputs = []
    for out in cell.get('outputs', []):  # widgets need a live kernel: a static frame, or their text fallback
        view = out.get('data', {}).pop(WIDGET_MIME, None)
        outputs += _static_widget(out, view, widget_state or {}) if view is not None else [out]
    cell['outputs'] = [o for o in outputs if o.get('data', True)]  # a widget with no fallback: gone
    if _false(opts.get('echo')):
        cell.setdefault('metadata', {}).setdefault('tags', []).append(HIDE_INPUT_TAG)
    if not cell['source'].strip() and not cell['outputs']: return None
    return cell


def _widget_frames(model_id: str, state: dict) -> list:
    "The outputs the notebook stored in a widget's Output children (its last frame), found through the widget state."
    model = state.get(model_id, {})
    if model.get('model_name') == 'OutputModel': return list(model.get('state', {}).get('outputs', []))
    children = model.get('state', {}).get('children', [])
    return [o for child in children if isinstance(child, str) for o in _widget_frames(child.removeprefix('IPY_MODEL_'), state)]


def _static_widget(out: dict, view: dict, state: dict) -> list:
    "An interactive widget (`interactive(children=(...`) as a note and its stored frame; other widgets (tqdm) keep their text."
    text = out['data'].get('text/plain', '')
    text = text if isinstance(text, str) else ''.join(text)
    if not WIDGET_REPR.match(text): return [out]
    frames = [f for f in _widget_frames(view.get('model_id', ''), state) if f.get('output_type') != 'error']
    text = WIDGET_NOTE + (FRAME_NOTE if frames else '')
    note = {'output_type': 'display_data', 'metadata': {},
            'data': {'text/html': f'<div class="pfgm-widget-note">{text}</div>', 'text/plain': re.sub('<[^>]+>', '', text)}}
    return [note, *frames]


def clean_notebook(nb: dict) -> dict:
    "A copy of notebook `nb` with nbdev directives applied and no widget state (it would load a CDN loader)."
    nb = copy.deepcopy(nb)
    state = nb['metadata'].get('widgets', {}).get('application/vnd.jupyter.widget-state+json', {}).get('state', {})
    nb['cells'] = [c for c in (clean_cell(cell, state) for cell in nb['cells']) if c is not None]
    nb['metadata'].pop('widgets', None)
    return nb


@functools.cache
def _display_priority() -> tuple:
    from nbconvert.exporters.html import HTMLExporter
    return tuple(HTMLExporter().default_config.NbConvertBase.display_data_priority)


def shown_mime(output: dict) -> str | None:
    "The MIME type nbconvert's HTML shows for `output` (the first of its display priority that the output has)."
    data = output.get('data', {})
    return next((m for m in _display_priority() if m in data), None)


def count_images(nb: dict) -> int:
    "Image outputs in notebook `nb` (after cleaning, these are the images its page must show)."
    return sum(shown_mime(o) in IMAGE_MIMES
               for c in nb['cells'] if c['cell_type'] == 'code' for o in c.get('outputs', []))


def nb_title(nb: dict, default: str) -> str:
    "The notebook's first `# ` heading (nbdev's title), else `default`."
    for c in nb['cells']:
        if c['cell_type'] != 'markdown': continue
        src = c['source'] if isinstance(c['source'], str) else ''.join(c['source'])
        for line in src.splitlines():
            if line.startswith('# '): return line[2:].strip()
    return default


# --- API reference --------------------------------------------------------------------------------------------

def has_signature_doc(obj) -> bool:
    "Whether `obj` gets a signature section (a function, class, or decorated function), not a constant line."
    return inspect.isclass(obj) or inspect.isfunction(obj) or (callable(obj) and hasattr(obj, '__wrapped__'))


def _first_line(doc): return (doc or '').strip().splitlines()[0] if (doc or '').strip() else ''


def _sig_block(obj, name, kind):
    "The docments signature (parameter comments beside each parameter) and the docstring, as nbdev shows them."
    from fastcore.docments import MarkdownRenderer
    try: md = MarkdownRenderer(obj, name=name)._repr_markdown_()
    except Exception as e:  # a signature fastcore cannot read: name and docstring only
        print(f'build_docs: no signature for {name}: {e!r}', file=sys.stderr)
        md = f'*{_first_line(inspect.getdoc(obj))}*'
    if kind == 'class': md = md.replace(f'```python\ndef {name}(', f'```python\nclass {name}(', 1)
    return md


def _module_notebook(mod):
    "The notebook a module is exported from (the header nbdev writes), or None."
    m = re.search(r'File to edit: \.\./nbs/(\S+\.ipynb)', Path(mod.__file__).read_text())
    return m.group(1) if m else None


def api_markdown(package='pfgm_nb') -> str:
    "An API reference page: every exported symbol of every nbdev module of `package`, in chapter order."
    sys.path.insert(0, str(ROOT))
    modidx = importlib.import_module(f'{package}._modidx').d['syms']
    mods = [importlib.import_module(m) for m in modidx]
    mods.sort(key=lambda m: (_module_notebook(m) or '~', m.__name__))
    out = ['# API reference', '',
           'Every exported function and class of the package, with its one-line docstring and the parameter '
           'comments beside its signature (docments). Each section links to the chapter that defines it.', '']
    for mod in mods:
        nb = _module_notebook(mod)
        out += [f'## `{mod.__name__}`', '']
        summary = _first_line(mod.__doc__)
        if summary: out += [summary, '']
        if nb: out += [f'Defined in the chapter [{Path(nb).stem}]({nb}).', '']
        consts = []
        for name in getattr(mod, '__all__', []):
            obj = getattr(mod, name, None)
            if has_signature_doc(obj):
                kind = 'class' if inspect.isclass(obj) else 'function'
                out += [f'### `{name}`', '', _sig_block(obj, name, kind), '']
                if kind == 'class':
                    for mname, meth in vars(obj).items():
                        if mname.startswith('_') or not inspect.isfunction(meth) or not inspect.getdoc(meth): continue
                        out += [f'#### `{name}.{mname}`', '', _sig_block(meth, mname, 'method'), '']
            else:
                r = repr(obj)
                if isinstance(obj, functools.partial):  # e.g. VESDE = partial(ScoreSDE, 'vesde')
                    args = [getattr(obj.func, '__name__', repr(obj.func)), *map(repr, obj.args),
                            *(f'{k}={v!r}' for k, v in obj.keywords.items())]
                    r = f"partial({', '.join(args)})"
                consts.append(f'- `{name}` = `{r if len(r) <= 80 else r[:77] + "..."}`')
        if consts: out += ['### Constants', '', *consts, '']
    return '\n'.join(out) + '\n'


# --- the build ------------------------------------------------------------------------------------------------

def copy_mathjax(dest: Path):
    """Copy MathJax 2 from the jupyter-server-mathjax package into `dest` (English only, no SVG output: the pages use
    HTML-CSS) and write the page configuration `config/local/pfgm.js`."""
    import jupyter_server_mathjax
    src = Path(jupyter_server_mathjax.__file__).parent / 'static'
    def skip(folder, names):
        rel = Path(folder).relative_to(src).as_posix()
        if rel == 'jax/output': return ['SVG']  # the SVG output's glyph data, unused
        if rel == 'extensions': return ['a11y']  # accessibility explorer (needs the menu), unused
        if rel == 'localization': return [n for n in names if n != 'en']
        return []
    if dest.exists(): shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=skip)
    (dest / 'config' / 'local').mkdir(parents=True, exist_ok=True)
    (dest / 'config' / 'local' / 'pfgm.js').write_text(MATHJAX_LOCAL_CONFIG)


MATHJAX_LOCAL_CONFIG = """\
// Written by scripts/build_docs.py, loaded after jupyter-server-mathjax's combined configuration (TeX input,
// HTML-CSS output, as in the classic Jupyter notebook). Only files that package ships are asked for:
// - the STIX-Web web fonts; no image fonts;
// - no assistive MathML copy (its styles ask for TeX fonts, MathJax_AMS and others, which the package lacks);
// - the blank font MathJax measures against is a local() name, not url(about:blank) (blocked under file://).
// noErrors/noUndefined are off: a TeX mistake shows as an error message, and the docs test finds it.
MathJax.Hub.Config({
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
               styles: {"@font-face": {"font-family": "MathJax_Blank", src: "local('MathJax_Blank')"}}},
  TeX: {noErrors: {disabled: true}, noUndefined: {disabled: true}},
  menuSettings: {assistiveMML: false},
  messageStyle: "none"
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/pfgm.js");
"""


def write_sources(nbs: Path, src: Path, api=True) -> list:
    "Write the MkDocs sources into `src` (with the API page unless `api` is False); returns the nav."
    if src.exists(): shutil.rmtree(src)
    src.mkdir(parents=True)
    nav = []
    for path in chapter_notebooks(nbs):
        nb = clean_notebook(json.loads(path.read_text()))
        (src / path.name).write_text(json.dumps(nb, indent=1))
        nav.append({('Home' if path.stem == 'index' else nb_title(nb, path.stem)): path.name})
    if api:
        (src / 'api.md').write_text(api_markdown())
        nav.append({'API reference': 'api.md'})
    copy_mathjax(src / 'assets' / 'mathjax')
    extra = ROOT / 'docs'  # hand-written extras (styles, pages), if any
    if extra.is_dir(): shutil.copytree(extra, src, dirs_exist_ok=True)
    return nav


def build(nbs: Path = ROOT / 'nbs', site: Path = SITE, src: Path = SRC, api=True, quiet=False) -> Path:
    "Write the sources into `src` and build the site into `site`; returns `site`."
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    import logging
    t0 = time.time()
    nav = write_sources(Path(nbs), Path(src), api=api)
    logging.getLogger('mkdocs').setLevel(logging.WARNING if quiet else logging.INFO)
    if not quiet: logging.basicConfig(format='%(levelname)s %(name)s: %(message)s')
    cfg = load_config(str(ROOT / 'mkdocs.yml'), nav=nav, docs_dir=str(Path(src).resolve()),
                      site_dir=str(Path(site).resolve()))
    mkdocs_build(cfg)
    print(f'build_docs: {len(nav)} pages in {Path(site)} ({time.time() - t0:.1f} s)')
    return Path(site)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--nbs', default=str(ROOT / 'nbs'), help='folder of the notebooks to publish')
    ap.add_argument('--site', default=str(SITE), help='output folder of the site')
    ap.add_argument('--quiet', action='store_true', help='only warnings from MkDocs')
    a = ap.parse_args()
    build(Path(a.nbs), Path(a.site), quiet=a.quiet)
