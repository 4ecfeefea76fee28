"""Housekeeping tasks of the API plumbing."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from knox.models import AuthToken

from plumbing.models import IdempotencyKey


@shared_task
def idempotency_keys_purge() -> int:
    """Forget idempotency keys older than ``IDEMPOTENCY_KEY_TTL``."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - settings.IDEMPOTENCY_KEY_TTL).delete()
    return deleted


@shared_task
def api_tokens_purge() -> int:
    """Delete expired API tokens: authentication no longer finds them, so they only take room."""
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
