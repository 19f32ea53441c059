"""Raw Kubernetes objects (as the API returns them) for healthy and broken clusters, shared by
the validation unit tests, the fake-API tests and the benchmark."""

from __future__ import annotations

from typing import Any

KUBELET_VERSION = "v1.30.4"
TIME = "2026-11-26T05:00:00Z"


def node(
    name: str, *, ready: bool = True, version: str = KUBELET_VERSION, pressure: str = ""
) -> dict[str, Any]:
    conditions = [
        {
            "type": "Ready",
            "status": "True" if ready else "False",
            "reason": "KubeletReady" if ready else "KubeletNotReady",
            "message": "" if ready else "container runtime network not ready",
            "lastTransitionTime": TIME,
        },
    ]
    conditions += [
        {"type": kind, "status": "True" if kind == pressure else "False"}
        for kind in ("MemoryPressure", "DiskPressure", "PIDPressure")
    ]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "spec": {},
        "status": {
            "conditions": conditions,
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": f"boot-{name}",
                "containerRuntimeVersion": "containerd://1.7.22",
                "kernelVersion": "6.1.0",
                "kubeProxyVersion": version,
                "kubeletVersion": version,
                "machineID": f"machine-{name}",
                "operatingSystem": "linux",
                "osImage": "Amazon Linux 2023",
                "systemUUID": f"uuid-{name}",
            },
        },
    }


def pod(
    namespace: str,
    name: str,
    *,
    phase: str = "Running",
    ready: bool = True,
    waiting: str = "",
    restarts: int = 0,
    labels: dict[str, str] | None = None,
    unschedulable: str = "",
) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": "main",
        "image": "busybox:1.36",
        "imageID": "docker.io/library/busybox@sha256:0",
        "ready": ready and not waiting,
        "restartCount": restarts,
        "state": {"waiting": {"reason": waiting, "message": f"back-off restarting {name}"}}
        if waiting
        else {"running": {"startedAt": TIME}},
    }
    conditions = [{"type": "Ready", "status": "True" if ready and not waiting else "False"}]
    if unschedulable:
        conditions.append(
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": unschedulable}
        )
    status: dict[str, Any] = {"phase": phase, "conditions": conditions}
    if not unschedulable:
        status["containerStatuses"] = [container]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": labels or {"app": name.rsplit("-", 1)[0]},
        },
        "spec": {
            "nodeName": "" if unschedulable else "node-1",
            "containers": [{"name": "main", "image": "busybox"}],
        },
        "status": status,
    }


def event(namespace: str, pod_name: str, reason: str, message: str, when: str = TIME) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{pod_name}.{reason.lower()}", "namespace": namespace},
        "involvedObject": {"kind": "Pod", "namespace": namespace, "name": pod_name},
        "reason": reason,
        "message": message,
        "type": "Warning",
        "count": 3,
        "lastTimestamp": when,
    }


def service(namespace: str, name: str, selector: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"selector": selector or {"app": name}, "ports": [{"port": 80}]},
    }


def endpoints(namespace: str, name: str, addresses: int = 1) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": name, "namespace": namespace},
        "subsets": [
            {"addresses": [{"ip": f"10.0.0.{i + 1}"} for i in range(addresses)], "ports": [{"port": 80}]}
        ]
        if addresses
        else [],
    }


def coredns_pods(count: int = 2, ready: bool = True) -> list[dict[str, Any]]:
    return [
        pod("kube-system", f"coredns-{i}", ready=ready, labels={"k8s-app": "kube-dns"}) for i in range(count)
    ]


def healthy_cluster(node_count: int = 3) -> dict[str, list[dict[str, Any]]]:
    """Nodes Ready, CoreDNS and the monitoring stack Running, every Service with endpoints."""
    return {
        "nodes": [node(f"node-{i + 1}") for i in range(node_count)],
        "pods": [
            *coredns_pods(),
            pod("kube-system", "kube-proxy-1"),
            pod("monitoring", "prometheus-0", labels={"app": "prometheus"}),
            pod("monitoring", "grafana-1", labels={"app": "grafana"}),
        ],
        "events": [],
        "services": [
            service("kube-system", "kube-dns", {"k8s-app": "kube-dns"}),
            service("monitoring", "prometheus", {"app": "prometheus"}),
        ],
        "endpoints": [endpoints("kube-system", "kube-dns", 2), endpoints("monitoring", "prometheus")],
    }


def rbac_binding(
    name: str, role: str, subjects: list[dict[str, str]], *, ours: bool = True
) -> dict[str, Any]:
    labels = {"app.kubernetes.io/managed-by": "agentic-k8s"} if ours else {}
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": name, "labels": labels},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": subjects,
    }


def rbac_role(
    kind: str, name: str, rules: list[dict[str, list[str]]], *, ours: bool = True
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "name": name,
        "labels": {"app.kubernetes.io/managed-by": "agentic-k8s"} if ours else {},
    }
    if kind == "Role":
        metadata["namespace"] = "monitoring"
    return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": metadata, "rules": rules}
