"""Types every app's services share."""

from typing import TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

# Who asks for a write: a signed-in user, an anonymous visitor, or None for the system itself (the CLI, a
# background job, the demo loader), which the permission predicates do not ask about.
Actor: TypeAlias = AbstractBaseUser | AnonymousUser | None
