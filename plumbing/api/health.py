"""Liveness and readiness for load balancers and monitoring."""

from celery import current_app as celery_app
from django.conf import settings
from django.db import DatabaseError, connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


class HealthView(APIView):
    """Whether this instance can reach its database (and broker, when one is configured)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        tags=["status"],
        responses={
            (200, "application/json"): inline_serializer(
                "Health",
                {
                    "status": serializers.ChoiceField(["ok", "unavailable"]),
                    "database": serializers.BooleanField(),
                    "broker": serializers.BooleanField(allow_null=True, help_text="null: no broker configured"),
                },
            ),
            (503, "application/json"): inline_serializer(
                "HealthUnavailable",
                {
                    "status": serializers.ChoiceField(["unavailable"]),
                    "database": serializers.BooleanField(),
                    "broker": serializers.BooleanField(allow_null=True),
                },
            ),
        },
    )
    def get(self, request: Request) -> Response:
        database = _database_ok()
        broker = _broker_ok() if settings.CELERY_BROKER_URL else None
        healthy = database and broker is not False
        return Response(
            {"status": "ok" if healthy else "unavailable", "database": database, "broker": broker},
            status=200 if healthy else 503,
        )
