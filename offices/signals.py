"""Keep groups in step with memberships, however a membership is written or removed."""

from django.apps import apps
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
from django.dispatch import receiver

from offices.models import Membership, Office
from offices.outages import capability_states_ensure
from offices.services import role_groups_sync, user_groups_sync

_PREVIOUS_USER_ATTRIBUTE = "_imigrasi_previous_user_id"


@receiver(pre_save, sender=Membership)
def membership_saving(sender: type, instance: Membership, **kwargs: object) -> None:
    """Remember who held the membership before, so a reassigned one also updates its old holder."""
    previous = None
    if instance.pk is not None:
        previous = Membership.objects.filter(pk=instance.pk).values_list("user_id", flat=True).first()
    setattr(instance, _PREVIOUS_USER_ATTRIBUTE, previous)


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def membership_changed(sender: type, instance: Membership, **kwargs: object) -> None:
    user_groups_sync(user=instance.user)
    previous = getattr(instance, _PREVIOUS_USER_ATTRIBUTE, None)
    if previous is not None and previous != instance.user_id:
        user_groups_sync(user=instance.user.__class__.objects.get(pk=previous))


@receiver(post_migrate)
def groups_after_migrate(sender: object, **kwargs: object) -> None:
    """Refresh the role groups once per ``migrate``, after the last app's permissions exist.

    ``migrate`` sends ``post_migrate`` only for apps with a models module, so the last of those is
    the last sender; comparing with the last installed app would never match while that app has
    no models, and the groups would then never get their permissions.
    """
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if with_models and sender is with_models[-1]:
        role_groups_sync()


@receiver(post_save, sender=Office)
def office_saved(sender: type, instance: Office, created: bool, **kwargs: object) -> None:
    """Every office has its capability lock rows from the moment it exists."""
    if created:
        capability_states_ensure(offices=[instance])
