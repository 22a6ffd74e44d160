"""`rianru learners create|email|erase|relink`: the same services, with clear messages."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from rianru.learners.models import Learner, LearnerStatement
from rianru.lrs.models import Statement
from rianru.lrs.tests.helpers import statement


def run(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command(*args, stdout=out)
    return out.getvalue()


def test_create_verify_relink_and_erase(kk, store, django_capture_on_commit_callbacks):
    store(statement())  # actor mailto:somsri@example.org
    with django_capture_on_commit_callbacks(execute=True):
        out = run("learners_create", "--city", "khon-kaen", "--user", "somsri", "--account", "somsri",
                  "--email", "somsri@example.org", "--json")  # fmt: skip
    assert json.loads(out)["agent"]["account"] == {
        "homePage": "https://rianru.org/khon-kaen/",
        "name": "somsri",
    }
    learner = Learner.objects.get()
    assert not learner.statement_links.exists()  # the address is not verified
    with django_capture_on_commit_callbacks(execute=True):
        out = run("learners_email", "verify", "somsri@example.org", "--city", "khon-kaen")
    assert "verified" in out
    assert learner.statement_links.count() == 1
    LearnerStatement.objects.all().delete()
    assert "1 new links" in run("learners_relink", "--city", "khon-kaen")
    out = run("learners_erase", "--city", "khon-kaen", "--account", "somsri")
    assert "1 statements would be pseudonymised" in out and Learner.objects.exists()
    report = json.loads(
        run("learners_erase", "--city", "khon-kaen", "--account", "somsri", "--yes", "--json")
    )
    assert report["statements"] == 1 and report["emails"] == 1 and report["user_deleted"]
    assert not Learner.objects.exists()
    assert "somsri" not in json.dumps(Statement.objects.get().data)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("learners_create", "--city", "nowhere", "--user", "x"), "no city"),
        (("learners_create", "--city", "khon-kaen"), "--user"),
        (("learners_create", "--city", "khon-kaen", "--user", "x", "--account", "BAD NAME"), "account name"),
        (
            ("learners_create", "--city", "khon-kaen", "--user", "x", "--email", "not-an-address"),
            "not an e-mail",
        ),
        (("learners_erase", "--city", "khon-kaen", "--account", "nobody"), "no such learner"),
        (("learners_erase", "--city", "khon-kaen"), "Name the learner"),
        (
            ("learners_email", "verify", "x@example.org", "--city", "khon-kaen", "--account", "somsri"),
            "has no address",
        ),
    ],
)
def test_bad_input_gets_a_clear_message(kk, args, message):
    run("learners_create", "--city", "khon-kaen", "--user", "somsri", "--account", "somsri")
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert Learner.objects.count() == 1  # nothing half-written
    assert get_user_model().objects.count() == 1
