"""The learner's own pages: sign in, and their learning record in a city (statements in plain words)."""

from datetime import datetime

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.utils import translation

from rianru.learners import selectors
from rianru.network.http import city_page


class LoginView(auth_views.LoginView):
    template_name = "learners/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def parse_cursor(value: str) -> tuple[datetime, int] | None:
    """`<ISO time>_<pk>` of the last entry shown; anything else starts from the newest."""
    at, _sep, pk = value.rpartition("_")
    try:
        moment = datetime.fromisoformat(at)
        return (moment, int(pk)) if moment.tzinfo else None
    except ValueError:
        return None


@city_page
def learning_record(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    learner = selectors.learner_for_user(user=request.user, city=request.city)
    context = {"learner": learner, "entries": [], "next_cursor": ""}
    if learner is not None:
        language = (translation.get_language() or "th")[:2]
        before = parse_cursor(request.GET.get("before", ""))
        entries, cursor = selectors.learner_statements(learner=learner, language=language, before=before)
        context.update(
            entries=entries,
            next_cursor=f"{cursor[0].isoformat()}_{cursor[1]}" if cursor else "",
            account=selectors.learner_account(learner)["account"],
            emails=list(learner.emails.order_by("address")),
        )
    return render(request, "learners/record.html", context)
