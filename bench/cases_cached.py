# Development aid: judge the public cases from Documents cached by a previous read (no OCR).
# Not a benchmark of speed; bench/cases.py is.
"""Judge public cases from cached Documents (no OCR) and compare with expected."""
import sys, json
from pathlib import Path
from datetime import date
from prereview.documents import Document
from prereview.pipeline import _recognise, _marks, UploadedFile
from prereview.assemble import assemble
from prereview.cases import load_case
from rules.book import RuleBook; from rules.evaluate import Evaluator
from rules.casefacts import CaseFacts
root = Path('/work/shared/cases/public'); cache = Path('/tmp/doccache')
book = RuleBook.load(Path('corpus/rules')); ev = Evaluator(items=book.items, catalog=book.catalog)
verbose = '-v' in sys.argv
names = [a for a in sys.argv[1:] if not a.startswith('-')] or sorted(p.name for p in root.iterdir())
ok = tp = fp = fn = 0
for name in names:
    folder = root/name; case = load_case(folder); files = case.uploads(folder)
    try:
        docs = [Document.model_validate_json((cache/name/(f.name+'.json')).read_text()) for f in files]
    except FileNotFoundError:
        continue
    item = ev.loaded(case.item).item
    located, reports, unread, wrong = _recognise(item, files, docs, declared=case.declared)
    mats = assemble(item, located, unreadable_slots=unread, wrong_slots=wrong, marks=_marks)
    d = ev.evaluate(CaseFacts(case_id=name, item=case.item, review_date=case.review_date, declared=case.declared, materials=mats))
    exp = json.loads((folder/'expected.json').read_text())
    want = {((f.get('material') or f.get('condition')), f['code']) for f in exp['findings']}
    got = {tuple(f.key) for f in d.findings}
    ok += d.verdict.value == exp['verdict']; tp += len(want & got); fp += len(got - want); fn += len(want - got)
    print(f"{name}: {d.verdict.value:10} exp {exp['verdict']:10} extra={sorted(got-want)} missed={sorted(want-got)}")
    if verbose:
        for r in reports: print('   file', r.name, r.slot, r.materials, r.looks_like)
        for mid, m in mats.items():
            print('   ', mid, m.status.value, [ (s.label, s.parts, s.sealed, s.signed, {k:(v.state.value, v.value[:30]) for k,v in s.fields.items()}) for s in m.sets])
        for f in d.findings: print('   F', f.message)
print(f"verdict {ok}/{len(names)} P={tp/max(1,tp+fp):.2f} R={tp/max(1,tp+fn):.2f}")
