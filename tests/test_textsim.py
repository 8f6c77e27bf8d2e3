"""graph.textsim gives scikit-learn's TF-IDF numbers (the thresholds of graph.relatedness were measured with them)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from graph.textsim import WORDS, english_stop_words, text_matrix
from loaders.detect import load_paths
from loaders.samples import sample_paths


def _sklearn(texts: list[str]) -> np.ndarray:
    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, token_pattern=WORDS.pattern)
    T = vectorizer.fit_transform(texts)
    return (T @ T.T).toarray()


def test_stop_words_are_scikit_learns() -> None:
    assert english_stop_words() == frozenset(ENGLISH_STOP_WORDS)


def test_cosines_equal_scikit_learns_on_the_sample() -> None:
    papers = load_paths(sample_paths()).papers
    texts = [f"{p.title}. {p.abstract}" for p in papers]
    T = text_matrix(texts)
    np.testing.assert_allclose((T @ T.T).toarray(), _sklearn(texts), atol=1e-12)


def test_repeated_words_hyphens_case_and_empty_texts() -> None:
    texts = ["One-step one-step ONE-STEP flow", "the and of", "", "Flow flow matching 2x", "x y"]
    T = text_matrix(texts)
    assert T.shape[0] == 5
    cos = (T @ T.T).toarray()
    assert cos[1].sum() == cos[2].sum() == cos[4].sum() == 0.0  # stop words only, empty, one-letter words
    np.testing.assert_allclose(cos, _sklearn(texts), atol=1e-12)


@pytest.mark.parametrize("texts", [[], ["the of and"]])
def test_no_words_gives_zero_rows(texts: list[str]) -> None:
    assert text_matrix(texts).nnz == 0


def test_importing_it_does_not_import_scikit_learn() -> None:
    code = "import sys; from graph.textsim import text_matrix; text_matrix(['a flow']); print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
