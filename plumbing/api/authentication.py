"""How API clients authenticate: knox tokens, read safely.

Kept apart from the login views: DRF imports the authentication classes while it sets itself up,
before views can be imported.
"""

import binascii
from hmac import compare_digest
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox import auth as knox_auth
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's tokens, checked with one indexed query.

    A token that is not printable ASCII is refused before any lookup: knox decoded it as UTF-8
    (a byte that is not UTF-8 was a 500) and looked it up (a NUL was a database error); every
    token knox issues is printable ASCII. knox also read every other token of the user on each
    request to delete the expired ones, a cost that grows with the tokens a service account
    holds; here expired tokens are simply not found, and a daily task deletes them
    (``plumbing.tasks.api_tokens_purge``).
    """

    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        invalid = exceptions.AuthenticationFailed(_("Invalid token."))
        if not all(0x21 <= byte <= 0x7E for byte in token):
            raise invalid
        text = token.decode("ascii")
        try:
            digest = hash_token(text)
        except (TypeError, ValueError, binascii.Error):
            raise invalid from None
        live = Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
        for auth_token in AuthToken.objects.filter(live, token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related(
            "user"
        ):
            if compare_digest(digest, auth_token.digest):
                return self.validate_user(auth_token)
        raise invalid
