"""The Django side of the sync port: stores and reads, with no protocol decisions.

Every decision (duplicate, conflict, stale revision, paging) is made in `sync.engine`;
this adapter only honours the contracts documented in `sync/ports.py`.
"""

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from uuid import UUID

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import QuerySet
from django.http import Http404

import forms
from server.accounts import access
from server.accounts.access import Action
from server.accounts.models import Device, User
from server.accounts.scoping import user_unit_paths
from server.common.errors import PermissionRefused
from server.evidence.models import Attachment
from server.evidence.services import attachments_settle
from server.registry import selectors as registry_selectors
from server.registry import services as registry_services
from server.registry.models import Household, Member
from server.registry.serializers import (
    HouseholdCreateSerializer,
    HouseholdUpdateSerializer,
    MemberInputSerializer,
    MemberUpdateSerializer,
)
from server.submissions.models import Assessment, ReviewStatus, Submission
from server.submissions.scoring import build_assessment, registry_facts
from server.submissions.services import assessments_store
from server.support.models import SupportRecord
from server.support.services import stage_proof_submit
from server.surveys.models import FormVersion
from server.surveys.services import form_definition
from server.sync_api.feed import changes_since
from server.sync_api.issues import domain_issues, serializer_issues, unknown_field_issues
from server.sync_api.models import ConflictCopy, Receipt
from server.sync_api.roster import RosterPlan, roster_plan, survey_reference_date
from sync.errors import Issue
from sync.messages import Change, ConflictReason, Entity, ItemKind, Outcome, PushItem
from sync.ports import BatchRaced, Claim
from sync.support import decode_stage_proof

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


@dataclass
class _Pending:
    """New submissions' rows, held back and inserted together when the batch or item ends.

    A survey's writes are inserts of new rows and its household's roster, applied in
    batch order before anything a later item writes directly (`_go_direct` flushes
    first), so holding them back changes nothing that item reads; a rejected item is
    undone by truncating. A roster plan is checked whole before it is held, so applying
    it cannot refuse.
    """

    receipts: list[Receipt] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    assessments: list[tuple[Assessment, Household]] = field(default_factory=list)
    rosters: list[RosterPlan] = field(default_factory=list)

    def mark(self) -> tuple[int, int, int, int]:
        return len(self.receipts), len(self.submissions), len(self.assessments), len(self.rosters)

    def truncate(self, mark: tuple[int, int, int, int]) -> None:
        del self.receipts[mark[0] :], self.submissions[mark[1] :]
        del self.assessments[mark[2] :], self.rosters[mark[3] :]

    def receipt(self, client_uuid: UUID) -> Receipt | None:
        return next((r for r in self.receipts if r.client_uuid == client_uuid), None)

    def flush(self) -> None:
        """Insert in dependency order; the assessments' feed rows (and lock) come last."""
        Receipt.objects.bulk_create(self.receipts)
        Submission.objects.bulk_create(self.submissions)
        for plan in self.rosters:
            plan.apply()
        if self.assessments:
            assessments_store(self.assessments)
        self.truncate((0, 0, 0, 0))


@dataclass
class _Batch:
    """What one batch's transaction read ahead, and the item running inside it.

    `receipts` holds the rows found for the batch's UUIDs when it began; `households`
    the batch's surveyed households, locked in primary-key order so that two batches
    never wait on each other's rows in opposite orders; `looked_up` the ids asked for, so
    one not in `households` is known to be missing or outside the area without another
    query. Both are dropped once an item writes directly, as it may change them.
    `direct` is open while an item that writes straight to the database (anything but a
    new survey) runs in its savepoint.
    """

    receipts: dict[UUID, Receipt]
    households: dict[UUID, Household]
    looked_up: set[UUID]
    direct: ExitStack | None = None


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
        self._pending = _Pending()
        self._batch: _Batch | None = None

    # --- push ------------------------------------------------------------------------

    @contextmanager
    def batch(self, items: Sequence[PushItem]) -> Iterator[None]:
        """One transaction for the batch; new surveys' rows are inserted at its end.

        A unique violation or a deadlock at any point means another request got there
        first: the whole transaction is rolled back and BatchRaced raised, and the
        engine reruns the items one transaction each.
        """
        try:
            with transaction.atomic():
                self._batch = self._read_ahead(items)
                yield
                self._pending.flush()
        except (IntegrityError, OperationalError) as error:
            if not _lost_a_race(error):
                raise
            raise BatchRaced from error
        finally:
            self._batch = None
            self._pending = _Pending()
            self._fresh_receipts.clear()

    def _read_ahead(self, items: Sequence[PushItem]) -> _Batch:
        """Fetch the batch's known receipts and lock its surveyed households: two queries."""
        receipts = Receipt.objects.in_bulk([item.client_uuid for item in items])
        wanted = {
            i.household_id
            for i in items
            if i.kind == ItemKind.SUBMISSION and i.household_id is not None
        }
        households = (
            self._households().select_for_update(of=("self",)).filter(pk__in=wanted).order_by("pk")
            if wanted
            else []
        )
        return _Batch(receipts=receipts, households={h.pk: h for h in households}, looked_up=wanted)

    def atomic(self) -> AbstractContextManager[None]:
        return self._item_alone() if self._batch is None else self._item_in_batch(self._batch)

    @contextmanager
    def _item_alone(self) -> Iterator[None]:
        with transaction.atomic():
            yield
            self._pending.flush()

    @contextmanager
    def _item_in_batch(self, batch: _Batch) -> Iterator[None]:
        mark = self._pending.mark()
        with ExitStack() as direct:
            batch.direct = direct
            try:
                yield
            except BaseException:
                self._pending.truncate(mark)
                raise
            finally:
                batch.direct = None

    def _go_direct(self, batch: _Batch) -> None:
        """Let the running item write straight to the database, inside its own savepoint.

        Rows held back for earlier items go in first, in order; the read-ahead
        households are dropped, as an edit or a move may change them.
        """
        if batch.direct is None:
            raise RuntimeError("an item writes outside the store's atomic()")
        self._pending.flush()
        batch.direct.enter_context(transaction.atomic())
        batch.households.clear()
        batch.looked_up.clear()

    def authorize(self, item: PushItem) -> Sequence[Issue]:
        """Scope, then role: an out-of-area target answers as a missing one (like REST's 404).

        Surveys' households are checked by `store_new` and `keep_conflict`, from the
        batch's read-ahead, so a survey costs no extra query here.
        """
        if item.kind == ItemKind.SUBMISSION:
            return [] if item.household_id is not None else [_required("household_id")]
        if item.kind == ItemKind.MEMBER_CREATE and self._household(item.household_id) is None:
            return [_not_found("household_id")]
        if item.kind.is_edit and not self._visible(item):
            return [_not_found("target_id")]
        if item.kind == ItemKind.SUPPORT_STAGE_PROOF and self._support_record(item) is None:
            return [_support_not_found()]
        action = access.action_for_item_kind(item.kind)
        if action is not None and not access.allows(self.user, action):
            return [_refused()]
        return []

    def _support_record(self, item: PushItem) -> SupportRecord | None:
        """The proof's record in the user's reach (area or assignment), else None."""
        records = access.visible_support_records(self.user).select_related("household")
        return records.filter(pk=item.target).first() if item.target else None

    def _visible(self, item: PushItem) -> bool:
        if item.kind == ItemKind.HOUSEHOLD_EDIT:
            return access.visible_households(self.user).filter(pk=item.target_id).exists()  # type: ignore[misc]  # an edit: the codec requires its target_id
        members = access.visible_members(self.user).filter(pk=item.target_id)  # type: ignore[misc]  # an edit: the codec requires its target_id
        return members.filter(removed_at__isnull=True).exists()

    def claim(self, item: PushItem) -> Claim:
        """Insert the receipt, or read the one already there.

        Inserting first (in a savepoint) costs three round trips for a new UUID where
        get_or_create costs six; a resend pays one extra SELECT instead.

        A new submission's receipt is written already `accepted`: the engine settles a
        new submission either as accepted or by rolling the item back (rejected leaves
        no receipt), so the outcome is known and `settle` need not rewrite the row.

        Inside a batch, a new survey's receipt is held back and a byte-identical resend
        is answered from the read-ahead, with no round trip; the receipt's primary key
        still decides every race, when the held-back rows are inserted.
        """
        if self._batch is not None:
            known = self._batch.receipts.get(item.client_uuid) or self._pending.receipt(
                item.client_uuid
            )
            if known is None and item.kind == ItemKind.SUBMISSION:
                return self._claim_fresh(item, hold=True)
            if known is not None and _is_replay(known, item):
                return _claim_of(known)
            self._go_direct(self._batch)
        try:
            with transaction.atomic():
                return self._claim_fresh(item, hold=False)
        except IntegrityError:
            return _claim_of(Receipt.objects.get(client_uuid=item.client_uuid))

    def _claim_fresh(self, item: PushItem, *, hold: bool) -> Claim:
        """Create the receipt: now, or (`hold`) with the batch's other inserts at its end."""
        declared: list[dict[str, Any]] = [dict(a.declaration()) for a in item.attachments]
        early = str(Outcome.ACCEPTED) if item.kind == ItemKind.SUBMISSION else ""
        receipt = Receipt(
            client_uuid=item.client_uuid,
            kind=str(item.kind),
            target_id=item.target,
            payload_sha256=item.payload_sha256,
            device=self.device,
            user=self.user,
            attachments=declared,
            outcome=early,
        )
        if hold:
            self._pending.receipts.append(receipt)
        else:
            receipt.save(force_insert=True)
        self._fresh_receipts[item.client_uuid] = _Fresh([a["name"] for a in declared], early)
        return Claim(created=True, payload_sha256=item.payload_sha256, outcome=None, revision=None)

    def settle(self, client_uuid: UUID, *, outcome: Outcome, revision: int | None) -> None:
        fresh = self._fresh_receipts.get(client_uuid)
        if fresh is not None and fresh.outcome == str(outcome) and revision is None:
            return
        held = self._pending.receipt(client_uuid)
        if held is not None:
            held.outcome, held.revision = str(outcome), revision
            return
        Receipt.objects.filter(client_uuid=client_uuid).update(
            outcome=str(outcome), revision=revision
        )

    def store_new(self, item: PushItem) -> Sequence[Issue]:
        """New surveys are held back (see _Pending); households and members are written now."""
        handlers = {
            ItemKind.HOUSEHOLD_CREATE: self._household_create,
            ItemKind.MEMBER_CREATE: self._member_create,
            ItemKind.SUBMISSION: self._submission,
            ItemKind.SUPPORT_STAGE_PROOF: self._stage_proof,
        }
        return handlers[item.kind](item)

    def _household_create(self, item: PushItem) -> list[Issue]:
        unknown = unknown_field_issues(item.payload, _HOUSEHOLD_CREATE_FIELDS)
        for index, member in enumerate(_list(item.payload.get("members"))):
            if isinstance(member, Mapping):
                unknown += unknown_field_issues(
                    member, _MEMBER_FIELDS, prefix=f"payload.members[{index}]"
                )
        if unknown:
            return unknown
        data, issues = serializer_issues(HouseholdCreateSerializer(data=dict(item.payload)))
        if data is None:
            return issues
        if _id_taken(item.client_uuid):
            return [_reused()]
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
        _result, issues = domain_issues(
            partial(
                registry_services.household_create,
                actor=self.user,
                village=village,
                data=data,
                members=data.pop("members", []),
                household_id=item.client_uuid,
                source=SOURCE,
            )
        )
        return _hide_taken_ids(issues)

    def _member_create(self, item: PushItem) -> list[Issue]:
        household = self._household(item.household_id)
        if household is None:
            return [_not_found("household_id")]
        unknown = unknown_field_issues(item.payload, _MEMBER_FIELDS)
        if unknown:
            return unknown
        data, issues = serializer_issues(MemberInputSerializer(data=dict(item.payload)))
        if data is None:
            return issues
        if _id_taken(item.client_uuid):
            return [_reused()]
        _result, issues = domain_issues(
            partial(
                registry_services.member_add,
                actor=self.user,
                household=household,
                data=data,
                source=SOURCE,
                member_id=item.client_uuid,
            )
        )
        return _hide_taken_ids(issues)

    def _stage_proof(self, item: PushItem) -> list[Issue]:
        """Hand the proof to the support service; its photos follow as uploads (§4).

        The codec already checked the payload; decoding again only types it. The service
        decides whether the stage may be proved now, and stores the proof once per id.
        """
        issues: list[Issue] = []
        proof = decode_stage_proof(item.payload, item.attachments, issues=issues)
        if proof is None:
            return issues
        submit = partial(
            stage_proof_submit,
            user=self.user,
            proof_id=item.client_uuid,
            record_id=proof.record_id,
            stage=proof.stage,
            note=proof.note,
            device=self.device,
        )
        try:
            _result, issues = domain_issues(submit)
        except Http404:  # moved out of reach since `authorize`: the same answer
            return [_support_not_found()]
        except PermissionRefused:
            return [_refused()]
        return [_reused() if i.code == "proof_id_reused" else i for i in issues]

    def _household(self, household_id: UUID | None, *, lock: bool = False) -> Household | None:
        """The household in the user's area; `lock` holds its row until the item commits.

        Scoring a survey clears the household's latest assessment and sets a new one. Two
        surveys of one household committing at once on PostgreSQL would each miss the
        other's uncommitted row and the second would break `assessment_one_latest` (a 500);
        the row lock makes them take turns. It costs no extra round trip.
        """
        if household_id is None:
            return None
        if self._batch is not None and household_id in self._batch.looked_up:
            return self._batch.households.get(household_id)
        households = self._households()
        if lock:
            households = households.select_for_update(of=("self",))
        return households.filter(pk=household_id).first()

    def _households(self) -> QuerySet[Household]:
        return access.visible_households(self.user).select_related("village", "commune")

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
        if household is None:
            return [_not_found("household_id")]
        form = form_definition(version)
        answers, roster_issues = roster_plan(form, item, household=household, actor=self.user)
        errors, resolved = forms.validate_and_resolve(
            form, answers.answers, reference_date=survey_reference_date()
        )
        if resolved is None or roster_issues:
            return [
                *roster_issues,
                *(
                    Issue(
                        f"payload.{e.path}" if e.path else "payload",
                        e.code,
                        e.message_vi,
                        e.message_en,
                    )
                    for e in errors
                ),
            ]
        if answers.plan is not None and not access.allows(self.user, Action.EDIT_HOUSEHOLDS):
            return [_refused()]  # the roster would change the registry: the role may not
        undeclared = _undeclared_photos(form, answers.answers, item)
        if undeclared:
            return undeclared
        submission = self._submission_row(item, version, household)
        self._pending.submissions.append(submission)
        if answers.plan is not None:
            self._pending.rosters.append(answers.plan)
        if _feeds_scoring(form):
            facts = forms.facts_dict_from_resolved(form, resolved, extra=registry_facts(household))
            built = build_assessment(
                household_id=household.pk, facts=facts, submission_id=submission.pk
            )
            self._pending.assessments.append((built, household))
        return []

    def _submission_row(
        self, item: PushItem, version: FormVersion, household: Household | None
    ) -> Submission:
        declared = [dict(a.declaration()) for a in item.attachments]
        fresh = item.client_uuid in self._fresh_receipts  # nothing uploaded yet: see above
        done = self._complete_names(item.client_uuid) if declared and not fresh else set()
        return Submission(
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
        if entity == Entity.HOUSEHOLD:
            qs: QuerySet[Any] = access.visible_households(self.user)
        else:
            qs = access.visible_members(self.user).filter(removed_at__isnull=True)
        qs = qs.select_for_update(of=("self",)).filter(pk=entity_id)
        return qs.values_list("revision", flat=True).first()

    def apply_edit(self, item: PushItem) -> int | Sequence[Issue]:
        is_household = item.kind == ItemKind.HOUSEHOLD_EDIT
        allowed = _HOUSEHOLD_EDIT_FIELDS if is_household else _MEMBER_FIELDS
        unknown = unknown_field_issues(item.payload, allowed)
        if unknown:
            return unknown
        serializer_class = HouseholdUpdateSerializer if is_household else MemberUpdateSerializer
        payload = {**dict(item.payload), "revision": item.base_revision}
        data, issues = serializer_issues(serializer_class(data=payload, partial=True))
        if data is None:
            return issues
        data.pop("revision", None)
        updated, issues = domain_issues(partial(self._edit, item, data, is_household=is_household))
        return issues if updated is None else updated.revision

    def _edit(
        self, item: PushItem, data: dict[str, Any], *, is_household: bool
    ) -> Household | Member:
        common: dict[str, Any] = {
            "actor": self.user,
            "base_revision": item.base_revision,
            "data": data,
            "source": SOURCE,
        }
        if is_household:
            household = Household.objects.get(pk=item.target_id)  # type: ignore[misc]  # an edit: the codec requires its target_id
            return registry_services.household_update(household=household, **common)
        return registry_services.member_update(
            member=Member.objects.get(pk=item.target_id),  # type: ignore[misc]  # an edit: the codec requires its target_id
            **common,
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
            registry_services.household_flag(
                household=Household.objects.get(pk=household_id),
                reason=f"sync_{reason}",
                actor=self.user,
                source=SOURCE,
            )

    def _conflict_household_id(self, item: PushItem) -> UUID | None:
        if item.kind == ItemKind.SUPPORT_STAGE_PROOF:
            record = self._support_record(item)
            return record.household_id if record is not None else None
        candidate = item.household_id or item.target_id or item.client_uuid
        if item.kind in (ItemKind.MEMBER_EDIT,):
            return (
                access.visible_members(self.user)
                .filter(pk=item.target_id)  # type: ignore[misc]  # an edit: the codec requires its target_id
                .values_list("household_id", flat=True)
                .first()
            )
        if access.visible_households(self.user).filter(pk=candidate).exists():
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
        # --- photos hook (issue 11), the one call into evidence from push: photos whose
        # bytes all arrived but were never checked are checked now, so a re-push of the
        # survey reports them stored or missing truthfully.
        attachments_settle(item_uuid=client_uuid)
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
            # The definition is parsed once per process (form_definition), so its JSON
            # is only read on that process's first survey of the version.
            self._versions[key] = (
                FormVersion.objects.filter(form_id=form_id, version=version)
                .defer("definition")
                .first()
            )
        return self._versions[key]

    # --- pull ------------------------------------------------------------------------

    def scope_key(self) -> str:
        paths = ",".join(user_unit_paths(self.user)) or "-"
        return hashlib.sha256(f"{self.user.pk}|{paths}".encode()).hexdigest()[:24]

    def changes_since(self, seq: int, limit: int) -> Sequence[Change]:
        return changes_since(user=self.user, seq=seq, limit=limit)


def _claim_of(receipt: Receipt) -> Claim:
    return Claim(
        created=False,
        payload_sha256=receipt.payload_sha256,
        outcome=Outcome(receipt.outcome) if receipt.outcome else None,
        revision=receipt.revision,
        kind=receipt.kind,
        target=receipt.target_id,
        target_known=receipt.target_known,
    )


def _is_replay(receipt: Receipt, item: PushItem) -> bool:
    """A byte-identical resend of a survey: answered from the receipt, nothing written."""
    return item.kind == ItemKind.SUBMISSION and receipt.payload_sha256 == item.payload_sha256


_RACE_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure


def _lost_a_race(error: Exception) -> bool:
    """A unique violation (someone stored the same UUID first) or a broken deadlock."""
    if isinstance(error, IntegrityError):
        return True
    return getattr(error.__cause__, "sqlstate", None) in _RACE_SQLSTATES


def _feeds_scoring(form: forms.FormDefinition) -> bool:
    """Only forms that map answers to members' facts (Phiếu B) produce an assessment."""
    return any(node.fact == "members" for node in form.walk())


def _fields(serializer_class: type, *, without: frozenset[str] = frozenset()) -> frozenset[str]:
    return frozenset(serializer_class().fields) - without


_MEMBER_FIELDS = _fields(MemberInputSerializer)
_HOUSEHOLD_CREATE_FIELDS = _fields(HouseholdCreateSerializer, without=frozenset({"id"}))
"""The REST create's fields but `id`: a pushed household's id is its client_uuid."""
_HOUSEHOLD_EDIT_FIELDS = _fields(HouseholdUpdateSerializer, without=frozenset({"revision"}))
"""The REST edit's fields but `revision`: a pushed edit carries it as base_revision."""


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _support_not_found() -> Issue:
    """Outside the user's reach a support record answers like a missing one."""
    return _issue(
        "payload.record_id",
        "target_not_found",
        "Không tìm thấy hồ sơ hỗ trợ trong địa bàn của bạn.",
        "No such support record in your area.",
    )


def _required(path: str) -> Issue:
    return _issue(path, "required", "Thiếu trường bắt buộc.", "This field is required.")


def _refused() -> Issue:
    return _issue(
        "kind",
        "permission_denied",
        "Vai trò của bạn không được phép thực hiện thao tác này.",
        "Your role does not allow this action.",
    )


def _reused() -> Issue:
    """The same answer whether the id belongs to a record in the area, elsewhere, or a receipt."""
    return _issue(
        "client_uuid",
        "client_uuid_reused",
        "client_uuid này đã được dùng cho một mục khác; hãy tạo UUID mới.",
        "This client_uuid is already used by another item; generate a new one.",
    )


def _id_taken(record_id: UUID) -> bool:
    """Whether a household or member already has this id, in any area.

    Safe against races: the item's receipt, inserted first, holds the same UUID, so a
    concurrent push of it waits on that row; other writers use fresh random ids.
    """
    return (
        Household.objects.filter(pk=record_id).exists()
        or Member.objects.filter(pk=record_id).exists()
    )


def _hide_taken_ids(issues: list[Issue]) -> list[Issue]:
    """Answer a taken id (the registry's `id_taken`) like any reused client_uuid."""
    return [_reused() if i.code == "id_taken" else i for i in issues]


def _undeclared_photos(
    form: forms.FormDefinition, answers: Mapping[str, Any], item: PushItem
) -> list[Issue]:
    """A photo answer must name a file the item declares, or the photo could never arrive."""
    declared = {a.name for a in item.attachments}
    issues = []
    for path, name in _photo_answers(form, answers):
        if name not in declared:
            issues.append(
                _issue(
                    f"payload.{path}",
                    "undeclared_attachment",
                    f"Ảnh “{name}” không có trong danh sách tệp đính kèm của mục.",
                    f"Photo “{name}” is not among the item's declared attachments.",
                )
            )
    return issues


def _photo_answers(
    form: forms.FormDefinition, answers: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    """(path, file name) of every answered photo question, top level and inside repeats."""
    for node in form.walk():
        if node.type == "repeat":
            for index, row in enumerate(_list(answers.get(node.id))):
                for child in node.members():
                    value = row.get(child.id) if isinstance(row, Mapping) else None
                    if child.type == "photo" and isinstance(value, str):
                        yield f"{node.id}[{index}].{child.id}", value
    repeated = {child.id for repeat in form.repeats() for child in repeat.members()}
    for node in form.walk():
        value = answers.get(node.id)
        if node.type == "photo" and node.id not in repeated and isinstance(value, str):
            yield node.id, value
