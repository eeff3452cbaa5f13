"""The committed chapters carry their outputs, made by their current code (see scripts/outputs.py)."""
import json, sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / 'scripts'))
import outputs


@pytest.mark.parametrize('path', outputs.chapters(), ids=lambda p: p.stem)
def test_outputs_are_current_and_every_figure_is_there(path):
    record = json.loads(outputs.RECORD.read_text()) if outputs.RECORD.exists() else {}
    assert outputs.problems(path, record) == []


@pytest.mark.parametrize('path', outputs.chapters(), ids=lambda p: p.stem)
def test_chapters_stay_small(path):
    assert path.stat().st_size < 600_000, f"{path.name} is {path.stat().st_size // 1024} KB: make its figures smaller"


def test_the_check_sees_a_stale_chapter_and_a_missing_figure(tmp_path):
    nb = json.loads((ROOT / 'nbs' / '00_field.ipynb').read_text())
    record = {'00_field.ipynb': outputs.code_hash(nb)}
    plotting = next(c for c in nb['cells'] if outputs.draws(c))
    plotting['outputs'] = []
    plotting['source'] = plotting['source'] + ['\n# changed']
    changed = tmp_path / '00_field.ipynb'
    changed.write_text(json.dumps(nb))
    found = outputs.problems(changed, record)
    assert any('stale' in f for f in found) and any('holds no image' in f for f in found)


def _model(name, **state): return dict(model_name=name, model_module='@jupyter-widgets/controls', state=state)


def test_finished_progress_bars_become_text_and_other_widgets_keep_their_state():
    state = {'box': _model('HBoxModel', children=['IPY_MODEL_left', 'IPY_MODEL_bar', 'IPY_MODEL_right'], layout='IPY_MODEL_lb'),
             'left': _model('HTMLModel', value='PFGM\u2007RK45:\u2007100%', layout='IPY_MODEL_ll', style='IPY_MODEL_ls'),
             'bar': _model('FloatProgressModel', value=3, max=3, layout='IPY_MODEL_pl', style='IPY_MODEL_ps'),
             'right': _model('HTMLModel', value='\u20073/3\u2007[00:09&lt;00:00,\u2007\u20073.58s/it]', layout='IPY_MODEL_rl',
                             style='IPY_MODEL_rs'),
             'slider': _model('IntSliderModel', value=4, layout='IPY_MODEL_sl')}
    state |= {k: _model('LayoutModel') for k in ('lb', 'll', 'ls', 'pl', 'ps', 'rl', 'rs', 'sl')}
    view = lambda model_id: dict(output_type='display_data', data={outputs.WIDGET_VIEW: {'model_id': model_id}, 'text/plain': 'x'})
    nb = dict(metadata=dict(widgets={outputs.WIDGET_STATE: dict(state=state)}),
              cells=[dict(cell_type='code', outputs=[view('box'), view('slider')])])
    assert outputs.flatten_bars(nb) == 1
    assert nb['cells'][0]['outputs'][0] == dict(name='stderr', output_type='stream', text=['PFGM RK45: 100% 3/3 [00:09<00:00, 3.58s/it]\n'])
    assert nb['cells'][0]['outputs'][1] == view('slider')                      # not a progress bar: untouched
    assert set(nb['metadata']['widgets'][outputs.WIDGET_STATE]['state']) == {'slider', 'sl'}
    del nb['cells'][0]['outputs'][1], state['slider'], state['sl']
    assert outputs.flatten_bars(nb) == 0 and 'widgets' not in nb['metadata']   # no bars left; an empty widget state is dropped
