"""A content security policy on every page type, and no inline script or style to break it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory, make_case

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def pages(holder, coordinator):
    case = make_case(holder, first_name="Amina")
    admin = UserFactory(centre=None, is_staff=True, is_superuser=True, username="root")
    return [
        (None, reverse("login")),
        (None, "/no-such-page/"),
        (holder, reverse("home")),
        (holder, reverse("two_factor_setup")),
        (holder, reverse("two_factor_manage")),
        (holder, reverse("client_file", kwargs={"pk": case.client_id})),
        (holder, reverse("case_detail", kwargs={"pk": case.pk})),
        (holder, reverse("client_history", kwargs={"pk": case.client_id})),
        (holder, reverse("client_edit", kwargs={"pk": case.client_id})),
        (coordinator, reverse("reports_dashboard")),
        (admin, reverse("admin:index")),
        (admin, reverse("admin:casework_user_changelist")),
    ]


def test_every_page_type_sends_the_policy_and_needs_nothing_inline(web, holder, coordinator):
    for user, url in pages(holder, coordinator):
        response = web(user).get(url)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy, url
        assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy, url
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not HANDLER.search(html), url
        assert not STYLE_ATTRIBUTE.search(html), url
