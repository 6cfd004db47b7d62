"""The Django side of the sync port: stores and reads, with no protocol decisions.

Every decision (duplicate, conflict, stale revision, paging) is made in `sync.engine`;
this adapter only honours the contracts documented in `sync/ports.py`.
"""

import hashlib
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import partial
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction

import forms
from server.accounts.models import Device, User
from server.evidence.models import Attachment
from server.registry import selectors as registry_selectors
from server.registry import services as registry_services
from server.registry.models import Household, Member
from server.registry.scoping import user_unit_paths
from server.registry.serializers import (
    HouseholdCreateSerializer,
    HouseholdUpdateSerializer,
    MemberInputSerializer,
    MemberUpdateSerializer,
)
from server.submissions.models import ReviewStatus, Submission
from server.submissions.scoring import assessment_record, registry_facts
from server.surveys.models import FormVersion
from server.surveys.services import form_definition
from server.sync_api.feed import changes_since
from server.sync_api.issues import domain_issues, serializer_issues
from server.sync_api.models import ConflictCopy, Receipt
from sync.errors import Issue
from sync.messages import Change, ConflictReason, Entity, ItemKind, Outcome, PushItem
from sync.ports import Claim

SOURCE = "sync"


def _issue(path: str, code: str, vi: str, en: str) -> Issue:
    return Issue(path=path, code=code, message_vi=vi, message_en=en)


def _not_found(path: str) -> Issue:
    return _issue(
        path,
        "target_not_found",
        "Không tìm thấy bản ghi trong địa bàn của bạn.",
        "No such record in your area.",
    )


@dataclass(frozen=True)
class _Fresh:
    """A receipt inserted by this request: its declared file names and early outcome."""

    names: list[str]
    outcome: str


class DjangoSyncStore:
    """Implements sync.ports.SyncStore for one device and its user's area."""

    def __init__(self, *, device: Device | None, user: User) -> None:
        self.device = device
        self.user = user
        # Per-request memos that save round trips on every item of a batch:
        # form versions are immutable once published, and a receipt this store just
        # created declares exactly the attachments of the item that created it.
        self._versions: dict[tuple[str, str], FormVersion | None] = {}
        self._fresh_receipts: dict[UUID, _Fresh] = {}

    # --- push ------------------------------------------------------------------------

    def atomic(self) -> AbstractContextManager[None]:
        return transaction.atomic()

    def claim(self, item: PushItem) -> Claim:
        """Insert the receipt, or read the one already there.

        Inserting first (in a savepoint) costs three round trips for a new UUID where
        get_or_create costs six; a resend pays one extra SELECT instead.

        A new submission's receipt is written already `accepted`: the engine settles a
        new submission either as accepted or by rolling the item back (rejected leaves
        no receipt), so the outcome is known and `settle` need not rewrite the row.
        """
        declared = [{"name": a.name, "sha256": a.sha256, "size": a.size} for a in item.attachments]
        early = str(Outcome.ACCEPTED) if item.kind == ItemKind.SUBMISSION else ""
        try:
            with transaction.atomic():
                Receipt.objects.create(
                    client_uuid=item.client_uuid,
                    kind=str(item.kind),
                    payload_sha256=item.payload_sha256,
                    device=self.device,
                    user=self.user,
                    attachments=declared,
                    outcome=early,
                )
        except IntegrityError:
            receipt = Receipt.objects.get(client_uuid=item.client_uuid)
            return Claim(
                created=False,
                payload_sha256=receipt.payload_sha256,
                outcome=Outcome(receipt.outcome) if receipt.outcome else None,
                revision=receipt.revision,
            )
        self._fresh_receipts[item.client_uuid] = _Fresh([a["name"] for a in declared], early)
        return Claim(created=True, payload_sha256=item.payload_sha256, outcome=None, revision=None)

    def settle(self, client_uuid: UUID, *, outcome: Outcome, revision: int | None) -> None:
        fresh = self._fresh_receipts.get(client_uuid)
        if fresh is not None and fresh.outcome == str(outcome) and revision is None:
            return
        Receipt.objects.filter(client_uuid=client_uuid).update(
            outcome=str(outcome), revision=revision
        )

    def store_new(self, item: PushItem) -> Sequence[Issue]:
        handlers = {
            ItemKind.HOUSEHOLD_CREATE: self._household_create,
            ItemKind.MEMBER_CREATE: self._member_create,
            ItemKind.SUBMISSION: self._submission,
        }
        return handlers[item.kind](item)

    def _household_create(self, item: PushItem) -> list[Issue]:
        data, issues = serializer_issues(lambda: HouseholdCreateSerializer(data=dict(item.payload)))
        if data is None:
            return issues
        village = registry_selectors.village_get_for_write(user=self.user, code=data.pop("village"))
        if village is None:
            return [
                _issue(
                    "payload.village",
                    "does_not_exist",
                    "Không có thôn này trong địa bàn của bạn.",
                    "No such village in your area.",
                )
            ]
        data.pop("id", None)
        _result, issues = domain_issues(
            lambda: registry_services.household_create(
                actor=self.user,
                village=village,
                data=data,
                members=data.pop("members", []),
                household_id=item.client_uuid,
                source=SOURCE,
            )
        )
        return issues

    def _member_create(self, item: PushItem) -> list[Issue]:
        household = self._household(item.household_id)
        if household is None:
            return [_not_found("household_id")]
        data, issues = serializer_issues(lambda: MemberInputSerializer(data=dict(item.payload)))
        if data is None:
            return issues
        _result, issues = domain_issues(
            lambda: registry_services.member_add(
                actor=self.user,
                household=household,
                data=data,
                source=SOURCE,
                member_id=item.client_uuid,
            )
        )
        return issues

    def _household(self, household_id: UUID | None, *, lock: bool = False) -> Household | None:
        """The household in the user's area; `lock` holds its row until the item commits.

        Scoring a survey clears the household's latest assessment and sets a new one. Two
        surveys of one household committing at once on PostgreSQL would each miss the
        other's uncommitted row and the second would break `assessment_one_latest` (a 500);
        the row lock makes them take turns. It costs no extra round trip.
        """
        if household_id is None:
            return None
        households = Household.objects.visible_to(self.user).select_related("village", "commune")
        if lock:
            households = households.select_for_update(of=("self",))
        return households.filter(pk=household_id).first()

    def _submission(self, item: PushItem) -> list[Issue]:
        assert item.form is not None  # noqa: S101 - the codec requires a form for submissions
        version = self._form_version(item.form.id, item.form.version)
        if version is None:
            return [
                _issue(
                    "form",
                    "form_unknown",
                    "Phiên bản biểu mẫu không tồn tại trên máy chủ.",
                    "The server does not know this form version.",
                )
            ]
        household = self._household(item.household_id, lock=True)
        if item.household_id is not None and household is None:
            return [_not_found("household_id")]
        form = form_definition(version)
        errors, resolved = forms.validate_and_resolve(form, dict(item.payload))
        if resolved is None:
            return [
                Issue(
                    f"payload.{e.path}" if e.path else "payload", e.code, e.message_vi, e.message_en
                )
                for e in errors
            ]
        submission = self._store_submission(item, version, household)
        if household is not None and _feeds_scoring(form):
            facts = forms.facts_dict_from_resolved(form, resolved, extra=registry_facts(household))
            assessment_record(household=household, facts=facts, submission=submission)
        return []

    def _store_submission(
        self, item: PushItem, version: FormVersion, household: Household | None
    ) -> Submission:
        declared = [{"name": a.name, "sha256": a.sha256, "size": a.size} for a in item.attachments]
        fresh = item.client_uuid in self._fresh_receipts  # nothing uploaded yet: see above
        done = self._complete_names(item.client_uuid) if declared and not fresh else set()
        return Submission.objects.create(
            id=item.client_uuid,
            household=household,
            form_version=version,
            device=self.device,
            submitted_by=self.user,
            payload=dict(item.payload),
            payload_sha256=item.payload_sha256,
            attachments=declared,
            attachments_complete={a["name"] for a in declared} <= done,
            review_status=ReviewStatus.PENDING,
        )

    def current_revision(self, entity: Entity, entity_id: UUID) -> int | None:
        model = Household if entity == Entity.HOUSEHOLD else Member
        qs = (
            model.objects.visible_to(self.user).select_for_update(of=("self",)).filter(pk=entity_id)
        )
        if model is Member:
            qs = qs.filter(removed_at__isnull=True)
        return qs.values_list("revision", flat=True).first()

    def apply_edit(self, item: PushItem) -> int | Sequence[Issue]:
        is_household = item.kind == ItemKind.HOUSEHOLD_EDIT
        serializer_class = HouseholdUpdateSerializer if is_household else MemberUpdateSerializer
        payload = {**dict(item.payload), "revision": item.base_revision}
        data, issues = serializer_issues(lambda: serializer_class(data=payload, partial=True))
        if data is None:
            return issues
        data.pop("revision", None)
        updated, issues = domain_issues(partial(self._edit, item, data, is_household=is_household))
        return issues if updated is None else updated.revision

    def _edit(
        self, item: PushItem, data: dict[str, Any], *, is_household: bool
    ) -> Household | Member:
        common = {
            "actor": self.user,
            "base_revision": item.base_revision,
            "data": data,
            "source": SOURCE,
        }
        if is_household:
            household = Household.objects.get(pk=item.target_id)
            return registry_services.household_update(household=household, **common)
        return registry_services.member_update(
            member=Member.objects.get(pk=item.target_id), **common
        )

    def keep_conflict(
        self, item: PushItem, *, reason: ConflictReason, server_revision: int | None
    ) -> None:
        household_id = self._conflict_household_id(item)
        ConflictCopy.objects.get_or_create(
            client_uuid=item.client_uuid,
            payload_sha256=item.payload_sha256,
            defaults={
                "kind": str(item.kind),
                "reason": str(reason),
                "target_id": item.target_id,
                "household_id": household_id,
                "payload": dict(item.payload),
                "server_revision": server_revision,
                "device": self.device,
            },
        )
        if household_id is not None:
            Household.objects.filter(pk=household_id).update(
                flagged_for_review=True, flag_reason=f"sync_{reason}"
            )

    def _conflict_household_id(self, item: PushItem) -> UUID | None:
        candidate = item.household_id or item.target_id or item.client_uuid
        if item.kind in (ItemKind.MEMBER_EDIT,):
            return (
                Member.objects.filter(pk=item.target_id)
                .values_list("household_id", flat=True)
                .first()
            )
        if Household.objects.visible_to(self.user).filter(pk=candidate).exists():
            return candidate
        return None

    def missing_attachments(self, client_uuid: UUID) -> Sequence[str]:
        fresh = self._fresh_receipts.get(client_uuid)
        if fresh is not None:
            # Uploads need a committed receipt; this one did not exist before this
            # request, so none of its files can have arrived yet.
            return list(fresh.names)
        receipt = (
            Receipt.objects.filter(client_uuid=client_uuid)
            .values_list("attachments", flat=True)
            .first()
        )
        declared = [a["name"] for a in receipt or []]
        if not declared:
            return []
        done = self._complete_names(client_uuid)
        return [name for name in declared if name not in done]

    def _complete_names(self, client_uuid: UUID) -> set[str]:
        return set(
            Attachment.objects.filter(item_uuid=client_uuid, complete=True).values_list(
                "name", flat=True
            )
        )

    def _form_version(self, form_id: str, version: str) -> FormVersion | None:
        """Look a published version up once per request (published versions never change)."""
        key = (form_id, version)
        if key not in self._versions:
            self._versions[key] = FormVersion.objects.filter(
                form_id=form_id, version=version
            ).first()
        return self._versions[key]

    # --- pull ------------------------------------------------------------------------

    def scope_key(self) -> str:
        paths = ",".join(user_unit_paths(self.user)) or "-"
        return hashlib.sha256(f"{self.user.pk}|{paths}".encode()).hexdigest()[:24]

    def changes_since(self, seq: int, limit: int) -> Sequence[Change]:
        return changes_since(user=self.user, seq=seq, limit=limit)


def _feeds_scoring(form: forms.FormDefinition) -> bool:
    """Only forms that map answers to members' facts (Phiếu B) produce an assessment."""
    return any(node.fact == "members" for node in form.walk())
