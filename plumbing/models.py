"""Models of the API plumbing itself."""

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` and the response its first request got.

    A retried request with the same key and body gets the stored response; the same key with a
    different body is refused. Rows older than ``IDEMPOTENCY_KEY_TTL`` are purged daily.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        # The table it had when the project package held it: moving the model renamed nothing.
        db_table = "imigrasi_idempotencykey"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return self.key
