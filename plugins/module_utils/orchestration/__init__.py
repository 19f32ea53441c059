"""Orchestration of the workflow: resuming a recorded workflow, the final report's pieces."""
