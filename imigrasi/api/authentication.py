"""How API clients authenticate: knox tokens, read safely.

Kept apart from the login views: DRF imports the authentication classes while it sets itself up,
before views can be imported.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from knox import auth as knox_auth
from knox.models import AuthToken
from rest_framework import exceptions


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's token authentication, refusing a token that is not printable ASCII before knox reads it.

    knox decodes the token as UTF-8 and looks it up: a byte that is not UTF-8 was a 500, a NUL
    a database error. Every token knox issues is printable ASCII, so anything else is simply wrong.
    """

    def authenticate_credentials(self, token: bytes) -> tuple[Any, AuthToken]:
        if not all(0x21 <= byte <= 0x7E for byte in token):
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        return super().authenticate_credentials(token)
