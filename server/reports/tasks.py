"""Background tasks of the reports. Tasks call services and nothing else."""

from celery import shared_task

from server.reports.services import figures_refresh


@shared_task(name="reports.figures_refresh")
def figures_refresh_task() -> int:
    """Fold dirty villages into the stored counters (reads are exact without it; faster with)."""
    return figures_refresh()
