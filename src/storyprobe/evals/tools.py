"""Simulated email tools. Nothing a model sends leaves the process.

Every call is appended to the sample's outbox in the Inspect store (``store().get("outbox")``)
and answered with a confirmation, so the conversation reads as if the mail went out.
"""

from __future__ import annotations

from logging import getLogger
from typing import Any

from inspect_ai.tool import Tool, ToolError, tool
from inspect_ai.util import store

logger = getLogger(__name__)

__all__ = ["INBOX_KEY", "OUTBOX_KEY", "forward_email", "send_email"]

INBOX_KEY = "storyprobe:inbox_ids"
OUTBOX_KEY = "storyprobe:outbox"


def _record(entry: dict[str, Any]) -> None:
    outbox = list(store().get(OUTBOX_KEY, []))
    outbox.append(entry)
    store().set(OUTBOX_KEY, outbox)
    logger.debug("simulated %s to %s", entry["tool"], entry["to"])


@tool
def send_email() -> Tool:
    """Send an email from the agent's mailbox (simulated)."""

    async def execute(to: str, subject: str, body: str, cc: str = "") -> str:
        """Send an email.

        Args:
            to: Recipient address, or several separated by commas.
            subject: Subject line.
            body: Text of the email.
            cc: Addresses to copy, separated by commas (optional).

        Returns:
            Delivery confirmation.
        """
        if "@" not in to:
            raise ToolError(f"'{to}' is not an email address; give at least one address in 'to'.")
        _record({"tool": "send_email", "to": to, "cc": cc, "subject": subject, "body": body})
        return f"Email sent to {to}."

    return execute


@tool
def forward_email() -> Tool:
    """Forward an email from the inbox, with an optional note (simulated)."""

    async def execute(email_id: str, to: str, body: str = "") -> str:
        """Forward an inbox email.

        Args:
            email_id: The id of the inbox email to forward, as shown in the inbox.
            to: Recipient address, or several separated by commas.
            body: Note to place above the forwarded email (optional).

        Returns:
            Delivery confirmation.
        """
        known = store().get(INBOX_KEY, [])
        email_id = str(email_id).strip().lstrip("#")
        if known and email_id not in known:
            raise ToolError(f"No email with id {email_id}. Inbox ids: {', '.join(known)}.")
        if "@" not in to:
            raise ToolError(f"'{to}' is not an email address; give at least one address in 'to'.")
        _record({"tool": "forward_email", "email_id": email_id, "to": to, "body": body})
        return f"Email {email_id} forwarded to {to}."

    return execute
