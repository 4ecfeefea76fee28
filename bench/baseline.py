"""The bare baselines: each endpoint's rows served by plain DRF, with no auth, scoping or history.

A figure of the HTTP suite is read beside its baseline, served by the same gunicorn workers from
the same database, so that the ratio says what the application adds (tokens, scopes, personal-data
log, serializers' extras, the workflow) and not what the machine costs. Each view reads the same
row or page: the same filter, the same order, the same page size, the case's person joined.
Included only by ``bench.urls`` (``bench.settings``), never by the project's URLs.
"""

import uuid
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Now
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from applications.models import Applicant, PassportApplication
from offices.models import Office
from permits.models import Foreigner, StayPermit, StayPermitApplication
from reports.models import DailyRollup

PAGE = 50


class ApplicantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Applicant
        fields = "__all__"


class PassportSerializer(serializers.ModelSerializer):
    applicant = ApplicantSerializer()
    office = serializers.CharField(source="office.code")

    class Meta:
        model = PassportApplication
        exclude = ["created_by"]


class ForeignerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Foreigner
        fields = "__all__"


class PermitApplicationSerializer(serializers.ModelSerializer):
    foreigner = ForeignerSerializer()
    office = serializers.CharField(source="office.code")

    class Meta:
        model = StayPermitApplication
        exclude = ["created_by"]


class StayPermitSerializer(serializers.ModelSerializer):
    holder = ForeignerSerializer()

    class Meta:
        model = StayPermit
        fields = "__all__"


class RollupSerializer(serializers.ModelSerializer):
    class Meta:
        model = DailyRollup
        fields = "__all__"


class Bare(APIView):
    """No authentication, permission, throttle or content negotiation beyond JSON."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []


def _page(queryset: QuerySet, serializer: type[serializers.Serializer], size: int = PAGE) -> Response:
    """The first page as the cursor pagination reads it: one row more than shown, to know if there is a next."""
    rows = list(queryset[: size + 1])
    return Response({"next": None, "results": serializer(rows[:size], many=True).data})


def _passports() -> QuerySet:
    return PassportApplication.objects.select_related("applicant", "office")


class PassportList(Bare):
    """``?office=`` and ``?q=`` as the API's filter reads them, newest first."""

    def get(self, request: Request) -> Response:
        queryset = _passports().order_by("-id")
        if office := request.query_params.get("office"):
            queryset = queryset.filter(office__code=office.upper())
        if q := request.query_params.get("q", "").strip():
            queryset = queryset.filter(
                Q(reference__startswith=q.upper()) | Q(applicant__nik=q) | Q(applicant__full_name__icontains=q)
            )
        size = int(request.query_params.get("size", PAGE))
        return _page(queryset, PassportSerializer, size)

    def post(self, request: Request) -> Response:
        """An intake without the workflow: the applicant and the application inserted as they come."""
        body: dict[str, Any] = request.data
        office = Office.objects.get(code=body["office"])
        applicant = Applicant.objects.create(**body["applicant"])
        case = PassportApplication.objects.create(
            office=office,
            reference=f"BARE-{uuid.uuid4().hex[:20]}",
            applicant=applicant,
            application_type=body["application_type"],
            passport_kind=body["passport_kind"],
            validity_years=body["validity_years"],
            service=body.get("service", "regular"),
            channel=body["channel"],
            priority=body.get("priority", ""),
            fee_idr=650_000,
        )
        return Response(PassportSerializer(case).data, status=201)


class PassportDetail(Bare):
    def get(self, request: Request, reference: str) -> Response:
        return Response(PassportSerializer(_passports().get(reference=reference)).data)


class PassportAction(Bare):
    """A state change without the workflow: the status and version written, the row read back."""

    def post(self, request: Request, reference: str) -> Response:
        # An update of the row, as the status field takes no assignment outside the workflow.
        PassportApplication.objects.filter(reference=reference).update(
            status="incomplete", version=F("version") + 1, updated_at=Now()
        )
        return Response(PassportSerializer(_passports().get(reference=reference)).data)


class PermitList(Bare):
    def get(self, request: Request) -> Response:
        queryset = StayPermitApplication.objects.select_related("foreigner", "office").order_by("-id")
        return _page(queryset, PermitApplicationSerializer)


class PermitDetail(Bare):
    def get(self, request: Request, reference: str) -> Response:
        queryset = StayPermitApplication.objects.select_related("foreigner", "office")
        return Response(PermitApplicationSerializer(queryset.get(reference=reference)).data)


class EndedPermits(Bare):
    """The permits ended with their holders, earliest end first: the rows the protected list starts from."""

    def get(self, request: Request) -> Response:
        queryset = StayPermit.objects.select_related("holder").filter(status="expired").order_by("valid_until", "id")
        return _page(queryset, StayPermitSerializer)


class Rollup(Bare):
    """The daily rollup of a region (or the nation) over a range: what the reports start from."""

    def get(self, request: Request) -> Response:
        queryset = DailyRollup.objects.filter(
            day__range=(request.query_params["start"], request.query_params["end"])
        ).order_by("office_id", "day", "measure", "key")
        if region := request.query_params.get("region"):
            queryset = queryset.filter(office__region__code=region)
        return _page(queryset, RollupSerializer, 100)


urlpatterns = [
    path("passport-applications/", PassportList.as_view()),
    path("passport-applications/<str:reference>/", PassportDetail.as_view()),
    path("passport-applications/<str:reference>/action/", PassportAction.as_view()),
    path("stay-permit-applications/", PermitList.as_view()),
    path("stay-permit-applications/<str:reference>/", PermitDetail.as_view()),
    path("stay-permits/ended/", EndedPermits.as_view()),
    path("rollup/", Rollup.as_view()),
]
