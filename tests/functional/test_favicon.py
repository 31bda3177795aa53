"""The site's icon: pages name it, and /favicon.ico (which browsers ask for anyway) leads to it."""

from __future__ import annotations

import xml.etree.ElementTree as ET


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_favicon_ico_leads_to_the_packages_svg_icon(client, db):
    # when
    response = client.get("/favicon.ico")
    icon = client.get(response["Location"])
    # then
    assert response.status_code == 301
    assert response["Location"].endswith("/renkei/favicon.svg")
    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
    assert ET.fromstring(_body(icon)).tag == "{http://www.w3.org/2000/svg}svg"


def test_every_page_names_the_icon(client, db):
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/renkei/favicon.svg" type="image/svg+xml">' in page
