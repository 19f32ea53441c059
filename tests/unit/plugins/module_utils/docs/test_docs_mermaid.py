"""The Mermaid diagram's layers and syntax, from resource lists of each platform."""

from __future__ import annotations

import pytest

from ansible_collections.agentic.k8s.plugins.module_utils.docs.mermaid import layer_of, mermaid_diagram
from ansible_collections.agentic.k8s.plugins.module_utils.docs.models import Monitoring, Resource


def resource(address: str) -> Resource:
    return Resource(address=address, type=address.split(".", maxsplit=1)[0], id="x")


@pytest.mark.parametrize(
    ("address", "layer"),
    [
        ("aws_eks_node_group.this", "compute"),
        ("aws_eks_cluster.this", "control_plane"),
        ("aws_instance.server", "control_plane"),
        ("aws_instance.agent[0]", "compute"),
        ("aws_iam_role_policy_attachment.node", "identity"),
        ("aws_route_table_association.public[0]", "network"),
        ("google_container_node_pool.general", "compute"),
        ("azurerm_kubernetes_cluster.this", "control_plane"),
        ("azurerm_kubernetes_cluster_node_pool.user", "compute"),
        ("random_id.suffix", "other"),
    ],
)
def test_resources_are_placed_in_their_layer(address: str, layer: str) -> None:
    assert layer_of(resource(address)) == layer


def test_k3s_diagram_links_only_the_layers_present() -> None:
    resources = [resource(a) for a in ("aws_vpc.this", "aws_instance.server", "aws_instance.agent[0]")]

    diagram = mermaid_diagram(resources).splitlines()

    assert diagram[0] == "graph TB"
    assert [line.strip() for line in diagram if "-->" in line] == [
        "network --> control_plane",
        "control_plane --> compute",
        "network --> compute",
    ]


def test_labels_escape_quotes_and_node_ids_stay_unique() -> None:
    resources = [resource('aws_eks_node_group.this["a-b"]'), resource('aws_eks_node_group.this["a_b"]')]

    lines = [line.strip() for line in mermaid_diagram(resources).splitlines()]

    nodes = [line for line in lines if line.startswith("r_")]
    assert nodes == [
        'r_aws_eks_node_group_this__a_b["aws_eks_node_group.this[#quot;a-b#quot;]"]',
        'r_aws_eks_node_group_this__a_b_2["aws_eks_node_group.this[#quot;a_b#quot;]"]',
    ]


def test_the_monitoring_stack_runs_on_the_worker_nodes() -> None:
    monitoring = Monitoring(namespace="obs", endpoints={"grafana": {"service": "graf", "port": 80}})

    lines = [
        line.strip() for line in mermaid_diagram([resource("aws_instance.agent")], monitoring).splitlines()
    ]

    assert 'subgraph monitoring["Monitoring (namespace obs)"]' in lines
    assert 'r_monitoring_grafana["grafana graf:80"]' in lines
    assert "compute --> monitoring" in lines
