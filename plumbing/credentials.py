"""Credentials that end together: an API token dies with the password or the account it came from.

Knox refuses an inactive user's token while the user stays inactive, but a token that survived a
password change still answers for whoever stole it; and a reactivated account would bring its old
tokens back to life. So every token of a user is deleted, in the same transaction, when their
password changes or their account is deactivated. Admin sessions already end with a password
change (Django's session hash) and with deactivation (the backend refuses inactive users).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import pre_save
from django.http import HttpRequest
from django.utils import timezone
from knox.models import AuthToken

# The session key holding when the session was last written (seconds since the epoch); see
# plumbing.middleware.SessionIdleMiddleware.
SESSION_SEEN_KEY = "_seen"

_CREDENTIAL_FIELDS = frozenset({"password", "is_active"})


def user_tokens_revoke(*, user: AbstractBaseUser) -> int:
    """Delete every API token of ``user``; the number deleted."""
    deleted, _by_model = AuthToken.objects.filter(user=user).delete()
    return deleted


def _revoke_tokens_on_credential_change(
    sender: type[AbstractBaseUser], instance: AbstractBaseUser, raw: bool, update_fields: Any, **kwargs: Any
) -> None:
    if raw or instance.pk is None:
        return
    if update_fields is not None and not _CREDENTIAL_FIELDS & set(update_fields):
        return  # the login's last_login, the groups' is_staff: nothing that ends a credential
    before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["password"] != instance.password or (before["is_active"] and not instance.is_active):
        user_tokens_revoke(user=instance)


def _stamp_session_on_login(sender: type, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any) -> None:
    # A token login sends the signal too, without a session of its own to stamp.
    session = getattr(request, "session", None)
    if session is not None and session.session_key is not None:
        session[SESSION_SEEN_KEY] = int(timezone.now().timestamp())


def credentials_signals_connect() -> None:
    pre_save.connect(
        _revoke_tokens_on_credential_change, sender=get_user_model(), dispatch_uid="plumbing.credentials.tokens"
    )
    user_logged_in.connect(_stamp_session_on_login, dispatch_uid="plumbing.credentials.session")
