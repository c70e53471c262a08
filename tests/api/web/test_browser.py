"""The web app in a real browser (headless Chromium through Playwright) against a real server:
signing in, screening with the explanation, a 1,000-row file from upload to download, an alert
dismissed, the roles' pages, a form without its CSRF token. Every page visited is checked with
axe-core (no serious or critical violation) and photographed; no page may break its CSP."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from service.store.apikeys import split_key

from .conftest import WebServer

Check = Callable[[Page, str], None]
SignIn = Callable[[str], Page]
#: Rows of the uploaded file, and every how many a listed name comes.
ROWS = 1000
HIT_EVERY = 100


def test_signing_in_keeps_the_key_out_of_the_page(
    page: Page, web_server: WebServer, sign_in: SignIn, check_page: Check
) -> None:
    page.goto(f"{web_server.url}/app/")
    expect(page).to_have_url(re.compile(r"/app/sign-in$"))
    check_page(page, "sign-in")
    page.get_by_label("API key").fill("scr_nothing_wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not valid")

    sign_in(web_server.keys.screener)
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Screen")
    assert web_server.keys.screener not in page.content()
    cookie = next(c for c in page.context.cookies() if c["name"] == "screening_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    # The key's secret (url-safe base64, which may itself hold "_"), whole.
    parts = split_key(web_server.keys.screener)
    assert parts is not None
    assert parts[1] not in cookie["value"]

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/app/sign-in$"))
    page.goto(f"{web_server.url}/app/screen")
    expect(page).to_have_url(re.compile(r"/app/sign-in$"))


def test_screening_shows_the_explanation(
    web_server: WebServer, sign_in: SignIn, check_page: Check
) -> None:
    page = sign_in(web_server.keys.screener)
    page.goto(f"{web_server.url}/app/screen")
    page.get_by_label("Company name").fill("ОАО «БЕЛАЗ»")
    page.get_by_role("button", name="Screen").click()
    result = page.locator("#results article").first
    expect(result).to_contain_text("OJSC BELAZ")
    expect(result.get_by_label("score")).to_have_text("1.00")
    expect(result).to_contain_text("Why it matched")
    row = result.locator("tbody tr").first
    expect(row).to_contain_text("белаз")
    expect(row).to_contain_text("exact")
    expect(result).to_contain_text("оао (OJSC)")
    expect(result).to_contain_text("US-OFAC")
    expect(result).to_contain_text("BELARUS-EO14038")
    check_page(page, "screen")

    page.get_by_label("Company name").fill("明斯克轮式牵引车厂")
    page.get_by_role("button", name="Screen").click()
    expect(page.locator("#results h2")).to_contain_text("明斯克轮式牵引车厂")
    page.get_by_label("Company name").fill("ОАО «БЕЛАЗ»")
    page.get_by_role("button", name="Screen").click()
    expect(page.locator("#results article").first).to_contain_text("OJSC BELAZ")

    result.get_by_role("link", name="OJSC BELAZ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("OJSC BELAZ")
    names = page.locator("section", has=page.get_by_role("heading", name="Names"))
    expect(names).to_contain_text("ОАО «БЕЛАЗ»")
    expect(names).to_contain_text("Cyrillic")
    check_page(page, "entity")


def _supplier_file() -> bytes:
    """Suppliers whose legal names, in the third column, are to be screened: the detection
    takes the second (a trading name) for the name."""
    rows = ["Vendor no.;Supplier name;Legal name;Country"]
    for n in range(ROWS):
        legal = "Minsk Wheeled Tractor Plant" if n % HIT_EVERY == 0 else f"Garden Tools {n} GmbH"
        rows.append(f"V-{n};Shop {n};{legal};{'BY' if n % HIT_EVERY == 0 else 'DE'}")
    return ("\n".join(rows) + "\n").encode("utf-8")


def test_a_thousand_rows_from_upload_to_download(
    web_server: WebServer, sign_in: SignIn, check_page: Check, tmp_path: Path
) -> None:
    page = sign_in(web_server.keys.screener)
    page.goto(f"{web_server.url}/app/files")
    check_page(page, "files")
    page.get_by_label("Supplier file").set_input_files(
        {"name": "suppliers.csv", "mimeType": "text/csv", "buffer": _supplier_file()}
    )
    page.get_by_role("button", name="Upload").click()

    detected = page.locator("section", has=page.get_by_role("heading", name="Detected"))
    expect(detected).to_contain_text("semicolon")
    expect(detected).to_contain_text("utf-8")
    expect(detected).to_contain_text("Vendor no. · Supplier name · Legal name · Country")
    expect(page.get_by_label("Name column")).to_have_value("2")
    expect(page.get_by_label("Supplier id column")).to_have_value("1")
    check_page(page, "file-columns")
    page.get_by_label("Name column").select_option(label="Legal name")
    page.get_by_role("button", name="Start screening").click()

    expect(page).to_have_url(re.compile(r"/app/files/jobs/"))
    expect(page.locator("#percent")).to_have_text("100 %", timeout=60_000)
    expect(page.locator("#progress")).to_have_attribute("value", "100")
    status = page.locator("#job .card").first
    expect(status).to_contain_text(f"{ROWS:,} of {ROWS:,} rows")
    expect(status).to_contain_text(f"{ROWS // HIT_EVERY} hits")
    expect(status).to_contain_text("name “Legal name”")
    rows = page.locator("#rows tr.result")
    expect(rows.first).to_contain_text("hit")  # hits first
    expect(rows.nth(ROWS // HIT_EVERY)).to_contain_text("clear")
    rows.first.locator("summary").click()
    expect(rows.first).to_contain_text("Minsk Wheeled Tractor Plant")
    expect(rows.first.locator("details table")).to_contain_text("exact")
    check_page(page, "file-results")

    page.get_by_label("Status").select_option("hit")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#rows tr.result")).to_have_count(ROWS // HIT_EVERY)

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download CSV").click()
    saved = tmp_path / "results.csv"
    waiting.value.save_as(saved)
    table = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert len(table) == ROWS
    assert sum(r["status"] == "hit" for r in table) == ROWS // HIT_EVERY

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download XLSX").click()
    saved = tmp_path / "results.xlsx"
    waiting.value.save_as(saved)
    sheet = load_workbook(saved, read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows()) == ROWS + 1


def _register(web_server: WebServer, names: dict[str, str]) -> None:
    with web_server.api(web_server.keys.screener) as api:
        for counterparty_id, name in names.items():
            answer = api.put(
                f"/v1/counterparties/{counterparty_id}", json={"name": name, "country": "BY"}
            )
            assert answer.status_code in (200, 201), answer.text
            assert answer.json()["alerts"], answer.text


def test_dismissing_an_alert_takes_it_off_the_queue(
    web_server: WebServer, sign_in: SignIn, check_page: Check
) -> None:
    _register(web_server, {"sup-legmash": "Legmash Orsha", "sup-peleng": "OJSC Peleng"})
    page = sign_in(web_server.keys.screener)
    page.goto(f"{web_server.url}/app/alerts")
    queue = page.locator("#alerts tbody tr")
    expect(queue.first).to_be_visible()
    before = queue.count()
    assert before >= 2
    check_page(page, "alerts")

    page.get_by_role("link", name="sup-legmash").click()
    expect(page.get_by_role("heading", name="The counterparty")).to_be_visible()
    expect(page.locator("main")).to_contain_text("OJSC Legmash")
    expect(page.locator("main")).to_contain_text("Why it matched")
    check_page(page, "alert")
    page.get_by_label("Reason").select_option("different_entity")
    page.get_by_label("Comment", exact=True).fill("A shoe factory of the same town.")
    page.get_by_role("button", name="Dismiss").click()

    expect(page).to_have_url(re.compile(r"/app/alerts$"))
    expect(page.locator("#alerts tbody tr")).to_have_count(before - 1)
    expect(page.get_by_role("link", name="sup-legmash")).to_have_count(0)

    page.get_by_label("Status").select_option("dismissed")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="sup-legmash").click()
    history = page.locator("section", has=page.get_by_role("heading", name="History"))
    expect(history).to_contain_text("dismissed")
    expect(history).to_contain_text("A shoe factory of the same town.")


def test_a_screener_cannot_reach_the_audit_trail(
    web_server: WebServer, sign_in: SignIn, check_page: Check, tmp_path: Path
) -> None:
    page = sign_in(web_server.keys.screener)
    expect(page.get_by_role("navigation", name="Main")).not_to_contain_text("Audit")
    answer = page.goto(f"{web_server.url}/app/audit")
    assert answer is not None and answer.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    check_page(page, "forbidden")

    page.get_by_role("button", name="Sign out").click()
    sign_in(web_server.keys.auditor)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_contain_text("Audit")
    expect(nav).not_to_contain_text("Screen")
    nav.get_by_role("link", name="Audit").click()
    expect(page.locator("main table")).to_be_visible()
    check_page(page, "audit")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Export CSV").click()
    saved = tmp_path / "audit.csv"
    waiting.value.save_as(saved)
    assert saved.read_text(encoding="utf-8-sig").startswith("screening_id,")


def test_the_watchlist_pages(web_server: WebServer, sign_in: SignIn, check_page: Check) -> None:
    page = sign_in(web_server.keys.auditor)
    page.goto(f"{web_server.url}/app/watchlist")
    page.get_by_label("Name, id or identifier contains").fill("минск")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main tbody tr")).to_have_count(1)
    expect(page.locator("main tbody")).to_contain_text("OJSC Minsk Wheeled Tractor Plant")
    check_page(page, "watchlist")
    page.get_by_role("link", name="Versions and their changes").click()
    expect(page.locator("main tbody tr")).to_have_count(1)
    check_page(page, "versions")


def test_a_form_without_its_csrf_token_is_refused(web_server: WebServer, sign_in: SignIn) -> None:
    page = sign_in(web_server.keys.screener)
    page.goto(f"{web_server.url}/app/screen")
    page.locator("form[action$='/screen'] input[name=csrf_token]").evaluate("e => e.remove()")
    page.get_by_label("Company name").fill("ОАО «БЕЛАЗ»")
    page.get_by_role("button", name="Screen").click()
    refusal = page.locator("#results")
    expect(refusal).to_contain_text("security token is missing")
    expect(refusal).not_to_contain_text("OJSC BELAZ")
