"""Admin for regions, offices, memberships and users, each scoped to what the user may see."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from offices.admin_checks import CheckedInputAdminMixin
from offices.admin_scope import ScopedAdminMixin
from offices.models import Membership, Office, Region
from offices.selectors import memberships_visible_to, user_scope
from offices.services import membership_can_manage, user_can_manage

User = get_user_model()

# The user fields only a superuser changes (everything but ``is_active``).
MANAGED_USER_READONLY_FIELDS = (
    "username",
    "password",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_superuser",
    "groups",
    "user_permissions",
    "last_login",
    "date_joined",
)


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Regions the user oversees, and the regions of the offices they belong to."""

    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        scope = user_scope(request.user)
        queryset = Region.objects.all()
        if scope.everything:
            return queryset
        return queryset.filter(
            Q(pk__in=sorted(scope.region_ids)) | Q(offices__pk__in=sorted(scope.office_ids))
        ).distinct()


@admin.register(Office)
class OfficeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_office_field = ""
    list_display = [
        "code",
        "name",
        "office_class",
        "region",
        "city",
        "timezone",
        "tpi",
        "passport_capacity",
        "permit_capacity",
        "is_active",
    ]
    list_filter = ["region", "office_class", "timezone", "tpi", "is_active"]
    search_fields = ["code", "name", "city"]
    list_select_related = ["region"]
    readonly_fields = ["source"]

    def get_readonly_fields(self, request: HttpRequest, obj: Office | None = None) -> list[str]:
        # The code is referenced by every case reference: it never changes once an office exists.
        return [*self.readonly_fields, "code"] if obj else list(self.readonly_fields)


class MembershipForm(forms.ModelForm):
    """Refuses a membership its author may not grant, whatever the admin offered.

    On the change page ``user`` is read-only (see ``MembershipAdmin.get_readonly_fields``).
    """

    actor: Any = None

    class Meta:
        model = Membership
        fields = ["user", "role", "office", "region"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        role, office, region = cleaned.get("role"), cleaned.get("office"), cleaned.get("region")
        if role and not membership_can_manage(actor=self.actor, role=role, office=office, region=region):
            raise forms.ValidationError(_("You may not grant this role at this scope."), code="permission-denied")
        if self.instance.pk and not membership_can_manage(
            actor=self.actor, role=self.instance.role, office=self.instance.office, region=self.instance.region
        ):
            raise forms.ValidationError(_("You may not change this membership."), code="permission-denied")
        return cleaned

    def _get_validation_exclusions(self) -> set[str]:
        # A read-only ``user`` is not a form field, so Django would leave it out of the unique
        # check and a duplicate role would reach the database as an IntegrityError. The instance
        # holds the user, so the constraint can be checked as usual.
        exclusions = super()._get_validation_exclusions()
        if self.instance.pk:
            exclusions.discard("user")
        return exclusions


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "role", "office", "region", "created_at"]
    list_filter = ["role", "office__region"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "office__code", "office__name"]
    list_select_related = ["user", "office", "region"]
    autocomplete_fields = ["user", "office"]

    def scoped_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return memberships_visible_to(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> list[str]:
        # A membership is revoked and granted anew, never handed to another person: the grant's
        # history (who gave whom which role) must stay about one user.
        return [*self.readonly_fields, "user"] if obj else list(self.readonly_fields)

    def get_form(
        self, request: HttpRequest, obj: Membership | None = None, change: bool = False, **kwargs: Any
    ) -> type:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.actor = request.user
        return form

    def _may_manage(self, request: HttpRequest, obj: Membership | None) -> bool:
        if obj is None:
            return True
        return membership_can_manage(actor=request.user, role=obj.role, office=obj.office, region=obj.region)

    def has_change_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_manage(request, obj)


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(CheckedInputAdminMixin, UserAdmin):
    """Users, limited for office heads to their staff and to people not yet placed anywhere.

    Not a ``ScopedAdminMixin``: a user is reached through memberships, or through none at all.
    """

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser or user_scope(request.user).everything:
            return queryset
        visible = memberships_visible_to(request.user).values("user_id")
        return queryset.filter(Q(memberships__isnull=True) | Q(pk__in=visible)).distinct()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Office heads, supervisors and national administrators place staff through memberships
        # and may switch an account on or off; names, passwords, staff and superuser status,
        # groups and permissions are a superuser's. A read-only field is not in the form, so a
        # crafted POST of it is ignored.
        if request.user.is_superuser or obj is None:
            return list(self.readonly_fields)
        return [*MANAGED_USER_READONLY_FIELDS, *self.readonly_fields]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or user_can_manage(actor=request.user, user=obj)
        )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Setting another person's password is taking their account: a superuser's act only.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


from offices import admin_outages  # noqa: E402, F401
