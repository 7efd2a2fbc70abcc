"""Who is staff: admins and standing organizers from the settings, volunteers and organizers granted
in the desk, and the organizers' chat. The desk and the organizers' commands both ask it."""

from __future__ import annotations

from collections.abc import Iterable

from dialogs.services import Services
from storage import audit, roles


class Staff:
    """Roles (settings plus grants) and the audit log every staff action is written to."""

    def __init__(self, services: Services):
        self.services = services
        self.admins: frozenset[int] = frozenset()
        self.organizers: frozenset[int] = frozenset()
        self.organizers_chat: int | None = None

    def configure(
        self, *, admins: Iterable[int] = frozenset(), organizers: Iterable[int] = frozenset(), organizers_chat: int | None = None
    ) -> None:
        """Admins and standing organizers from the settings, and the organizers' chat."""
        self.admins, self.organizers = frozenset(admins), frozenset(organizers)
        self.organizers_chat = organizers_chat

    def has_role(self, user_id: int | None, role: str) -> bool:
        """Whether a Telegram user holds a role (from the settings or a grant)."""
        return roles.has_role(self.services.db, user_id, role, admins=self.admins, organizers=self.organizers)

    def is_organizer(self, user_id: int | None) -> bool:
        return self.has_role(user_id, "organizer")

    def audit(
        self, actor: int | None, action: str, *, case_ref: str | None = None, detail: str | None = None, allowed: bool = True
    ) -> None:
        audit.record(
            self.services.db,
            actor=actor,
            action=action,
            now=self.services.clock(),
            case_ref=case_ref,
            detail=detail,
            allowed=allowed,
        )
