"""Canonical concept keys and display labels."""

from __future__ import annotations

import pytest

from graph.concepts.normalize import aliases, concept_key, display_label


@pytest.mark.parametrize(
    "variants",
    [
        ["one step", "one-step", "1-step", "One Step", "one–step"],
        ["diffusion models", "diffusion model", "Diffusion Models"],
        ["pre-training", "pretraining", "pre training", "Pre-Training"],
        ["vision-language pre-training", "vision language pretraining", "Vision-Language Pre-training"],
        ["text-to-image", "text to image", "text/to/image"],
        ["Newton's method", "Newton method", "newton's methods"],
        ["multi-modal studies", "multimodal study"],
    ],
)
def test_surface_variants_share_one_key(variants: list[str]) -> None:
    assert len({concept_key(v) for v in variants}) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [("diffusion model", "diffusion"), ("rectified flow", "normalizing flow"), ("analysis", "analyst")],
)
def test_different_concepts_keep_different_keys(first: str, second: str) -> None:
    assert concept_key(first) != concept_key(second)


@pytest.mark.parametrize(
    ("surface", "key"),
    [
        ("Diffusion Models", "diffusion model"),
        ("gradient descent analyses", "gradient descent analysis"),
        ("physics", "physics"),
        ("class-conditional distributions", "class conditional distribution"),
        ("matrices", "matrix"),
    ],
)
def test_keys_are_lowercase_singular_words(surface: str, key: str) -> None:
    assert concept_key(surface) == key


def test_keys_are_idempotent() -> None:
    for surface in ["Vision-Language Pre-Training", "1-step samplers", "GANs"]:
        assert concept_key(concept_key(surface)) == concept_key(surface)


def test_label_is_the_most_frequent_surface_and_aliases_keep_the_rest() -> None:
    seen = ["one-step", "one step", "1-step", "one-step", "one step", "one-step"]
    assert display_label(seen) == "one-step"
    assert aliases(seen) == ["1-step", "one step"]


def test_label_ties_go_to_the_form_seen_first() -> None:
    assert display_label(["Diffusion model", "diffusion model"]) == "Diffusion model"


def test_label_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError):
        display_label([])
