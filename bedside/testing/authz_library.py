"""The library's rows in the authorization table, and the objects the walk opens.

Readers: any signed-in person reads the library (the walk's resource and collection are public,
so a person with no job reads them too). Curating needs a curate grant (of the walk's actors,
only the administrators hold one). A review is its named reviewer's (the walk's learner).
"""

from __future__ import annotations

import datetime as dt

from bedside.testing.authz_table import ADMINS, EVERYONE, SIGNED_IN, Access

URLS: dict[str, Access] = {
    "library": Access(get=SIGNED_IN),
    "library-search": Access(get=SIGNED_IN),
    "library-resource": Access(get=SIGNED_IN, post=SIGNED_IN, obj="resource", unscoped=True),
    "library-changes": Access(get=SIGNED_IN, obj="resource", unscoped=True),
    "library-collection": Access(get=SIGNED_IN, obj="collection", unscoped=True),
    "library-attachment": Access(get=SIGNED_IN, obj="attachment", unscoped=True),
    "library-code": Access(get=EVERYONE, obj="entry_code", unscoped=True),
    "library-curate": Access(get=ADMINS),
    "library-resource-new": Access(get=ADMINS, post=ADMINS),
    "library-overdue": Access(get=ADMINS),
    # Imports: curators of the import's site (or system-wide); of the walk's actors, the administrators.
    "library-imports": Access(get=ADMINS, post=ADMINS),
    "library-import": Access(get=ADMINS, obj="library_import"),
    "library-import-progress": Access(get=ADMINS, obj="library_import"),
    "library-resource-manage": Access(get=ADMINS, post=ADMINS, obj="resource"),
    "library-code-sheet": Access(get=ADMINS, obj="resource"),
    "library-code-sheet-pdf": Access(get=ADMINS, obj="resource"),
    "library-code-svg": Access(get=ADMINS, obj="entry_code"),
    "library-draft": Access(get=ADMINS, post=ADMINS, obj="library_version"),
    "library-review": Access(get=frozenset({"learner"}), post=frozenset({"learner"}), obj="review"),
    # The library API: any signed-in caller (an external learner gets the public collections only).
    "api:library-resources-list": Access(get=SIGNED_IN),
    "api:library-resources-detail": Access(get=SIGNED_IN, obj="resource", unscoped=True),
    "api:library-versions-list": Access(get=SIGNED_IN, obj="resource", unscoped=True),
    "api:library-acknowledge": Access(post=SIGNED_IN, obj="resource", unscoped=True),
    "api:library-collections-list": Access(get=SIGNED_IN),
    "api:library-search-api": Access(get=SIGNED_IN),
    # The public portal: anyone, signed in or not, reads it (GET and HEAD only).
    "public-home": Access(get=EVERYONE),
    "public-collection": Access(get=EVERYONE, obj="collection", unscoped=True),
    "public-resource": Access(get=EVERYONE, obj="resource", unscoped=True),
    "public-feed": Access(get=EVERYONE),
    "public-sitemap": Access(get=EVERYONE),
    # Joining as an external learner: anyone signed out; a signed-in person is sent to the library.
    "public-join": Access(get=EVERYONE, post=EVERYONE),
}


def build_objects(*, actors, unit_in, unit_out, person_in, person_out) -> dict[str, tuple]:
    return library_objects(
        site_in=unit_in.site, site_out=unit_out.site, learner=actors["learner"], other=person_out
    )


def library_objects(*, site_in, site_out, learner, other) -> dict[str, tuple]:
    """A resource of each site (the inside one public), a draft of each, a review for the learner and
    one for someone else, and a QR code."""
    from django.utils import timezone

    from bedside.library.models import EntryCode
    from bedside.library.services import (
        collection_create,
        resource_create,
        review_decide,
        review_submit,
        version_publish,
    )

    today = timezone.localdate()
    made = {}
    for name, site, reviewer in (("in", site_in, learner), ("out", site_out, other)):
        draft = resource_create(
            actor=None, title=f"Walk resource {name}", kind="guideline", owner=reviewer, site=site,
            key_points="A point.", effective_on=today, next_review_on=today + dt.timedelta(days=90),
        )  # fmt: skip
        (review,) = review_submit(version=draft, actor=None, reviewers=[reviewer])
        review_decide(review=review, actor=reviewer, approve=True)
        version_publish(version=draft, actor=None)
        second = resource_create(
            actor=None, title=f"Walk draft {name}", kind="guideline", owner=reviewer, site=site,
            key_points="A point.", effective_on=today, next_review_on=today + dt.timedelta(days=90),
        )  # fmt: skip
        (pending,) = review_submit(version=second, actor=None, reviewers=[reviewer])
        made[name] = (draft.resource, second, pending)
    collection = collection_create(
        actor=None, name="Walk public", public=True, licence="CC BY 4.0", attribution="Bedside",
        resources=[made["in"][0], made["out"][0]],
    )  # fmt: skip
    code = EntryCode.objects.create(code="walkcode", resource=made["in"][0], place="Bay 1")
    from django.core.files.base import ContentFile

    from bedside.library.models import Attachment

    attachment = Attachment(
        version=made["in"][0].versions.get(), name="walk.png", content_type="image/png", size=8
    )
    attachment.file.save("walk.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    from bedside.library.models import ImportStatus, LibraryImport

    jobs = [
        LibraryImport.objects.create(file_name=f"walk-{n}.zip", site=site, status=ImportStatus.FAILED)
        for n, site in enumerate((site_in, site_out))
    ]
    return {
        "resource": (made["in"][0].slug, made["out"][0].slug),
        "collection": (collection.slug, collection.slug),
        "library_version": (made["in"][1].pk, made["out"][1].pk),
        "review": (made["in"][2].pk, made["out"][2].pk),
        "entry_code": (code.code, code.code),
        "attachment": (attachment.pk, attachment.pk),
        "library_import": (jobs[0].pk, jobs[1].pk),
    }
