"""The demo's care library: about 120 resources, collections, a COVID-19 collection whose key
guidance went through several versions with acknowledgments, device how-tos with QR codes, and
a few resources overdue for review.

Resources with one version are written in bulk; the COVID-19 guidance goes through the real
workflow (draft, review, publish; acknowledgments required of ICU nurses and recorded).
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils.text import slugify

from bedside.demo import library_content as content
from bedside.library.models import (
    KIND,
    Collection,
    EntryCode,
    Resource,
    ResourceVersion,
    SearchEntry,
    Synonym,
    Tag,
    VersionStatus,
)
from bedside.library.rendering import fold, plain_text
from bedside.library.services import (
    collection_create,
    draft_start,
    draft_update,
    resource_create,
    review_decide,
    review_submit,
    version_publish,
)
from bedside.people.models import Audience, JobRole, Person, UnitKind
from bedside.records.models import ItemVersion, LearningItem, Record, Verb
from bedside.records.services import record_add

LICENCE = ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
ATTRIBUTION = "Commonwealth Health clinical guidance team"
ACKNOWLEDGED = {"COVID-19: prone positioning of a ventilated patient", "COVID-19: donning and doffing PPE"}


def _body(title: str, points: str, more: str) -> str:
    steps = "\n".join(f"{n}. {p}" for n, p in enumerate(points.splitlines(), start=1))
    return (
        f"## Why\n\n{more}\n\n## What to do\n\n{steps}\n\n## Who to call\n\n"
        f"Ask the charge nurse or the unit's educator. Out of hours, call the clinical site lead.\n\n"
        f"*{title}: written for the Bedside demo, not clinical advice.*"
    )


def seed_library(*, now: dt.datetime, today: dt.date, rng: random.Random, curator: Person, reviewer: Person,
                 icu_nurses: list[Person]) -> dict[str, int]:  # fmt: skip
    """Write the demo library; returns counts."""
    Synonym.objects.bulk_create([Synonym(term=t, means=m) for t, m in content.SYNONYMS])
    nurses = Audience.objects.create(name="ICU nurses", unit_kinds=[UnitKind.ICU])
    nurses.job_roles.set(JobRole.objects.filter(code="RN"))
    clinical = Audience.objects.create(name="Clinical staff")
    clinical.job_roles.set(JobRole.objects.filter(clinical=True))

    rows = content_rows(nurses=nurses, clinical=clinical)
    resources = _bulk_resources(rows, now=now, today=today, rng=rng, curator=curator)

    covid = []
    for n, (kind, title, tags, versions) in enumerate(content.COVID_VERSIONED):
        covid.append(_versioned(kind, title, tags, versions, n=n, now=now, today=today, curator=curator,
                                reviewer=reviewer, audience=nurses if title in ACKNOWLEDGED else clinical,
                                icu_nurses=icu_nurses, rng=rng))  # fmt: skip

    by_title = {r.item.title: r for r in resources + covid}
    by_tag: dict[str, list[Resource]] = {}
    for r in resources + covid:
        for t in r.tags.all():
            by_tag.setdefault(t.name, []).append(r)
    picks = {
        "covid-19-care": covid + [r for r in by_tag.get("covid-19", []) if r not in covid],
        "ventilator-basics": [r for r in by_tag.get("ventilation", [])],
        "devices": [r for r in by_tag.get("devices", [])],
        "resuscitation": [r for r in by_tag.get("resuscitation", [])],
        "infection-prevention": [r for r in by_tag.get("infection control", [])],
        "medication-safety": [r for r in by_tag.get("pharmacy", [])],
    }
    for position, (name, slug, description, public) in enumerate(content.COLLECTIONS):
        collection = collection_create(
            actor=None, name=name, slug=slug, description=description, public=public,
            licence=LICENCE[0] if public else "", licence_url=LICENCE[1] if public else "",
            attribution=ATTRIBUTION if public else "", resources=list(dict.fromkeys(picks[slug])),
        )  # fmt: skip
        Collection.objects.filter(pk=collection.pk).update(position=position)

    codes = []
    places = ["MICU bay 1", "MICU bay 2", "SICU bay 4", "ED resus 1", "4 West med room", "PACU bay 3"]
    for name, _, _ in content.DEVICES[:12]:
        resource = by_title[f"{name}: how to use it"]
        for place in rng.sample(places, 2):
            # A code is a slug in the QR's address: "4 West med room" gives "4w", never a space.
            initials = "".join(ch for ch in place.lower() if ch.isalnum())[:2]
            codes.append(EntryCode(code=f"{resource.pk:03d}{initials}{len(codes):02d}", resource=resource,
                                   place=f"{name.split(' ')[0]} {place}", scans=rng.randint(0, 240)))  # fmt: skip
    EntryCode.objects.bulk_create(codes)
    return {
        "library resources": Resource.objects.count(),
        "library versions": ResourceVersion.objects.count(),
        "acknowledgments": Record.objects.filter(item__kind=KIND).count(),
    }


def content_rows(
    *, nurses: Audience | None, clinical: Audience | None, covid_latest: bool = False
) -> list[tuple]:
    """(kind, title, tags, key points, body, link, audience) of the one-version resources; with
    `covid_latest`, the COVID-19 guidance's latest versions too (for the search quality bench)."""
    rows = []
    for name, tag, points in content.DEVICES:
        rows.append(("how_to", f"{name}: how to use it", (tag, "devices"), points,
                     _body(name, points, f"A two-minute refresher on the {name}."), "", None))  # fmt: skip
    for kind, title, tags, points, more in content.GENERAL:
        audience = nurses if "icu" in tags else (clinical if "safety" in tags else None)
        rows.append((kind, title, tags, points, _body(title, points, more), "", audience))
    for kind, title, tags, points, link in content.VIDEOS_AND_MORE:
        rows.append((kind, title, tags, points, f"{points}\n\n[Open it]({link})", link, None))
    if covid_latest:
        for kind, title, tags, versions in content.COVID_VERSIONED:
            points, summary = versions[-1]
            rows.append(
                (kind, title, tags, points, _body(title, points, f"What changed: {summary}"), "", None)
            )
    return rows


def bulk_resources(rows, *, now, today, rng, curator) -> list[Resource]:
    return _bulk_resources(rows, now=now, today=today, rng=rng, curator=curator)


def _bulk_resources(rows, *, now, today, rng, curator) -> list[Resource]:
    """Resources with one published version each, written in bulk (and indexed)."""
    items = LearningItem.objects.bulk_create(
        [
            LearningItem(
                kind=KIND, title=title, minutes=2 if kind != "video" else 6, owner=curator, created_at=now
            )
            for kind, title, *_ in rows
        ]  # fmt: skip
    )
    ages = [rng.randint(20, 400) for _ in rows]
    published = [now - dt.timedelta(days=age) for age in ages]
    versions = ItemVersion.objects.bulk_create(
        [
            ItemVersion(item=item, label="1", published_at=at)
            for item, at in zip(items, published, strict=True)
        ]
    )
    resources = Resource.objects.bulk_create(
        [
            Resource(
                item=item,
                slug=slugify(row[1])[:120],
                kind=row[0],
                audience=row[6],
                link=row[5],
                created_at=now,
            )
            for item, row in zip(items, rows, strict=True)
        ]  # fmt: skip
    )
    overdue = set(rng.sample(range(len(rows)), 7))
    reviews = [
        today - dt.timedelta(days=rng.randint(3, 60))
        if n in overdue
        else (at + dt.timedelta(days=730)).date()
        for n, at in enumerate(published)
    ]
    ResourceVersion.objects.bulk_create(
        [ResourceVersion(
            resource=r, status=VersionStatus.PUBLISHED, item_version=v, body=row[4], key_points=row[3],
            change_summary="First version.", owner=curator, next_review_on=review,
            effective_on=min((at - dt.timedelta(days=1)).date(), review), created_at=at,
        ) for r, v, row, at, review in zip(resources, versions, rows, published, reviews, strict=True)]
    )  # fmt: skip
    names = sorted({t for row in rows for t in row[2]})
    existing = {t.name: t for t in Tag.objects.filter(name__in=names)}
    Tag.objects.bulk_create([Tag(name=n) for n in names if n not in existing])
    tags = {t.name: t for t in Tag.objects.filter(name__in=names)}
    through = Resource.tags.through
    through.objects.bulk_create(
        [
            through(resource_id=r.pk, tag_id=tags[t].pk)
            for r, row in zip(resources, rows, strict=True)
            for t in row[2]
        ]
    )
    SearchEntry.objects.bulk_create(
        [
            SearchEntry(
                resource=r,
                title=fold(row[1]),
                key_points=fold(row[3]),
                body=fold(plain_text(row[4])),
                tags=fold(" ".join(row[2])),
                attachments="",
            )
            for r, row in zip(resources, rows, strict=True)
        ]  # fmt: skip
    )
    return list(
        Resource.objects.filter(pk__in=[r.pk for r in resources])
        .select_related("item")
        .prefetch_related("tags")
    )


def _versioned(
    kind, title, tags, versions, *, n, now, today, curator, reviewer, audience, icu_nurses, rng
) -> Resource:
    """A COVID-19 resource through the real workflow: each version reviewed and published in turn;
    where acknowledgment is required, most nurses acknowledged each version before the next."""
    span = len(versions)
    first_at = now - dt.timedelta(days=30 * span + 3 * n + 2)
    requires = title in ACKNOWLEDGED
    points, _ = versions[0]
    draft = resource_create(
        actor=None, title=title, kind=kind, owner=curator, key_points=points,
        body=_body(title, points, "Guidance for COVID-19 care, reviewed as the evidence changed."),
        effective_on=first_at.date(), next_review_on=today + dt.timedelta(days=90 if n != 4 else -5),
        audience=audience, tags=tags, requires_acknowledgment=requires, acknowledge_within_days=14, now=first_at,
    )  # fmt: skip
    resource = draft.resource
    for number, (points, summary) in enumerate(versions, start=1):
        # The last version of the key guidance is days old: it shows as changed on Today.
        at = (
            now - dt.timedelta(days=3 + n)
            if number == span and span > 1
            else first_at + dt.timedelta(days=30 * (number - 1))
        )
        if number > 1:
            draft = draft_start(resource=resource, actor=None, now=at - dt.timedelta(days=2))
            draft_update(version=draft, actor=None, key_points=points, change_summary=summary,
                         body=_body(title, points, f"What changed: {summary}"), effective_on=at.date(),
                         requires_acknowledgment=requires)  # fmt: skip
        (review,) = review_submit(
            version=draft, actor=None, reviewers=[reviewer], now=at - dt.timedelta(days=1)
        )
        review_decide(review=review, actor=reviewer, approve=True, comment="Checked against the evidence.",
                      now=at - dt.timedelta(hours=12))  # fmt: skip
        published = version_publish(version=draft, actor=None, now=at)
        if requires:
            share = 0.85 if number < span else 0.4
            for nurse in icu_nurses:
                if rng.random() < share:
                    record_add(person=nurse, item=resource.item, verb=Verb.ACKNOWLEDGED, by=nurse,
                               version=published.item_version,
                               at=min(at + dt.timedelta(hours=rng.randint(2, 200)), now - dt.timedelta(minutes=5)),
                               evidence="Acknowledged in the library")  # fmt: skip
    return Resource.objects.select_related("item").prefetch_related("tags").get(pk=resource.pk)
