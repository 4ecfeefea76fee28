"""Keep groups in step with memberships, however a membership is written or removed."""

from django.apps import apps
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from offices.models import Membership, Office
from offices.outages import capability_states_ensure
from offices.services import role_groups_sync, user_groups_sync


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender: type, instance: Membership, **kwargs: object) -> None:
    user_groups_sync(user=instance.user)


@receiver(post_migrate)
def groups_after_migrate(sender: object, **kwargs: object) -> None:
    """Refresh the role groups once per ``migrate``, after the last app's permissions exist."""
    if sender is list(apps.get_app_configs())[-1]:
        role_groups_sync()


@receiver(post_save, sender=Office)
def office_saved(sender: type, instance: Office, created: bool, **kwargs: object) -> None:
    """Every office has its capability lock rows from the moment it exists."""
    if created:
        capability_states_ensure(offices=[instance])
