"""Token login and logout for API clients (knox: tokens stored hashed, with an expiry)."""

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from plumbing.api.problems import Problem
from plumbing.credentials import user_tokens_revoke


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField()


class TokenLoginView(APIView):
    """Exchange a username and password for an expiring API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    problem_responses = {
        401: "`authentication-failed`: wrong username or password",
        429: "`throttled`: too many logins from this address; `login-locked-out`: too many failed logins "
        "for this username from this address, refused even with the right password. Wait for `Retry-After` "
        "seconds.",
    }

    @extend_schema(request=CredentialsSerializer, responses={200: TokenSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request._request, **credentials.validated_data)
        if user is None:
            raise Problem(
                _("Wrong username or password."), "authentication-failed", status_code=status.HTTP_401_UNAUTHORIZED
            )
        instance, token = AuthToken.objects.create(user=user)
        # As a session login does: last_login is kept, and the failures counted so far are cleared.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        return Response(TokenSerializer({"token": token, "expiry": instance.expiry}).data)


class TokenLogoutView(APIView):
    """Revoke the token this request was made with."""

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenLogoutAllView(APIView):
    """Revoke every token of the caller: a lost device, or a token that may have leaked."""

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request) -> Response:
        user_tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
