"""A mail backend for the fault tests: each message a file of its own, delivered after a delay.

The delay stands for the mail server's answer, so that a test can kill a worker while a message is
being sent; the file appears whole (written, then renamed) once the "server" has taken it.
"""

import os
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

MAILBOX_ENV = "FAULTS_MAILBOX"
DELAY_ENV = "FAULTS_MAIL_SECONDS"


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        mailbox = Path(os.environ[MAILBOX_ENV])
        for message in email_messages:
            time.sleep(float(os.environ.get(DELAY_ENV, "0")))
            name = uuid.uuid4().hex
            (mailbox / f"{name}.tmp").write_bytes(message.message().as_bytes())
            (mailbox / f"{name}.tmp").rename(mailbox / f"{name}.eml")
        return len(email_messages)
