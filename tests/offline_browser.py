"""Headless Chromium with the network off: the one setup the view tests and benchmarks/views.py share."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def offline_chromium(profile: Path, *, capture_logs: bool = False, own_session: bool = False) -> Any:
    """A Selenium driver for headless Chromium, offline through CDP network emulation.

    ``profile``: a fresh user-data folder; ``capture_logs``: keep the console and network (performance) logs;
    ``own_session``: chromedriver (and the Chromium it starts) in a process group of its own, so a caller
    can kill a page that blocks.
    """
    os.environ.setdefault("SE_AVOID_STATS", "true")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,900",
        f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(arg)
    if capture_logs:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    popen = {"popen_kw": {"start_new_session": True}} if own_session else {}
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER), **popen), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )
    return driver
