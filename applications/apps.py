from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Passport applications")

    def ready(self) -> None:
        # Imported here, not at the top: the models and what uses them load only once apps are ready.
        from applications import reporting
        from applications.api.serializers import (
            ACTION_INPUT_SERIALIZERS,
            ApplicationCreateSerializer,
            ApplicationSerializer,
        )
        from applications.models import PassportApplication
        from applications.notifications import schedule_notifications
        from applications.selectors import applications_visible_to
        from applications.services import application_act, application_submit
        from applications.workflow import CLOSED, PASSPORT_WORKFLOW, Status
        from casework.kinds import CaseKind, CaseKindSpec, kind_register
        from offices.models import Capability

        kind_register(
            CaseKindSpec(
                name=CaseKind.PASSPORT.value,
                label=CaseKind.PASSPORT.label,
                model=PassportApplication,
                workflow=PASSPORT_WORKFLOW,
                statuses=Status,
                closed=CLOSED,
                type_field="application_type",
                capabilities=frozenset({Capability.CENTRAL_RECORDS, Capability.PRINTING}),
                capacity=lambda office: office.passport_capacity,
                notifications=schedule_notifications,
                related=("applicant",),
                message_columns=("reference", "office", "applicant__email"),
                selector=applications_visible_to,
                submit=application_submit,
                act=application_act,
                case_serializer=ApplicationSerializer,
                create_serializer=ApplicationCreateSerializer,
                action_input_serializers=ACTION_INPUT_SERIALIZERS,
                measures=reporting.MEASURES,
                fee_groups=reporting.fee_groups(),
                short_label=_("Passports"),
            )
        )
