"""The fake Kubernetes API (tests/support/kube_fake.py) seeded as a cluster to validate, with a
stand-in for the Job controller that runs the validation's DNS/Service probe: it resolves
``kubernetes.default`` only while the ``kube-dns`` Service has ready endpoints."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.kube_api import FakeKubeApi
from tests.support.cluster_objects import healthy_cluster
from tests.support.kube_fake import FakeCluster

PROBE_OK_OUTPUT = "Server: 10.96.0.10\nName: kubernetes.default.svc.cluster.local\nagentic-probe-ok\n"
PROBE_DNS_FAILURE = "nslookup: can't resolve 'kubernetes.default'\n"
SYSTEM_NAMESPACES = ("kube-system", "monitoring")


def dns_probe_runner(api: FakeKubeApi, job: dict[str, Any]) -> tuple[bool, str]:
    dns = api.stored("v1", "Endpoints", "kube-dns", "kube-system") or {}
    resolves = any(subset.get("addresses") for subset in dns.get("subsets") or [])
    return (True, PROBE_OK_OUTPUT) if resolves else (False, PROBE_DNS_FAILURE)


def seed_cluster(cluster: FakeCluster, objects: dict[str, list[dict[str, Any]]]) -> None:
    """Seed the system namespaces and every object list of ``objects`` (nodes, pods, ...)."""
    cluster.seed(
        *({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}} for n in SYSTEM_NAMESPACES)
    )
    cluster.seed(*(obj for objs in objects.values() for obj in objs))


@pytest.fixture
def cluster_to_validate(kube_fake: FakeCluster) -> FakeCluster:
    """The fake API with the probe runner, seeded healthy (3 Ready nodes, CoreDNS, monitoring)."""
    kube_fake.api.job_runner = dns_probe_runner
    seed_cluster(kube_fake, healthy_cluster())
    return kube_fake
