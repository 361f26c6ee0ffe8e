"""Health for load balancers: database reachable (each probe), migrations applied (cached once true), queue."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Once every migration is applied, it stays so for this process's code: a new migration
# comes with new code and a restart. Until then each probe looks again.
_migrations_applied = False


def _pending_migrations() -> int:
    global _migrations_applied
    if _migrations_applied:
        return 0
    executor = MigrationExecutor(connection)
    pending = len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    _migrations_applied = pending == 0
    return pending


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    body: dict = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["migrations_pending"] = _pending_migrations()
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
