"""Every ``>>>`` example in the documentation's pages runs and prints what the page shows.

The API pages are generated from docstrings, which each package's own tests already run;
this covers the hand-written chapters (tutorials, accuracy and validation pages), whose
outputs would otherwise drift from the code without anyone noticing.
"""

import doctest
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(
    path
    for path in DOCS.rglob("*.rst")
    if "generated" not in path.parts and "_build" not in path.parts and ">>>" in path.read_text()
)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_examples(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # pages may write files; keep them out of the checkout
    result = doctest.testfile(str(page), module_relative=False, optionflags=FLAGS, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {page}"


def test_pages_were_found():
    assert len(PAGES) >= 3, "the documentation's tutorials were not found"
