"""Pages of a registry that holds (almost) nothing yet."""

from __future__ import annotations

from factories import NetworkFactory


def test_home_without_networks_explains_how_to_load_the_demo(client, db):
    response = client.get("/en/")
    assert response.status_code == 200
    assert "renkei loaddemo" in response.content.decode()


def test_a_network_without_records_says_so(client, db):
    # given
    network = NetworkFactory(name_en="Empty Network")
    # when
    response = client.get(f"/en/networks/{network.key}/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Empty Network" in html
    for message in ("No members recorded.", "No bodies recorded.", "No documents recorded."):
        assert message in html
