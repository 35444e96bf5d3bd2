"""The registry page lists names in Ukrainian order; an oversized upload is a 413."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from homeward.web.testing import bearer, log_in, make_app

SURNAMES = [
    "Яковенко",
    "Smith",
    "Їжак",
    "Іваненко",
    "Єрмак",
    "Ґалаган",
    "Гончар",
    "Андрієнко",
    "Ильченко",
    "Adams",
]
EXPECTED = [
    "Андрієнко",
    "Гончар",
    "Ґалаган",
    "Єрмак",
    "Ильченко",
    "Іваненко",
    "Їжак",
    "Яковенко",
    "Adams",
    "Smith",
]


def test_the_registry_page_lists_names_in_ukrainian_collation_order(
    engine: Engine, tmp_path: Path
) -> None:
    app, passwords = make_app(engine, tmp_path)
    body = "record_id,surname,given_name\n" + "".join(
        f"O-{i},{surname},Тест\n" for i, surname in enumerate(SURNAMES)
    )
    with TestClient(app) as client:
        headers = bearer(client, "ua.officer", passwords["ua.officer"])
        result = client.post(
            "/api/v1/parties/UA/holdings", headers=headers, files={"file": ("o.csv", body.encode())}
        )
        assert result.json()["imported"] == len(SURNAMES)
        log_in(client, "ua.officer", passwords["ua.officer"])
        page = client.get("/parties/UA/registries").text
        api = client.get("/api/v1/parties/UA/holdings?limit=5&offset=5", headers=headers).json()
    shown = [s for s in re.findall(r"<td>([^<]+)</td>", page) if s in SURNAMES]
    assert shown == EXPECTED
    assert [p["surname"] for p in api["items"]] == EXPECTED[5:]


def test_an_upload_over_the_limit_is_a_413_before_it_is_stored(
    engine: Engine, tmp_path: Path
) -> None:
    app, passwords = make_app(engine, tmp_path)
    app.state.web.max_upload_bytes = 256 * 1024
    with TestClient(app) as client:
        headers = bearer(client, "ua.officer", passwords["ua.officer"])
        response = client.post(
            "/api/v1/parties/UA/holdings",
            headers=headers,
            files={"file": ("big.csv", b"record_id,surname,given_name\n" + b"x" * (3 << 20))},
        )
    assert response.status_code == 413
    assert "larger than" in response.json()["detail"][0]["msg"]


def _wait_for_import(client: TestClient, fragment: str) -> str:
    import time

    for _ in range(2400):  # up to two minutes on a busy machine; done sooner
        found = re.search(r'hx-get="(/parties/UA/imports/[0-9a-f]+)"', fragment)
        if found is None:
            return fragment
        time.sleep(0.05)
        fragment = client.get(found.group(1)).text
    raise AssertionError("the import did not finish")


def test_the_upload_page_imports_a_cp1251_file_with_its_encoding_chosen(
    engine: Engine, tmp_path: Path
) -> None:
    app, passwords = make_app(engine, tmp_path)
    body = "record_id,surname,given_name,status\nW-1,Їжакевич,Євген,полонений\n".encode("cp1251")
    with TestClient(app) as client:
        csrf = log_in(client, "ua.officer", passwords["ua.officer"])
        client.post("/language", data={"language": "uk", "csrf_token": csrf})
        refused = client.post(
            "/parties/UA/registries/import",
            data={"csrf_token": csrf, "kind": "holdings"},
            files={"file": ("список.csv", body)},
            headers={"hx-request": "true"},
        )
        text = _wait_for_import(client, refused.text)
        assert "файл схожий на cp1251" in text or "схожий на cp1251" in text
        assert "looks like" not in text
        accepted = client.post(
            "/parties/UA/registries/import",
            data={"csrf_token": csrf, "kind": "holdings", "encoding": "cp1251"},
            files={"file": ("список.csv", body)},
            headers={"hx-request": "true"},
        )
        assert accepted.status_code == 202
        text = _wait_for_import(client, accepted.text)
        page = client.get("/parties/UA/registries").text
    assert "Їжакевич" in page


def test_hostile_uploads_are_refused_with_a_422_not_a_500(engine: Engine, tmp_path: Path) -> None:
    import io
    import zipfile

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            for _ in range(300):
                part.write(b"A" * (1 << 20))
    uploads = {
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "nan.json": b'[{"record_id": NaN, "surname": "a", "given_name": "b"}]',
        "bomb.xlsx": bomb.getvalue(),
        "utf16.csv": "record_id,surname,given_name\nA,Б,В\n".encode("utf-16-le"),
    }
    app, passwords = make_app(engine, tmp_path)
    with TestClient(app, raise_server_exceptions=False) as client:
        headers = bearer(client, "ua.officer", passwords["ua.officer"])
        for name, body in uploads.items():
            response = client.post(
                "/api/v1/parties/UA/holdings", headers=headers, files={"file": (name, body)}
            )
            assert response.status_code == 422, (name, response.text)
            assert response.json()["detail"][0]["loc"] == ["body", "file"]
