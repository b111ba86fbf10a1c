"""A hand-edited URL with a malformed ID answers 404, never a server error."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "url",
    [
        reverse("org:region_list") + "?parent=abc",
        reverse("org:region_create") + "?parent=1;drop",
        reverse("org:region_pick") + "?level=x",
        reverse("org:user_list") + "?role=x",
        reverse("org:user_list") + "?branch=x",
        reverse("customers:contact_create") + "?customer=abc",
        reverse("customers:channel_list") + "?edit=abc",
    ],
)
def test_malformed_ids_answer_404(world, login, url):
    assert login(world.admin).get(url).status_code == 404
