"""The suite runs on its own clock (conftest.TODAY): what today is never depends on the day it runs."""

from datetime import date

import pytest
import time_machine
from django.utils import timezone

from xindai.conftest import TODAY


@pytest.fixture(scope="module")
def module_today():
    return timezone.localdate()  # module-wide books are built on the same clock


def test_today_is_the_suites_today(module_today):
    assert timezone.localdate() == module_today == TODAY.date() == date(2026, 12, 1)
    assert timezone.now() >= TODAY  # it ticks on from there


def test_a_test_moves_the_clock_and_it_comes_back():
    with time_machine.travel(date(2027, 3, 1), tick=False):
        assert timezone.localdate() == date(2027, 3, 1)
    assert timezone.localdate() == TODAY.date()
