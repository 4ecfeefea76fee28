"""OpenAPI schema: every operation declares the problem documents it can answer with."""

from typing import Any, Literal

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from plumbing.api.pagination import CursorPagination
from plumbing.api.problems import PROBLEM_CONTENT_TYPE


class TokenScheme(KnoxTokenScheme):
    """Our token authentication is knox's, read more carefully: the schema describes it as knox's."""

    target_class = "plumbing.api.authentication.TokenAuthentication"


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The field, dotted for nested fields (`applicant.nik`).")
    code = serializers.CharField(help_text="Stable code of the failure, e.g. `required`, `nik-checksum`.")
    reason = serializers.CharField(help_text="Human-readable reason, in the request's language.")


class ProblemSerializer(serializers.Serializer):
    """An error, as ``application/problem+json`` (RFC 9457)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Stable machine-readable code; see each response.")
    invalid_params = InvalidParamSerializer(many=True, required=False)
    case_status = serializers.CharField(
        required=False, help_text="With `invalid-transition`: the case's status, which does not allow the action."
    )


def problem(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ProblemSerializer, description=description)


class ProblemAutoSchema(AutoSchema):
    """Adds the error responses every operation can give, and those a view declares.

    A view lists its own in ``problem_responses`` (status code → description), for example
    ``{409: "`invalid-transition`, `outage-active`"}``.
    """

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status_code, description in self._problem_responses().items():
            key = str(status_code)
            if key not in responses:
                responses[key] = self._get_response_for_code(
                    problem(description), key, [PROBLEM_CONTENT_TYPE], direction
                )
        return responses

    def _problem_responses(self) -> dict[int, str]:
        found: dict[int, str] = {
            405: "`method-not-allowed`",
            406: "`not-acceptable`",
        }
        if self.view.get_throttles():
            found[429] = "`throttled`: wait for `Retry-After` seconds."
        if self.method in ("POST", "PUT", "PATCH"):
            found[400] = "`invalid` (see `invalid_params`), `malformed-json`"
            found[413] = "`payload-too-large`: the body is longer than `DATA_UPLOAD_MAX_MEMORY_SIZE`"
            found[415] = "`unsupported-media-type`"
        # Detail views filter too (``get_object`` runs the filter backends), so an unknown query
        # parameter is refused there as well; ``get_filter_backends`` reports list views only.
        if self.get_filter_backends() or self._is_list_view() or getattr(self.view, "filter_backends", None):
            found[400] = found.get(400, "`invalid` (see `invalid_params`): unknown or malformed query parameter")
        if self._is_list_view() and isinstance(getattr(self.view, "paginator", None), CursorPagination):
            found[400] += "; `invalid-cursor`: a cursor this list did not give out"
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            found[401] = "`not-authenticated`, `authentication-failed`"
            found[403] = "`permission-denied`"
        if "{" in self.path:
            found[404] = "`not-found`: does not exist or is outside your scope"
        found.update(getattr(self.view, "problem_responses", {}))
        return found
