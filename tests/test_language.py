"""The admin speaks Indonesian by default and switches to English on request."""

import pytest

from tests.support.factories import UserFactory


@pytest.fixture
def staff_client(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_admin_is_indonesian_by_default(staff_client):
    response = staff_client.get("/admin/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="id"' in page
    assert "Selamat datang," in page
    assert "Welcome," not in page


def test_admin_offers_the_language_switch(staff_client):
    page = staff_client.get("/admin/offices/office/").content.decode()
    assert 'id="language-switch"' in page
    assert 'action="/i18n/setlang/"' in page
    assert 'value="en"' in page
    assert 'value="id" selected' in page
    assert 'name="next" value="/admin/offices/office/"' in page


def test_switching_to_english_and_back(staff_client):
    response = staff_client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    page = staff_client.get("/admin/").content.decode()
    assert '<html lang="en"' in page
    assert "Welcome," in page
    assert "Selamat datang," not in page
    assert 'value="en" selected' in page

    staff_client.post("/i18n/setlang/", {"language": "id", "next": "/admin/"})
    assert "Selamat datang," in staff_client.get("/admin/").content.decode()


def test_an_unknown_language_keeps_indonesian(staff_client):
    staff_client.post("/i18n/setlang/", {"language": "xx", "next": "/admin/"})
    assert "Selamat datang," in staff_client.get("/admin/").content.decode()
