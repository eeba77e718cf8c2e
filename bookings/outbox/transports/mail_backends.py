"""An e-mail backend that can say whether it sent a message: one file per message.

Each message is written to a temporary file and renamed to a name made from its
Message-ID and a unique suffix, so a file either holds a whole message or does not exist,
and a message sent twice leaves two files; `find_sent` looks for one. Useful where
e-mails are collected from a folder (a pickup directory) and in the fault tests.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import make_msgid


def _stem(message_id: str) -> str:
    return hashlib.sha256(message_id.encode()).hexdigest()[:32]


class OneFilePerMessageBackend(BaseEmailBackend):
    def __init__(self, *args, file_path: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)
        self.folder.mkdir(parents=True, exist_ok=True)

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            message_id = message.extra_headers.get("Message-ID") or make_msgid()
            name = f"{_stem(message_id)}.{uuid.uuid4().hex}"
            partial = self.folder / f"{name}.part"
            partial.write_bytes(message.message().as_bytes())
            os.replace(partial, self.folder / f"{name}.eml")
        return len(email_messages)

    def find_sent(self, message_id: str) -> bool:
        return any(self.folder.glob(f"{_stem(message_id)}.*.eml"))
