"""The documentation site of `make docs`: built once from the notebooks as committed (nothing executed), then every
page opened in headless Chromium with the network cut off, as a reader would open it from disk.

Each chapter page (and the landing page) must show every image output its notebook stores, typeset all of its math
with the bundled MathJax (no TeX error, no raw `$...$` left), show no nbdev directive or hidden cell, show a traceback
only where the notebook's cell is tagged `raises-exception`, and raise no JavaScript error nor ask for anything off
the disk. The browser tests skip only when Chromium is missing: `make docs-deps` installs Debian's package.
"""
import importlib, importlib.util, json, re, time
from pathlib import Path

import pytest
from _chromium import Page, chromium_path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location('build_docs', ROOT / 'scripts' / 'build_docs.py')
bd = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bd)

NOTEBOOKS = bd.chapter_notebooks(ROOT / 'nbs')
needs_chromium = pytest.mark.skipif(chromium_path() is None,
                                    reason='chromium is not installed (make docs-deps: apt-get install -y chromium)')
MATHJAX_DONE = "window.MathJax && MathJax.isReady && new Promise(r => MathJax.Hub.Queue(() => r(true)))"


def _src(cell): return cell['source'] if isinstance(cell['source'], str) else ''.join(cell['source'])


def count_math(markdown: str) -> int:
    "Math expressions MathJax should find in `markdown` ($...$, $$...$$, \\(...\\), \\[...\\]; code spans skipped)."
    md = re.sub(r'```.*?```', '', markdown, flags=re.S)
    md = re.sub(r'`[^`\n]*`', '', md).replace(r'\$', '')
    n = 0
    for pat in (r'\$\$.+?\$\$', r'\\\[.+?\\\]', r'\\\(.+?\\\)', r'\$[^$]+?\$'):
        n += len(re.findall(pat, md, flags=re.S))
        md = re.sub(pat, ' ', md, flags=re.S)
    return n


def expected(nb: dict) -> dict:
    "What the page of cleaned notebook `nb` must show."
    code = [c for c in nb['cells'] if c['cell_type'] == 'code']
    return dict(
        cells=len(nb['cells']), images=bd.count_images(nb),
        math=sum(count_math(_src(c)) for c in nb['cells'] if c['cell_type'] == 'markdown'),
        tracebacks=sum(o['output_type'] == 'error' for c in code for o in c.get('outputs', [])
                       if 'raises-exception' in c.get('metadata', {}).get('tags', [])),
        title=bd.nb_title(nb, None))


PAGE_FACTS = r"""(() => {
  const q = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const outs = q('.jp-OutputArea-output');
  const imgs = outs.flatMap(o => q('img', o));
  const mdCells = q('.jp-MarkdownCell');
  const rawMath = q('.jp-RenderedMarkdown').map(el => {
    const c = el.cloneNode(true);
    c.querySelectorAll('code, pre, script, .MathJax, .MathJax_Display, .MathJax_Preview').forEach(e => e.remove());
    return (c.textContent.match(/\$[^$\s][^$]*\$|\\\(.+?\\\)|\\\[.+?\\\]/s) || [null])[0];
  }).filter(Boolean);
  return {
    h1: (document.querySelector('.jp-RenderedMarkdown h1') || {textContent: null}).textContent,
    cells: q('.jp-Cell:not(.jp-Cell .jp-Cell)').length,  // mkdocs-jupyter nests a .jp-Cell in code cells
    images: imgs.length + outs.flatMap(o => q('.jp-RenderedSVG svg', o)).length,
    broken_images: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
    math_scripts: mdCells.flatMap(c => q('script[type^="math/tex"]', c)).length,
    math_rendered: mdCells.flatMap(c => q('span.MathJax', c)).length,
    math_errors: q('.merror, .MathJax_Error').map(e => e.textContent),
    raw_math: rawMath,
    directives: q('.jp-InputArea').filter(el => /^\s*#\|/m.test(el.textContent)).length,
    tracebacks: outs.filter(o => /Traceback/.test(o.textContent)).length,
    cut_code: q('.jp-InputArea pre, .jp-OutputArea pre').filter(p => p.scrollWidth > p.clientWidth + 1).length,
    prompts: q('.jp-InputPrompt, .jp-OutputPrompt').filter(p => p.offsetParent !== null && p.textContent.trim()).length,
    broken_names: q('.jp-RenderedMarkdown table code').filter(c => c.getClientRects().length > 1).map(c => c.textContent),
    widget_reprs: outs.filter(o => /\w+\(children=/.test(o.textContent)).length,
  };
})()"""


def page_problems(page: Page, url: str, nb: dict, shot: Path | None = None) -> tuple[list[str], dict]:
    "Open `url` and compare it with cleaned notebook `nb`: the list of problems (empty when the page is right)."
    page.goto(url)
    problems = []
    try: page.wait_for(MATHJAX_DONE, timeout=30)
    except TimeoutError: problems.append('MathJax did not load or finish typesetting')
    facts, want = page.js(PAGE_FACTS), expected(nb)
    if shot: page.screenshot(shot)
    if want['title'] and (facts['h1'] or '').replace('¶', '').strip() != want['title']:
        problems.append(f"title {facts['h1']!r}, notebook says {want['title']!r}")
    if facts['cells'] != want['cells']: problems.append(f"{facts['cells']} cells shown, {want['cells']} expected")
    if facts['images'] != want['images']:
        problems.append(f"{facts['images']} images shown, the notebook stores {want['images']} image outputs")
    if facts['broken_images']: problems.append(f"{facts['broken_images']} images do not decode")
    if facts['math_scripts'] != want['math'] or facts['math_rendered'] != want['math']:
        problems.append(f"math: {want['math']} expressions in the markdown, MathJax found {facts['math_scripts']} "
                        f"and rendered {facts['math_rendered']}")
    if facts['math_errors']: problems.append(f"TeX errors: {facts['math_errors']}")
    if facts['raw_math']: problems.append(f"raw math left in the text: {facts['raw_math'][:5]}")
    if facts['directives']: problems.append(f"{facts['directives']} code cells show a #| directive")
    if facts['tracebacks'] != want['tracebacks']:
        problems.append(f"{facts['tracebacks']} tracebacks shown, {want['tracebacks']} in cells tagged raises-exception")
    if facts['cut_code']: problems.append(f"{facts['cut_code']} code blocks are wider than the page (cut off or scrolled)")
    if facts['prompts']: problems.append(f"{facts['prompts']} In [ ]: / Out[ ]: prompts shown")
    if facts['broken_names']: problems.append(f"names broken across lines in tables: {facts['broken_names'][:5]}")
    if facts['widget_reprs']: problems.append(f"{facts['widget_reprs']} widgets shown as their raw repr (interactive(children=...))")
    problems += [f'browser: {e}' for e in page.errors()]
    problems += [f'fetched from the network: {u}' for u in page.requested_urls()
                 if not u.startswith(('file:', 'data:', 'blob:', 'about:'))]
    return problems, facts


@pytest.fixture(scope='session')
def site(tmp_path_factory):
    "The site, built once per session into a temporary folder (`make docs` builds the same into _docs/)."
    tmp = tmp_path_factory.mktemp('docs')
    t0 = time.time()
    bd.build(ROOT / 'nbs', tmp / 'site', src=tmp / 'src', quiet=True)
    print(f'docs build: {time.time() - t0:.1f} s')
    return tmp / 'site'


@pytest.fixture(scope='module')
def browser(tmp_path_factory):
    with Page(tmp_path_factory.mktemp('chromium'), width=1280, height=900) as page: yield page


# --- without a browser ----------------------------------------------------------------------------------------

def _nb(*cells):
    cells = [dict(c, id=f'cell{i}') for i, c in enumerate(cells)]
    return {'nbformat': 4, 'nbformat_minor': 5, 'metadata': {'widgets': {'state': {}}}, 'cells': cells}

def _code(src, outputs=(), tags=()):
    return {'cell_type': 'code', 'source': src, 'metadata': {'tags': list(tags)} if tags else {},
            'outputs': list(outputs), 'execution_count': None}

def _md(src): return {'cell_type': 'markdown', 'source': src, 'metadata': {}}


PNG_1PX = ('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==')
IMAGE_OUT = {'output_type': 'display_data', 'metadata': {},
             'data': {'image/png': PNG_1PX, 'text/plain': '<Figure>'}}
WIDGET_OUT = {'output_type': 'display_data', 'metadata': {},
              'data': {'application/vnd.jupyter.widget-view+json': {'model_id': 'x'}, 'text/plain': '  0%|'}}
SVG_OUT = {'output_type': 'display_data', 'metadata': {}, 'data': {
    'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>',
    'text/plain': '<svg>'}}
HTML_OVER_PNG_OUT = {'output_type': 'display_data', 'metadata': {},  # nbconvert shows the HTML, not the image
                     'data': {'text/html': '<b>table</b>', 'image/png': PNG_1PX, 'text/plain': 'table'}}
ERROR_OUT = {'output_type': 'error', 'ename': 'ValueError', 'evalue': 'no',
             'traceback': ['Traceback (most recent call last)', 'ValueError: no']}


def test_directives_are_applied():
    nb = bd.clean_notebook(_nb(
        _md('# Title\n\n$x$'), _code('#| default_exp field'), _code('#| hide\nSECRET = 1'),
        _code('#|include: false\nALSO_SECRET = 2'), _code('#| export\ndef f(x): return x'),
        _code('#| echo: false\nprint(1)', [{'output_type': 'stream', 'name': 'stdout', 'text': '1\n'}]),
        _code('#| output: false\nx = 3', [IMAGE_OUT]), _code('tqdm()', [WIDGET_OUT]),
        {'cell_type': 'raw', 'source': '---\ntitle: x\n---', 'metadata': {}}))
    srcs = [_src(c) for c in nb['cells']]
    assert srcs == ['# Title\n\n$x$', 'def f(x): return x', "print(1)", 'x = 3', 'tqdm()']
    assert nb['cells'][2]['metadata']['tags'] == [bd.HIDE_INPUT_TAG]
    assert nb['cells'][3]['outputs'] == [] and bd.count_images(nb) == 0
    assert list(nb['cells'][4]['outputs'][0]['data']) == ['text/plain']
    assert 'widgets' not in nb['metadata']


def test_an_interactive_widget_becomes_a_static_note():
    raw = {'output_type': 'display_data', 'metadata': {}, 'data': {
        'application/vnd.jupyter.widget-view+json': {'model_id': 'y'},
        'text/plain': "interactive(children=(IntSlider(value=1, description='n_charges', max=9, min=1), Output()))"}}
    nb = _nb(_code('widgets.interactive(f)', [raw]), _code('tqdm()', [WIDGET_OUT]))
    nb['metadata']['widgets'] = {'application/vnd.jupyter.widget-state+json': {'state': {
        'y': {'model_name': 'VBoxModel', 'state': {'children': ['IPY_MODEL_s', 'IPY_MODEL_o']}},
        's': {'model_name': 'IntSliderModel', 'state': {}},
        'o': {'model_name': 'OutputModel', 'state': {'outputs': [IMAGE_OUT]}}}}}
    clean = bd.clean_notebook(nb)
    (note, frame), (bar,) = (c['outputs'] for c in clean['cells'])
    assert 'make lab' in note['data']['text/html'] and 'children=' not in json.dumps(note) and frame == IMAGE_OUT
    assert bar['data'] == {'text/plain': '  0%|'}                         # other widgets keep their text
    assert bd.count_images(clean) == 1 and 'widgets' not in clean['metadata']


def test_count_math():
    assert count_math('a $x$ and $$y$$, `$not$`, \\$5, \\(z\\) and\n\\[w\\]\n```\n$no$\n```') == 4


def test_api_reference_has_the_docments(site):
    "Every exported function and class is on the API page with its docstring and its parameter comments."
    from fastcore.docments import docments
    text = (site.parent / 'src' / 'api.md').read_text()
    for mod in importlib.import_module('pfgm_nb._modidx').d['syms']:
        m = importlib.import_module(mod)
        for name in m.__all__:
            obj = getattr(m, name)
            if not bd.has_signature_doc(obj):
                assert f'- `{name}` = `' in text, f'{mod}.{name} missing'
                continue
            assert f'### `{name}`' in text, f'{mod}.{name} missing'
            doc = (obj.__doc__ or '').strip().splitlines()
            if doc: assert doc[0] in text, f'{mod}.{name}: docstring missing'
            try: comments = docments(obj)
            except Exception: continue
            for p, c in comments.items():
                if c: assert c in text, f'{mod}.{name}: comment of {p} missing'



# --- in the browser -------------------------------------------------------------------------------------------

def test_site_is_self_contained(site):
    "Every page is there, and no page links a script, style, image or frame from the network."
    pages = [p.stem + '.html' for p in NOTEBOOKS] + ['api.html']
    assert sorted(pages) == sorted(p.name for p in site.glob('*.html') if p.name != '404.html')
    assert not (site / 'search').exists(), 'a search index was built (mkdocs.yml has no search plugin)'
    remote = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)="(?:https?:)?//', re.I)
    for html in site.glob('*.html'):
        assert not remote.search(html.read_text()), f'{html.name} loads something from the network'


@needs_chromium
@pytest.mark.parametrize('nb_path', NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_chapter_page_renders(site, browser, nb_path, tmp_path):
    nb = bd.clean_notebook(json.loads(nb_path.read_text()))
    problems, facts = page_problems(browser, (site / f'{nb_path.stem}.html').as_uri(), nb,
                                    shot=tmp_path / f'{nb_path.stem}.png')
    assert not problems, f'{nb_path.name} ({facts}):\n' + '\n'.join(problems)


@needs_chromium
def test_api_page_renders(site, browser, tmp_path):
    browser.goto((site / 'api.html').as_uri())
    browser.screenshot(tmp_path / 'api.png', full_page=False)
    n = browser.js("document.querySelectorAll('article h3').length")
    assert n > 50, f'only {n} symbols on the API page'
    assert not browser.errors()
    assert all(u.startswith(('file:', 'data:', 'blob:', 'about:')) for u in browser.requested_urls())


@needs_chromium
def test_page_checks_catch_problems(browser, tmp_path):
    "The checks above see a missing image, a TeX error and an unexpected traceback (a page built here on purpose)."
    nbs = tmp_path / 'nbs'
    nbs.mkdir()
    nb = _nb(_md('# Checks\n\nGood $x^2$ and $$\\sum_i y_i$$, broken $\\frac{a$.'),
             _code('#| hide\nimport secret'), _code('#| export\ndef f(x): return x', [IMAGE_OUT]),
             _code('1/0', [ERROR_OUT]), _code('raise ValueError', [ERROR_OUT], tags=['raises-exception']),
             _code('x = 1', [SVG_OUT, HTML_OVER_PNG_OUT]))
    (nbs / '00_checks.ipynb').write_text(json.dumps(nb))
    site = bd.build(nbs, tmp_path / 'site', src=tmp_path / 'src', api=False, quiet=True)
    clean = bd.clean_notebook(nb)
    problems, facts = page_problems(browser, (site / '00_checks.html').as_uri(), clean, shot=tmp_path / 'checks.png')
    assert facts['images'] == 2 and facts['broken_images'] == 0 and facts['math_rendered'] == 3, facts
    assert facts['cells'] == 5 and facts['directives'] == 0, facts
    assert len(problems) == 2, problems
    assert 'TeX errors' in problems[0] and 'Missing close brace' in problems[0]
    assert problems[1].startswith('2 tracebacks shown, 1 in cells tagged raises-exception')
    clean['cells'][1]['outputs'] = []  # a notebook with no image: the page's image is now one too many
    problems, _ = page_problems(browser, (site / '00_checks.html').as_uri(), clean)
    assert any('2 images shown, the notebook stores 1 image outputs' in p for p in problems), problems


@needs_chromium
def test_navigation_works_from_disk(site, browser):
    "From file://, the landing page's nav links every page and a click on one opens it; no search box (mkdocs.yml)."
    browser.goto((site / 'index.html').as_uri())
    assert browser.js("document.querySelector('.md-search, .md-search__input') === null"), 'a search box is shown'
    links = browser.js("Array.from(document.querySelectorAll('.md-nav--primary a.md-nav__link[href]'), a => a.href)")
    pages = {p.as_uri() for p in site.glob('*.html') if p.name != '404.html'}
    assert pages <= {u.split('#')[0] for u in links}, f'pages missing from the nav: {pages - set(links)}'
    browser.events.clear()
    browser.js("document.querySelector('.md-nav--primary a.md-nav__link[href=\"api.html\"]').click()")
    browser.wait_for_event('Page.loadEventFired')
    assert browser.js('location.href') == (site / 'api.html').as_uri()
    assert not browser.errors()
    assert all(u.startswith(('file:', 'data:', 'blob:', 'about:')) for u in browser.requested_urls())


def test_chapter_figures_get_a_tight_layout():
    "nbs/matplotlibrc: the chapters run in nbs/ (nbdev-test, papermill --cwd nbs, make lab), where figures lay out tightly."
    import subprocess, sys
    code = "import matplotlib; print(matplotlib.matplotlib_fname(), matplotlib.rcParams['figure.autolayout'])"
    out = subprocess.run([sys.executable, '-c', code], cwd=ROOT / 'nbs', capture_output=True, text=True, check=True).stdout.split()
    assert (ROOT / 'nbs' / out[0]).resolve() == (ROOT / 'nbs' / 'matplotlibrc').resolve() and out[1] == 'True', out
