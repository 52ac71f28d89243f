"""The revocation status list: index allocation and the signed list credential.

A certificate's index is allocated once, before its credential is signed (the credential names
it), and never reused. A bit is set for every revoked or superseded certificate; the list is
derived from those rows and republished, signed, in the transaction that changes one of them.
"""

from datetime import datetime
from typing import Final

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from certificates.credentials import (
    StatusBitstring,
    build_status_list_credential,
    sign_credential,
)
from certificates.credentials.status_list import MIN_STATUS_LIST_BITS, STATUS_PURPOSE_REVOCATION
from certificates.issuer import issuer_id, key_ring, status_list_url
from certificates.models import Certificate, CertificateStatus, StatusList
from certificates.signed_json import dump_signed

# Statuses a verifier must read as "no longer valid" from the list alone.
LISTED_STATUSES: Final = (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED)
FIRST_STATUS_LIST_ID: Final = 1


def status_index_allocate() -> tuple[int, int]:
    """Reserve the next free (status list id, index). Commits on its own.

    The list row is locked only for this short transaction, not while a credential is signed;
    an index reserved by an issuance that then loses a race stays unused and clear, harmlessly.
    """
    with transaction.atomic():
        StatusList.objects.get_or_create(
            pk=FIRST_STATUS_LIST_ID,
            defaults={"purpose": STATUS_PURPOSE_REVOCATION, "length_bits": MIN_STATUS_LIST_BITS},
        )
        status_list = (
            StatusList.objects.select_for_update()
            .filter(purpose=STATUS_PURPOSE_REVOCATION, next_index__lt=F("length_bits"))
            .order_by("pk")
            .first()
        )
        if status_list is None:
            status_list = StatusList.objects.create(
                purpose=STATUS_PURPOSE_REVOCATION, length_bits=MIN_STATUS_LIST_BITS
            )
        index = status_list.next_index
        StatusList.objects.filter(pk=status_list.pk).update(next_index=F("next_index") + 1)
    return status_list.pk, index


def status_list_publish(*, status_list_id: int, now: datetime | None = None) -> StatusList:
    """Rebuild and re-sign the list from the certificates' statuses.

    Locks the list row, so concurrent revocations publish one after the other and the last
    publication includes both. Call inside the transaction that changed a status.
    """
    now = now or timezone.now()
    with transaction.atomic():
        status_list = StatusList.objects.select_for_update().get(pk=status_list_id)
        listed = Certificate.objects.filter(
            status_list_id=status_list_id, status__in=LISTED_STATUSES
        ).values_list("status_list_index", flat=True)
        bitstring = StatusBitstring.empty(status_list.length_bits)
        for index in listed:
            bitstring = bitstring.with_bit(index, True)
        identifier = issuer_id()
        ring = key_ring()
        unsigned = build_status_list_credential(
            credential_id=status_list_url(status_list_id),
            issuer=identifier,
            valid_from=now,
            bitstring=bitstring,
            purpose=status_list.purpose,
        )
        signed = sign_credential(
            unsigned,
            private_key=ring.active.signing_key,
            verification_method=ring.active.verification_method(identifier),
            created=now,
        )
        status_list.credential_json = dump_signed(signed)
        status_list.published_at = now
        status_list.save(update_fields=["credential_json", "published_at"])
    return status_list


def status_list_credential_get(*, status_list_id: int) -> str | None:
    """The signed list credential's JSON, published on first request; None for no such list."""
    status_list = StatusList.objects.filter(pk=status_list_id).first()
    if status_list is None:
        return None
    if not status_list.credential_json:
        status_list = status_list_publish(status_list_id=status_list_id)
    return status_list.credential_json
