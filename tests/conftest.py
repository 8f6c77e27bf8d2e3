"""Shared fixtures: the real bundled sample and the seeds beside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from offline_browser import CHROMEDRIVER, CHROMIUM, offline_chromium

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The seed pages as the team received them (../shared/seeds)."""
    path = SHARED / "seeds"
    if not path.is_dir():
        pytest.skip(f"{path} not found: the shared folder must sit beside the checkout")
    return path


def paperkg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the paperkg command exactly as a user would, in a fresh process."""
    return subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True, cwd=cwd, timeout=900)


@pytest.fixture(scope="session")
def run_paperkg():
    """The :func:`paperkg` runner, for tests that call the command themselves."""
    return paperkg


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`paperkg build` with no inputs, run in an empty folder: ./paperkg-out/ of the bundled sample.

    Built once per test session (it runs the real model); tests that change a build copy it first.
    """
    cwd = tmp_path_factory.mktemp("user")
    result = paperkg("--quiet", "build", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return cwd / "paperkg-out"


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A live Neo4j 5 with GDS and APOC, as :class:`graph.export.graphdb.load.Neo4jSettings`.

    With ``NEO4J_URI`` set, that server (a scratch database: the tests wipe paperkg's labels). Otherwise the
    test server of ``tests/neo4j_server/`` (Neo4j Community + GDS + APOC jars from Maven Central) is started
    in a temporary home, with a password, once per session, and stopped by pid at the end. Without Java or
    Maven, or when the jars do not resolve or the server does not start, the live tests skip with the reason.
    """
    from neo4j_server import server

    from graph.export.graphdb.load import Neo4jSettings

    if os.environ.get("NEO4J_URI"):
        yield Neo4jSettings.resolve()
        return
    if missing := server.missing_tools():
        pytest.skip(f"no Neo4j test server: {' and '.join(missing)} not found (set NEO4J_URI to use a server)")
    try:
        server.resolve_jars()
        running = server.start(tmp_path_factory.mktemp("neo4j-home"))
    except (server.ServerError, OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"no Neo4j test server: {exc}")
    try:
        yield Neo4jSettings.resolve(uri=running.uri, user=server.USER, password=running.password, env={})
    finally:
        server.stop(running)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with the network off (CDP emulation), logging console and network events.

    Shared by the view and notebook tests; skipped with the install command when Chromium is absent.
    """
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(f"need {CHROMIUM} and {CHROMEDRIVER}: apt-get install chromium chromium-driver")
    driver = offline_chromium(tmp_path_factory.mktemp("chromium-profile"), capture_logs=True)
    yield driver
    driver.quit()
