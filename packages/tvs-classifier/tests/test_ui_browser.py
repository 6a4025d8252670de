"""The dashboard in a real browser: headless Debian chromium driven by playwright.

A real ``tvs-classifier serve`` process serves a store of simulated objects on
127.0.0.1 and a free port; the browser opens the page, filters the table, opens an
object, draws the period-luminosity diagram, downloads the selection, and uploads
good and bad files. With
``TVS_SCREENSHOTS=DIR`` the tests also save a screenshot of each view there (the
docs' figures).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("panel")
sync_api = pytest.importorskip("playwright.sync_api")

from tvs_classifier import load_classifier, simulate  # noqa: E402
from tvs_classifier.store import update  # noqa: E402
from tvs_classifier.ui import Results  # noqa: E402
from tvs_classifier.ui.uploads import MAX_UPLOAD_BYTES  # noqa: E402

#: Longest wait for the server to start, and for the page to react (ms for playwright).
SERVER_START_S = 120
PAGE_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def stored(tmp_path_factory, on_relation):
    """A store of 30 simulated stars of five kinds, and their light curves as a file
    (the pulsating stars on a made-up P-L relation, as at one distance)."""
    folder = tmp_path_factory.mktemp("ui-browser")
    kinds = ["RRab", "RRc", "EC", "Mira", "DSCT"]
    light_curves, labels = simulate(30, kinds, seed=8, years=2)
    light_curves = on_relation(light_curves, labels)
    table = light_curves.table.merge(labels[["object_id", "period"]], on="object_id")
    store = folder / "tvs.sqlite"
    update(table, store, period_column="period", classifier=load_classifier(), progress=False)
    curves = folder / "light_curves.parquet"
    light_curves.table.to_parquet(curves)
    return store, curves, light_curves


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(stored):
    """``tvs-classifier serve`` in its own process, until the module's tests end."""
    store, curves, _ = stored
    port = free_port()
    command = [sys.executable, "-m", "tvs_classifier", "serve", "--store", str(store),
               "--light-curves", str(curves), "--port", str(port)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + SERVER_START_S
    while True:
        if process.poll() is not None:
            pytest.fail(f"the server ended: {process.stdout.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the server did not answer within {SERVER_START_S} s")
        time.sleep(0.5)
    yield url, process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def page(server, chromium):
    url, _ = server
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(url)
        page.locator(".tabulator-row").first.wait_for()
        yield page
        browser.close()


def screenshot(page, name: str, *, full_page: bool = False) -> None:
    folder = os.environ.get("TVS_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)


def count_text(page, n: int, total: int):
    return page.get_by_text(re.compile(rf"{n:,} of {total:,} objects"))


def test_the_table_shows_the_stored_objects_and_a_filter_changes_them(page, stored):
    store, _, _ = stored
    results = Results.open(store)
    total = len(results)
    count_text(page, total, total).wait_for()
    assert page.locator(".tabulator-row").count() == min(total, 25)  # one page
    screenshot(page, "ui-table")
    dropped = results.classes[0]
    page.locator("label", has_text=re.compile(rf"^{dropped}$")).locator("input").uncheck()
    kept = [name for name in results.classes if name != dropped]
    expected = len(results.select(classes=kept))
    count_text(page, expected, total).wait_for()
    visible = page.locator(".tabulator-row").count()
    assert visible == min(expected, 25)


def test_an_object_opens_with_its_light_curve_images_and_history(page, stored):
    store, _, _ = stored
    first = Results.open(store).frame["object_id"].iloc[0]
    page.locator(".tabulator-row").first.click()
    page.get_by_text(re.compile(rf"^{first}: ")).wait_for()
    images = page.locator("img[src^='data:image/png']")
    # The folded light curve, the probability bars and the images the network sees.
    images.nth(2).wait_for()
    assert images.count() >= 3
    page.get_by_text("History").wait_for()
    object_tab_is_open(page)
    screenshot(page, "ui-object", full_page=True)


def test_the_period_luminosity_diagram_of_the_selection_renders(page, stored):
    store, _, _ = stored
    results = Results.open(store)
    n = results.frame["class"].isin(["RRL", "CEP", "T2CEP", "ACEP"]).sum()
    page.locator(".bk-tab", has_text=re.compile(r"^P-L$")).click()
    page.get_by_text(re.compile(rf"^{n} RR Lyrae stars and Cepheids \(W\(g, r\)\)")).wait_for()
    page.locator("img[src^='data:image/png']").first.wait_for()
    # Another magnitude redraws it: the stars' mean r, on the made-up relation.
    chooser = page.locator("select", has=page.locator("option", has_text="W(g, r)"))
    chooser.select_option("r")
    page.get_by_text(re.compile(rf"^{n} RR Lyrae stars and Cepheids \(r\)")).wait_for()
    screenshot(page, "ui-pl", full_page=True)


def test_the_selection_downloads_as_a_file_that_reads_back(page, stored):
    store, _, _ = stored
    with page.expect_download() as download:
        page.get_by_text("Download the selection").click()
    path = download.value.path()
    back = pd.read_csv(path)
    assert sorted(back["object_id"]) == sorted(Results.open(store).frame["object_id"])


def object_tab_is_open(page) -> None:
    """Wait until the "Object" tab is the one shown."""
    page.locator(".bk-tab.bk-active", has_text=re.compile(r"^Object$")).wait_for()


def upload(page, name: str, content: bytes) -> None:
    page.locator("input[type=file]").set_input_files(
        {"name": name, "mimeType": "application/octet-stream", "buffer": content}
    )


def test_an_upload_is_classified_and_shown(page, stored):
    _, _, light_curves = stored
    one = light_curves.table[light_curves.table["object_id"] == light_curves.object_ids[0]]
    upload(page, "my_star.csv", one.to_csv(index=False).encode())
    page.get_by_text(re.compile("uploaded")).wait_for()
    page.locator("img[src^='data:image/png']").nth(1).wait_for()  # curve and bars
    object_tab_is_open(page)
    screenshot(page, "ui-upload")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("junk.parquet", b"\x00\xff" * 500, "cannot be read as Parquet"),
        ("../../etc/passwd.csv", b"object_id,mjd\n1,2\n", "passwd.csv: "),
        ("tool.exe", b"MZ" * 10, "upload a .csv, .parquet, .ecsv file"),
        ("huge.csv", b"0" * (MAX_UPLOAD_BYTES + 1024), "the dashboard takes files up to"),
    ],
)
def test_bad_uploads_show_their_message_and_the_server_goes_on(
    page, server, name, content, message
):
    upload(page, name, content)
    page.get_by_text(message).wait_for()
    assert server[1].poll() is None
    with urllib.request.urlopen(server[0], timeout=10) as response:
        assert response.status == 200
    if name == "junk.parquet":
        screenshot(page, "ui-bad-upload")
