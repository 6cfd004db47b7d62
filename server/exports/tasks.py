"""Background tasks of the exports app. Tasks call services and nothing else."""

from uuid import UUID

from celery import shared_task

from server.exports.services import export_job_run


@shared_task(name="exports.run_export_job")
def run_export_job(job_id: str) -> None:
    """Write one export job's file (idempotent: a job already claimed is left alone)."""
    export_job_run(UUID(job_id))
