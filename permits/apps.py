from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    name = "permits"
    verbose_name = _("Stay permits")

    def ready(self) -> None:
        # Imported here, not at the top: the models and what uses them load only once apps are ready.
        from casework.api.serializers import ACTION_INPUT_SERIALIZERS
        from casework.kinds import CaseKind, CaseKindSpec, kind_register
        from offices.models import Capability
        from permits import reporting
        from permits.api.serializers import PermitApplicationCreateSerializer, StayPermitApplicationSerializer
        from permits.models import StayPermitApplication
        from permits.notifications import schedule_notifications
        from permits.selectors import permit_applications_visible_to
        from permits.services import permit_application_act, permit_application_submit
        from permits.workflow import CLOSED, PERMIT_WORKFLOW, Status

        kind_register(
            CaseKindSpec(
                name=CaseKind.PERMIT.value,
                label=CaseKind.PERMIT.label,
                model=StayPermitApplication,
                workflow=PERMIT_WORKFLOW,
                statuses=Status,
                closed=CLOSED,
                type_field="permit_type",
                capabilities=frozenset({Capability.CENTRAL_RECORDS, Capability.PERMIT_ISSUANCE}),
                capacity=lambda office: office.permit_capacity,
                notifications=schedule_notifications,
                related=("foreigner", "sponsor"),
                message_columns=("reference", "office", "foreigner__full_name", "foreigner__email", "sponsor__email"),
                selector=permit_applications_visible_to,
                submit=permit_application_submit,
                act=permit_application_act,
                case_serializer=StayPermitApplicationSerializer,
                create_serializer=PermitApplicationCreateSerializer,
                action_input_serializers=ACTION_INPUT_SERIALIZERS,
                measures=reporting.MEASURES,
                fee_groups=reporting.fee_groups(),
                short_label=_("Stay permits"),
            )
        )
