"""The replication chapter shows the record `make replicate` wrote; it must describe the current code and parameters."""
import json

import yaml

from conftest import ROOT
from pfgm_nb.replication import RECORD_PARAMS, record_hash

RECORD = ROOT / 'nbs' / 'records' / 'replication'


def make_replicate_params()->dict:
    "The parameters `make replicate` passes (the Makefile's REPLICATE_PARAMS, a printf string of YAML lines)."
    line = next(l for l in (ROOT / 'Makefile').read_text().splitlines() if l.startswith('REPLICATE_PARAMS :='))
    return yaml.safe_load(line.split(':=', 1)[1].strip().replace('\\n', '\n'))


def test_record_was_made_with_the_makefiles_parameters():
    record = json.loads((RECORD / 'record.json').read_text())
    params = make_replicate_params()
    assert record['params'] == {k: params[k] for k in RECORD_PARAMS}, \
        "the Makefile's REPLICATE_PARAMS changed after the record was made: run `make replicate` and commit nbs/records/"


def test_record_describes_the_current_code():
    record = json.loads((RECORD / 'record.json').read_text())
    current = record_hash(ROOT / 'nbs' / '06_replication.ipynb', ROOT / 'pfgm_nb' / 'presets', record['params'])
    assert record['code_hash'] == current, \
        "the replication chapter, its presets or their base configs changed after the record was made: run `make replicate`"


def test_the_hash_sees_a_changed_chapter(tmp_path):
    nb = json.loads((ROOT / 'nbs' / '06_replication.ipynb').read_text())
    params = make_replicate_params()
    before = record_hash(ROOT / 'nbs' / '06_replication.ipynb', ROOT / 'pfgm_nb' / 'presets', params)
    code = next(c for c in nb['cells'] if c['cell_type'] == 'code' and 'parameters' not in c['metadata'].get('tags', []))
    code['source'] = code['source'] + ['\n# changed']
    (tmp_path / 'chapter.ipynb').write_text(json.dumps(nb))
    assert record_hash(tmp_path / 'chapter.ipynb', ROOT / 'pfgm_nb' / 'presets', params) != before
