"""Names, parties and seats from the Parliament Members API.

The Written Questions API names members only by id unless asked to expand
them, and saved files seldom are, so an import can leave members known only
by their Parliament id. ``sync_members`` asks the Members API
(``GET /api/Members/{id}``) about each of them, a few at a time, through the
same retrying client as the questions fetcher, and writes what it learns in
one transaction: every member fetched and checked, or nothing written.

A response looks like (see ``tests/data/members/``)::

    {"value": {"id": 4519, "nameListAs": "Smyth, Karin", "nameDisplayAs": "Karin Smyth",
               "nameFullTitle": "Karin Smyth MP", "gender": "F",
               "latestParty": {"id": 15, "name": "Labour", ...},
               "latestHouseMembership": {"membershipFrom": "Bristol South", "house": 1,
                                         "membershipStatus": {"statusIsActive": true, ...},
                                         ...},
               "thumbnailUrl": "..."},
     "links": [...]}

``house`` is 1 for the Commons and 2 for the Lords; for a peer
``membershipFrom`` is the kind of peerage ("Life peer").
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from answers.models import Answer, House, Member, Minister, Question

from .api_items import MAX_LENGTHS
from .parliament_api import (
    DEFAULT_BACKOFF,
    DEFAULT_TIMEOUT,
    DEFAULT_TRIES,
    ApiRequestError,
    ParliamentApi,
)

MEMBER_PATH = "/api/Members/{id}"
DEFAULT_WORKERS = 4
HOUSES = {1: House.COMMONS, 2: House.LORDS}


@dataclass(frozen=True)
class MemberDetails:
    parliament_id: int
    name: str
    party: str
    constituency: str
    house: str
    is_current: bool | None


class MemberDataError(ValueError):
    pass


def _text(value, field, *, required=False, limit=255):
    if value is None:
        if required:
            raise MemberDataError(f"field {field!r} is missing")
        return ""
    if not isinstance(value, str):
        raise MemberDataError(f"field {field!r} should be a string, not {type(value).__name__}")
    value = " ".join(value.split())
    if required and not value:
        raise MemberDataError(f"field {field!r} is empty")
    if len(value) > limit:
        raise MemberDataError(
            f"field {field!r} is {len(value)} characters long; at most {limit} fit"
        )
    return value


def _object(value, field):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MemberDataError(f"field {field!r} should be an object, not {type(value).__name__}")
    return value


def parse_member(data, expected_id):
    """A Members API response as ``MemberDetails``; ``MemberDataError`` names the field at fault."""
    if not isinstance(data, dict) or not isinstance(data.get("value"), dict):
        raise MemberDataError('expected {"value": {...}}')
    value = data["value"]
    if value.get("id") != expected_id:
        raise MemberDataError(f"field 'id' is {value.get('id')!r}, not {expected_id}")
    party = _object(value.get("latestParty"), "latestParty")
    membership = _object(value.get("latestHouseMembership"), "latestHouseMembership")
    status = _object(membership.get("membershipStatus"), "latestHouseMembership.membershipStatus")
    house = membership.get("house")
    if house not in HOUSES:
        raise MemberDataError(
            f"field 'latestHouseMembership.house' should be 1 (Commons) or 2 (Lords), not {house!r}"
        )
    is_current = status.get("statusIsActive")
    if is_current is not None and not isinstance(is_current, bool):
        raise MemberDataError(
            "field 'latestHouseMembership.membershipStatus.statusIsActive' should be true or false"
        )
    if is_current is None and membership.get("membershipEndDate"):
        is_current = False
    return MemberDetails(
        parliament_id=expected_id,
        name=_text(value.get("nameDisplayAs"), "nameDisplayAs", required=True),
        party=_text(party.get("name"), "latestParty.name", limit=MAX_LENGTHS["party"]),
        constituency=_text(
            membership.get("membershipFrom"), "latestHouseMembership.membershipFrom"
        ),
        house=HOUSES[house],
        is_current=is_current,
    )


def members_api(*, base_url=None, timeout=DEFAULT_TIMEOUT, tries=DEFAULT_TRIES,
                backoff=DEFAULT_BACKOFF, on_retry=None):  # fmt: skip
    base_url = base_url or settings.PARLIAMENT_MEMBERS_API_BASE_URL
    return ParliamentApi(base_url, timeout=timeout, tries=tries, backoff=backoff, on_retry=on_retry)


def members_to_complete(*, refresh_all=False):
    """Members with a Parliament id still without a name (or all of them)."""
    members = Member.objects.filter(parliament_id__isnull=False)
    if not refresh_all:
        members = members.filter(name="")
    return list(members.order_by("parliament_id"))


@dataclass
class MemberSyncResult:
    asked: int = 0
    named: int = 0
    updated: int = 0
    missing: tuple = ()  # Parliament ids the Members API does not know
    merged: int = 0  # same-named members without an id folded in

    def __str__(self):
        text = f"asked about {self.asked}, named {self.named}, updated {self.updated}"
        if self.merged:
            text += f", merged {self.merged} known only by name"
        if self.missing:
            text += f"; not found: {', '.join(map(str, self.missing))}"
        return text


def fetch_members(api, parliament_ids, *, workers=DEFAULT_WORKERS):
    """``{id: MemberDetails or None (not found)}``; any other failure raises ``ApiRequestError``."""

    def one(parliament_id):
        try:
            data, url = api.get_json(MEMBER_PATH.format(id=parliament_id))
        except ApiRequestError as error:
            if error.status == 404:
                return parliament_id, None
            raise
        try:
            return parliament_id, parse_member(data, parliament_id)
        except MemberDataError as error:
            raise ApiRequestError(
                f"GET {url} returned a malformed member: {error}", url=url
            ) from None

    found = {}
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        for parliament_id, details in pool.map(one, parliament_ids):
            found[parliament_id] = details
    finally:
        # On a failure, do not go on asking for what will not be written.
        pool.shutdown(wait=True, cancel_futures=True)
    return found


def apply_members(members, found):
    """Write what the Members API said, in one transaction; returns a ``MemberSyncResult``."""
    now = timezone.now()
    result = MemberSyncResult(asked=len(members))
    changed = []
    fields = ["name", "party", "constituency", "house", "is_current"]
    for member in members:
        details = found.get(member.parliament_id)
        if details is None:
            continue
        was_named = bool(member.name)
        values = {name: getattr(details, name) for name in fields}
        if any(getattr(member, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(member, name, value)
            if was_named:
                result.updated += 1
            else:
                result.named += 1
        member.details_updated_at = now
        changed.append(member)
    result.missing = tuple(sorted(pid for pid, details in found.items() if details is None))
    with transaction.atomic():
        Member.objects.bulk_update(changed, [*fields, "details_updated_at"], batch_size=500)
        result.merged = _merge_duplicates(changed)
    return result


def _merge_duplicates(named):
    """Fold members known only by name (page text, staff) into the same-named member with an id.

    "Karin Smyth" logged from a pasted page and "Karin Smyth" (id 4519) from
    the API are one person once the Members API names the second: her
    questions and posts move to the member with the id. Returns how many
    were folded.
    """
    by_key = {(member.name, member.house): member for member in named if member.name}
    if not by_key:
        return 0
    merged = 0
    names = {name for name, _ in by_key}
    for duplicate in Member.objects.filter(parliament_id__isnull=True, name__in=names):
        keeper = by_key.get((duplicate.name, duplicate.house))
        if keeper is None:
            continue
        try:
            with transaction.atomic():
                Question.objects.filter(asking_member=duplicate).update(asking_member=keeper)
                for post in Minister.objects.filter(member=duplicate):
                    same = Minister.objects.filter(member=keeper, title=post.title).first()
                    if same is None:
                        post.member = keeper
                        post.save(update_fields=["member"])
                    else:
                        Answer.objects.filter(minister=post).update(minister=same)
                        post.delete()
                if not keeper.party and duplicate.party:
                    Member.objects.filter(pk=keeper.pk).update(party=duplicate.party)
                duplicate.delete()
        except ProtectedError:
            # Something else still points at it; leave both rather than lose a link.
            continue
        merged += 1
    return merged


def sync_members(api, *, refresh_all=False, workers=DEFAULT_WORKERS):
    """Complete (or, with ``refresh_all``, refresh) members from the Members API, all or nothing."""
    members = members_to_complete(refresh_all=refresh_all)
    if not members:
        return MemberSyncResult()
    found = fetch_members(api, [member.parliament_id for member in members], workers=workers)
    return apply_members(members, found)


def unnamed_count():
    return Member.objects.filter(name="").count()


def complete_after_import(command, *, enabled=True, **api_options):
    """After an import: name the members it left unnamed, or say how to later.

    An unreachable Members API leaves the import as it is and prints one line.
    """
    if not enabled or not settings.MEMBERS_SYNC_AFTER_IMPORT or not unnamed_count():
        return None
    try:
        with members_api(**api_options) as api:
            result = sync_members(api)
    except ApiRequestError as error:
        command.stderr.write(
            command.style.WARNING(
                f"Member names not completed ({error}); the import is kept. "
                "Run `manage.py sync_members` to complete them later."
            )
        )
        return None
    command.stdout.write(f"Members API: {result}.")
    return result
