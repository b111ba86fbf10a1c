"""scope_for(user) for every scope kind: what each user of the test organisation reaches."""

import pytest

from xindai.core.scope import Reach, scope_for
from xindai.org.models import RegionLevel
from xindai.org.tests.factories import UserFactory


def test_admin_and_leader_see_everything(world):
    assert scope_for(world.admin).reach == Reach.ALL
    assert scope_for(world.leader).reach == Reach.ALL


def test_branch_scope_covers_the_branch_and_its_sub_branches(world):
    scope = scope_for(world.manager_a)
    assert scope.reach == Reach.BRANCH
    assert scope.branch_ids == {world.branch_a.pk, world.sub_branch_a1.pk}


def test_personal_scope_is_the_user_alone(world):
    scope = scope_for(world.officer_a1)
    assert (scope.reach, scope.user_id) == (Reach.PERSONAL, world.officer_a1.pk)


@pytest.mark.parametrize(
    "attr, level",
    [
        ("county_user_a", RegionLevel.COUNTY),
        ("township_user_a2", RegionLevel.TOWNSHIP),
        ("village_user_a1", RegionLevel.VILLAGE),
    ],
)
def test_external_users_reach_their_region_node(world, attr, level):
    user = getattr(world, attr)
    scope = scope_for(user)
    assert (scope.reach, scope.region_level, scope.region_id) == (Reach.REGION, level, user.region_id)


def test_inactive_and_anonymous_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    world.officer_a.is_active = False
    assert scope_for(world.officer_a).reach == Reach.NOTHING
    assert scope_for(AnonymousUser()).reach == Reach.NOTHING


def test_the_database_refuses_a_bank_user_with_a_region_scope(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(scope="region", region=world.county_a)


def test_the_database_refuses_an_external_user_without_region(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(kind="external", scope="region", region=None, branch=None)
