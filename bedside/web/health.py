"""Health for load balancers: database reachable, migrations applied, queue depth and age."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    body: dict = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        body["migrations_pending"] = len(pending)
        from django_tasks_db.models import DBTaskResult

        queued = DBTaskResult.objects.filter(status="READY")
        body["queue_depth"] = queued.count()
        oldest = queued.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        body["queue_oldest_seconds"] = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    except DatabaseError as exc:
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    if body["migrations_pending"]:
        body["status"] = "migrations pending"
        return JsonResponse(body, status=503)
    return JsonResponse(body)
