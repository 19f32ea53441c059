"""A Mermaid diagram of the cluster as built, generated from the Terraform resource list.

Resources are grouped into layers by their type (network, identity, encryption, logging,
control plane, compute, storage, other); the layers are linked in the order traffic and
dependencies flow, and the monitoring stack, when there is one, runs on the compute layer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Monitoring, Resource


@dataclass(frozen=True)
class Layer:
    key: str
    title: str
    type_prefixes: tuple[str, ...]


LAYERS = (
    Layer(
        "network",
        "Network",
        (
            "aws_vpc",
            "aws_subnet",
            "aws_internet_gateway",
            "aws_nat_gateway",
            "aws_eip",
            "aws_route",
            "aws_security_group",
            "aws_network_acl",
            "azurerm_virtual_network",
            "azurerm_subnet",
            "google_compute_network",
            "google_compute_subnetwork",
            "google_compute_router",
            "google_compute_firewall",
        ),
    ),
    Layer(
        "identity",
        "Identity and access",
        (
            "aws_iam_",
            "aws_eks_access_",
            "aws_key_pair",
            "azurerm_user_assigned_identity",
            "azurerm_role_assignment",
            "google_service_account",
            "google_project_iam",
        ),
    ),
    Layer("encryption", "Encryption", ("aws_kms_", "azurerm_key_vault", "google_kms_")),
    Layer("logging", "Logging", ("aws_cloudwatch_", "azurerm_log_analytics_", "google_logging_")),
    Layer(
        "control_plane",
        "Control plane",
        ("aws_eks_cluster", "aws_eks_addon", "azurerm_kubernetes_cluster", "google_container_cluster"),
    ),
    Layer(
        "compute",
        "Worker nodes",
        (
            "aws_eks_node_group",
            "aws_instance",
            "aws_launch_template",
            "aws_autoscaling_group",
            "azurerm_kubernetes_cluster_node_pool",
            "google_container_node_pool",
        ),
    ),
    Layer("storage", "Storage", ("aws_s3_", "aws_ebs_", "azurerm_storage_", "google_storage_")),
    Layer("other", "Other resources", ()),
)
LAYER_EDGES = (
    ("network", "control_plane"),
    ("identity", "control_plane"),
    ("encryption", "control_plane"),
    ("control_plane", "logging"),
    ("control_plane", "compute"),
    ("network", "compute"),
    ("identity", "compute"),
    ("compute", "storage"),
    ("compute", "monitoring"),
)
_K3S_SERVER = re.compile(r"\bserver\b|server\[", re.IGNORECASE)
_NODE_ID_DROPPED = re.compile(r"[^A-Za-z0-9_]")


def layer_of(resource: Resource) -> str:
    """The layer of a resource; a k3s server instance is the control plane."""
    if resource.type == "aws_instance" and _K3S_SERVER.search(resource.address):
        return "control_plane"
    # The most specific prefix wins: aws_eks_node_group is compute, not a control-plane aws_eks_*.
    matches = [
        (len(prefix), layer.key)
        for layer in LAYERS
        for prefix in layer.type_prefixes
        if resource.type.startswith(prefix)
    ]
    return max(matches)[1] if matches else "other"


def group_by_layer(resources: Iterable[Resource]) -> dict[str, list[Resource]]:
    """Resources per layer key, in the order of LAYERS, empty layers left out."""
    grouped: dict[str, list[Resource]] = {layer.key: [] for layer in LAYERS}
    for resource in resources:
        grouped[layer_of(resource)].append(resource)
    return {key: members for key, members in grouped.items() if members}


def layer_title(key: str) -> str:
    return next(layer.title for layer in LAYERS if layer.key == key)


def mermaid_diagram(resources: list[Resource], monitoring: Monitoring | None = None) -> str:
    """``graph TB`` with one subgraph per layer, one node per resource, edges between layers."""
    grouped = group_by_layer(resources)
    lines = ["graph TB"]
    used_ids: set[str] = set()
    for key, members in grouped.items():
        lines.append(f'  subgraph {key}["{_label(layer_title(key))}"]')
        lines += [f'    {_node_id(r.address, used_ids)}["{_label(r.address)}"]' for r in members]
        lines.append("  end")
    present = set(grouped)
    if monitoring is not None:
        lines += _monitoring_subgraph(monitoring, used_ids)
        present.add("monitoring")
    lines += [f"  {source} --> {target}" for source, target in LAYER_EDGES if {source, target} <= present]
    return "\n".join(lines)


def _monitoring_subgraph(monitoring: Monitoring, used_ids: set[str]) -> list[str]:
    namespace = monitoring.namespace or "monitoring"
    lines = [f'  subgraph monitoring["{_label(f"Monitoring (namespace {namespace})")}"]']
    components = sorted(monitoring.endpoints) or [monitoring.chart.name or "kube-prometheus-stack"]
    for name in components:
        endpoint = monitoring.endpoints.get(name)
        detail = f" {endpoint.service}:{endpoint.port}" if endpoint and endpoint.service else ""
        lines.append(f'    {_node_id(f"monitoring_{name}", used_ids)}["{_label(name + detail)}"]')
    lines.append("  end")
    return lines


def _node_id(address: str, used_ids: set[str]) -> str:
    """A Mermaid-safe, unique node id derived from a resource address."""
    base = "r_" + _NODE_ID_DROPPED.sub("_", address).strip("_")
    candidate, counter = base, 1
    while candidate in used_ids:
        counter += 1
        candidate = f"{base}_{counter}"
    used_ids.add(candidate)
    return candidate


def _label(text: str) -> str:
    """Text inside a quoted Mermaid label: double quotes become the ``#quot;`` entity."""
    return text.replace('"', "#quot;")
