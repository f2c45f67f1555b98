"""Who sees and changes which organisation: accounts/scope.py, the one place of scoping decisions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import Http404

from domeinwacht.web.accounts import scope
from domeinwacht.web.accounts.models import Membership, Profile
from domeinwacht.web.register.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs() -> tuple[Organisation, Organisation]:
    a = Organisation.objects.create(slug="gemeente-a", name="Gemeente A", type="gemeente")
    b = Organisation.objects.create(slug="gemeente-b", name="Gemeente B", type="gemeente")
    return a, b


def _member(name: str, org: Organisation, role: str) -> User:
    user = User.objects.create_user(name, password="x")
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


def test_anonymous_sees_no_organisation(orgs):
    assert not scope.visible_organisations(AnonymousUser()).exists()


def test_a_viewer_sees_only_their_organisation(orgs):
    a, _b = orgs
    user = _member("v", a, "viewer")
    assert list(scope.visible_organisations(user)) == [a]


def test_a_viewer_may_not_change_their_organisation(orgs):
    a, _ = orgs
    user = _member("v", a, "viewer")
    with pytest.raises(PermissionDenied):
        scope.require_edit(user, a)


def test_an_editor_may_change_their_organisation(orgs):
    a, _ = orgs
    scope.require_edit(_member("e", a, "editor"), a)


def test_another_organisations_object_is_not_found_rather_than_forbidden(orgs):
    a, b = orgs
    user = _member("e", a, "editor")
    with pytest.raises(Http404):
        scope.require_edit(user, b)


def test_an_analyst_sees_every_organisation_but_changes_none(orgs):
    a, b = orgs
    user = User.objects.create_user("analyst", password="x")
    Profile.objects.create(user=user, global_role="analyst")
    assert set(scope.visible_organisations(user)) == {a, b}
    assert not scope.editable_organisations(user).exists()


def test_a_superuser_is_admin(orgs):
    user = User.objects.create_superuser("root", password="x")
    assert scope.is_admin(user)
    assert scope.can_edit(user, orgs[1])


def test_an_inactive_member_sees_nothing(orgs):
    a, _ = orgs
    user = _member("gone", a, "editor")
    user.is_active = False
    user.save()
    assert not scope.visible_organisations(user).exists()
