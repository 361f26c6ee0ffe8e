from django.contrib import admin

from bedside.campaigns.models import Campaign, Digest
from bedside.core.admin_base import ReadOnlyAdmin


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    """Campaigns change through their pages (audited services); the admin shows them."""

    list_display = ["name", "priority", "starts_on", "deadline", "status", "owner"]
    list_filter = ["priority", "status"]


@admin.register(Digest)
class DigestAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "day", "subject", "sent_at"]
