"""The demo's housing support: records at several stages, every kind of flag, run twice."""

from decimal import Decimal

from server.accounts.models import Role
from server.registry.models import Household
from server.registry.services import household_create
from server.support.demo import seed_support_demo
from server.support.models import FlagCheck, Payment, PhotoFlag, SupportCircumstance
from server.support.selectors import record_stage
from server.support.stages import Stage


def poor_households(tree, count):
    homes = []
    for i in range(count):
        home = household_create(
            actor=None,
            village=tree.village1a,
            members=[],
            data={"code": f"DEMO{i:02d}", "head_name": f"Hộ {i}"},
        )
        Household.objects.filter(pk=home.pk).update(
            status="poor", latitude=Decimal("22.665712") + i, longitude=Decimal("106.257934")
        )
        homes.append(home)
    return homes


def test_the_demo_builds_records_at_every_stage_with_each_flag(personas, tree):
    poor_households(tree, 9)
    admin = personas[Role.PROVINCE_ADMIN]
    records = seed_support_demo(commune=tree.commune1, actor=admin)
    assert [record_stage(r) for r in records] == [
        Stage.APPROVED,
        Stage.STARTED,
        Stage.FOUNDATION,
        Stage.ROOF,
        Stage.COMPLETED,
        Stage.IN_USE,
    ]
    kinds = sorted(PhotoFlag.objects.values_list("kind", flat=True))
    assert kinds == [FlagCheck.FAR, FlagCheck.NO_GPS, FlagCheck.REUSED]
    assert Payment.objects.count() == 5
    assert SupportCircumstance.objects.filter(no_house=True).count() == 3


def test_running_the_demo_again_changes_nothing(personas, tree):
    poor_households(tree, 9)
    admin = personas[Role.PROVINCE_ADMIN]
    seed_support_demo(commune=tree.commune1, actor=admin)
    counts = (PhotoFlag.objects.count(), Payment.objects.count())
    seed_support_demo(commune=tree.commune1, actor=admin)
    assert (PhotoFlag.objects.count(), Payment.objects.count()) == counts
