"""The roles a membership can grant, and where each may be held.

A role is held at a scope: an office, a region (the provinces a Kanwil supervises) or the whole
nation. Which scope a role needs is decided here and enforced by database constraints on
``Membership``.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", _("Front desk")
    BIOMETRIC_OPERATOR = "biometric_operator", _("Biometric operator")
    INTERVIEWER = "interviewer", _("Interviewer")
    ADJUDICATOR = "adjudicator", _("Adjudicator")
    PRINT_OPERATOR = "print_operator", _("Print operator")
    HANDOVER_OFFICER = "handover_officer", _("Hand-over officer")
    OFFICE_HEAD = "office_head", _("Office head")
    REGIONAL_SUPERVISOR = "regional_supervisor", _("Regional supervisor")
    NATIONAL_ADMIN = "national_admin", _("National administrator")
    API_CLIENT = "api_client", _("API client")


# Roles held at exactly one office.
OFFICE_ROLES = frozenset(
    {
        Role.FRONT_DESK,
        Role.BIOMETRIC_OPERATOR,
        Role.INTERVIEWER,
        Role.ADJUDICATOR,
        Role.PRINT_OPERATOR,
        Role.HANDOVER_OFFICER,
        Role.OFFICE_HEAD,
    }
)

# Roles whose holders work in the Django admin. API clients are service accounts and do not.
STAFF_ROLES = frozenset(set(Role) - {Role.API_CLIENT})

# Roles that oversee offices rather than work their cases: they read the backlog and the reports of
# the offices where they hold the role. API clients are among them: integrations read both.
OVERSEEING_ROLES = frozenset({Role.OFFICE_HEAD, Role.REGIONAL_SUPERVISOR, Role.NATIONAL_ADMIN, Role.API_CLIENT})

# Office roles an office head may grant at their own office. Making someone office head is for
# headquarters: a head who could appoint heads could hand the office to anyone.
ROLES_GRANTED_BY_OFFICE_HEAD = OFFICE_ROLES - {Role.OFFICE_HEAD}

# Django model permissions of each role's group, so that the admin shows each role the models it
# works with. Which rows it sees is the scope's business (offices.selectors), never the group's.
# Every staff role reads the cases of its scope (passports and stay permits), the people and
# sponsors in them, the permits issued, the holders in protected stay or overstaying, and the
# outages that hold the cases.
_CASE_READER = (
    "offices.view_office",
    "offices.view_outage",
    "applications.view_passportapplication",
    "applications.view_applicant",
    "casework.view_notification",
    "permits.view_staypermitapplication",
    "permits.view_staypermit",
    "permits.view_foreigner",
    "permits.view_sponsor",
    "permits.view_stayexception",
    # The queue of released cases: every office's staff work it in order after an outage.
    "recovery.view_releaseentry",
)
# Declaring an outage is "add", resolving it "change"; which scopes each may touch is decided by
# offices.outages.outage_can_manage.
_OUTAGE_MANAGER = ("offices.add_outage", "offices.change_outage")
# Those who manage outages follow their recovery: the backlog, each release's progress (pausing
# and resuming an office is an action of the release page, checked by recovery.services) and the
# outage's impact; they add recovery capacity through recovery_capacity_set. A capacity is never
# changed or deleted: the plans fixed while it existed count on it.
_RECOVERY_MANAGER = (
    "recovery.view_backlogoffice",
    "recovery.view_outageimpact",
    "recovery.view_release",
    "recovery.view_releaseoffice",
    "recovery.view_recoverycapacity",
    "recovery.add_recoverycapacity",
    # The dashboard and the report pages of the offices they oversee (reports.admin).
    "reports.view_dashboard",
    # Their own report workbooks built by a worker (reports.admin.downloads).
    "reports.view_reportdownload",
)

# Those who place staff: memberships within their scope (offices.services.membership_can_manage)
# and a user's activation; every other field of a user, and groups, permissions, staff and
# superuser status, are a superuser's alone (offices.admin.StaffUserAdmin).
_USER_MANAGER = (
    "auth.view_user",
    "auth.change_user",
    "offices.view_region",
    "offices.view_membership",
    "offices.add_membership",
    "offices.change_membership",
    "offices.delete_membership",
)

GROUP_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Taking in an application is "add"; every later step goes through the workflow actions,
    # never through "change".
    Role.FRONT_DESK: (*_CASE_READER, "applications.add_passportapplication", "permits.add_staypermitapplication"),
    Role.BIOMETRIC_OPERATOR: _CASE_READER,
    Role.INTERVIEWER: _CASE_READER,
    Role.ADJUDICATOR: _CASE_READER,
    Role.PRINT_OPERATOR: _CASE_READER,
    Role.HANDOVER_OFFICER: _CASE_READER,
    Role.OFFICE_HEAD: (
        *_CASE_READER,
        *_OUTAGE_MANAGER,
        *_RECOVERY_MANAGER,
        *_USER_MANAGER,
    ),
    Role.REGIONAL_SUPERVISOR: (
        *_CASE_READER,
        *_OUTAGE_MANAGER,
        *_RECOVERY_MANAGER,
        *_USER_MANAGER,
    ),
    Role.NATIONAL_ADMIN: (
        *_CASE_READER,
        *_OUTAGE_MANAGER,
        *_RECOVERY_MANAGER,
        *_USER_MANAGER,
        "auth.add_user",
        "offices.change_office",
    ),
    Role.API_CLIENT: (),
}
