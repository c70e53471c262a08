"""Official list files as watchlist sources (`WATCHLIST_PATH=FORMAT:PATH,...`), loaded by the
app at start-up and screened over HTTP; a bad file fails the load naming the file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

FIXTURES = Path(__file__).parents[1] / "watchlist" / "importers" / "fixtures"
WATCHLIST = Path(__file__).parents[1] / "fixtures" / "watchlist.jsonl"

MakeClient = Callable[..., TestClient[Litestar]]
WaitReady = Callable[..., dict[str, Any]]


def top_match(client: TestClient[Litestar], name: str) -> str | None:
    response = client.post("/v1/screen", json={"name": name})
    assert response.status_code == 200, response.text
    matches = response.json()["matches"]
    return matches[0]["entity_id"] if matches else None


def test_official_files_and_a_jsonl_file_are_screened_together(
    make_client: MakeClient, wait_ready: WaitReady
) -> None:
    sources = [
        f"ofac-csv:{FIXTURES / 'ofac' / 'sdn'}",
        f"eu-xml:{FIXTURES / 'eu_xml' / 'eu_fsf.xml'}",
        f"uk-csv:{FIXTURES / 'uk_csv' / 'ConList.csv'}",
        str(WATCHLIST),
    ]
    client = make_client(preload=False, watchlist_path=",".join(sources))

    ready = wait_ready(client)

    assert ready["watchlist"]["state"] == "ready", ready
    assert top_match(client, "Neva Holding") == "ofac-108"
    assert top_match(client, "Minsk Tractor Works") == "uk-15001"
    assert top_match(client, "Al-Example Foundation") == "eu-140023"
    assert top_match(client, "ОАО «БЕЛАЗ»") == "by-belaz"
    entity = client.get("/v1/watchlist/ofac-101").json()
    assert entity["listings"][0]["authority"] == "US-OFAC"


def test_a_file_of_the_wrong_format_fails_the_load_naming_the_file(
    make_client: MakeClient, wait_ready: WaitReady
) -> None:
    wrong = FIXTURES / "uk_csv" / "ConList.csv"
    client = make_client(preload=False, watchlist_path=f"eu-xml:{wrong}")

    ready = wait_ready(client)

    assert ready["watchlist"]["state"] == "failed"
    # The file by its name: the server's directories are not the caller's business.
    assert ready["watchlist"]["error"].startswith(f"{wrong.name}, line 1")
    assert client.post("/v1/screen", json={"name": "Belmash"}).status_code == 503


def test_the_configured_filters_keep_only_matching_entities(
    make_client: MakeClient, wait_ready: WaitReady
) -> None:
    sources = [f"ofac-csv:{FIXTURES / 'ofac' / 'sdn'}", str(WATCHLIST)]
    everything = make_client(preload=False, watchlist_path=",".join(sources))
    belarus = make_client(preload=False, watchlist_path=",".join(sources), watchlist_countries="BY")

    wait_ready(everything)
    wait_ready(belarus)
    all_count = everything.get("/v1/watchlist").json()["counts"]["entities"]
    by_count = belarus.get("/v1/watchlist").json()["counts"]["entities"]

    assert 0 < by_count < all_count
    assert top_match(belarus, "ОАО «БЕЛАЗ»") == "by-belaz"
    assert top_match(belarus, "Neva Holding") is None
    assert top_match(everything, "Neva Holding") == "ofac-108"
