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
