"""Background tasks of the registry. Tasks call selectors or services and nothing else."""

from celery import shared_task

from server.registry.selectors import unit_status_counts


@shared_task(name="registry.unit_status_counts")
def unit_status_counts_task(unit_code: str) -> dict[str, int]:
    """Count households by official status under a unit (for dashboards and exports)."""
    return unit_status_counts(unit_code=unit_code)
