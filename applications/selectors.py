"""Reads of passport applications: what a user may see."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from applications.models import PassportApplication
from offices.selectors import user_scope


def applications_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[PassportApplication]:
    """The one answer to "which applications may this user see", used by admin, API and reports."""
    return PassportApplication.objects.filter(user_scope(user).filter_for("office")).select_related(
        "office", "applicant"
    )
