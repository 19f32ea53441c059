"""Benchmark (not run by CI): validate a 500-node, 10,000-pod cluster listing.

Serves the cluster from the Kubernetes API fake on loopback, its big list answers frozen (serialised
once, as an API server's watch cache would hold them: the fake's own deep copies are not the
client's cost), and times, in the same run:
  transport  - the raw HTTP GETs alone (what any client pays to the server: the floor);
  models     - the official client's default path (typed model deserialisation of every object,
               then ``to_dict``) feeding the same pure checks: the baseline;
  raw JSON   - the collection's path: ``KubeClient.list`` (``_preload_content=False``, ``json.loads``)
               and the nodes + pods checks (failing pods' events and logs included).
Prints the figures and the ratio against the baseline. Goal: raw JSON under 2 s.

    source scripts/setup.sh && PYTHONPATH=.collections:. python bench/validation/bench_listing.py
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / ".collections"), str(REPO)]

from kubernetes import client as k8s  # noqa: E402
from kubernetes.config import new_client_from_config  # noqa: E402

from ansible_collections.agentic.k8s.plugins.module_utils.kube.client import KubeClient  # noqa: E402
from ansible_collections.agentic.k8s.plugins.module_utils.validation.live import (  # noqa: E402
    nodes_check,
    pods_check,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.nodes import check_nodes  # noqa: E402
from ansible_collections.agentic.k8s.plugins.module_utils.validation.pods import (  # noqa: E402
    check_pods,
    failing_pods,
)
from ansible_collections.agentic.k8s.plugins.module_utils.validation.settings import (  # noqa: E402
    ValidationSettings,
)
from tests.fakes.kube_api import FAKE_TOKEN, FakeKubeApi, _TextBody  # noqa: E402
from tests.support.cluster_objects import event, node, pod  # noqa: E402

NODES = 500
NAMESPACES = 20
PODS_PER_NAMESPACE = 500
CRASHING_EVERY = 100
REPEATS = 2


def seed(api: FakeKubeApi) -> list[str]:
    namespaces = [f"team-{i:02d}" for i in range(NAMESPACES)]
    api.seed(*({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}} for n in namespaces))
    api.seed(*(node(f"node-{i:03d}") for i in range(NODES)))
    for namespace in namespaces:
        for i in range(PODS_PER_NAMESPACE):
            name = f"app-{i:03d}"
            crashing = i % CRASHING_EVERY == 0
            api.seed(
                pod(namespace, name, waiting="CrashLoopBackOff" if crashing else "", restarts=7 * crashing)
            )
            if crashing:
                api.seed(event(namespace, name, "BackOff", "Back-off restarting failed container"))
                api.seed_pod_log(namespace, name, "starting\npanic: boom\n")
    return namespaces


def frozen_key(url: str) -> tuple[str, frozenset]:
    path, _separator, query = url.partition("?")
    return path, frozenset(urllib.parse.parse_qsl(query))


def freeze_answers(api: FakeKubeApi, urls: list[str]) -> None:
    """Answer GETs of ``urls`` (path and query) with their text serialised once, as an API
    server's watch cache would; everything else as before."""
    original = api.handle
    frozen = {}
    for url in urls:
        answer = original("GET", url, {}, b"")[1]
        frozen[frozen_key(url)] = answer if isinstance(answer, str) else _TextBody(json.dumps(answer))

    def handle(method: str, url: str, headers: dict[str, str], body: bytes):
        key = frozen_key(url)
        if method == "GET" and key in frozen:
            return 200, frozen[key]
        return original(method, url, headers, body)

    api.handle = handle


def evidence_urls(namespaces: list[str]) -> list[str]:
    """The events and log-tail reads of the crash-looping pods the pods check explains."""
    urls = []
    for namespace in namespaces:
        for i in range(0, PODS_PER_NAMESPACE, CRASHING_EVERY):
            name = f"app-{i:03d}"
            selector = urllib.parse.urlencode({"fieldSelector": f"involvedObject.name={name}"})
            urls.append(f"/api/v1/namespaces/{namespace}/events?{selector}")
            query = urllib.parse.urlencode({"tailLines": 20, "container": "main", "previous": "true"})
            urls.append(f"/api/v1/namespaces/{namespace}/pods/{name}/log?{query}")
    return urls


def best_of(label: str, run) -> float:
    timings = []
    for _repeat in range(REPEATS):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    best = min(timings)
    print(f"  {label:<10} best {best:6.3f} s   median {statistics.median(timings):6.3f} s")
    return best


def main() -> None:
    api = FakeKubeApi()
    api.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            kubeconfig = api.write_kubeconfig(Path(folder) / "kubeconfig")
            namespaces = seed(api)
            settings = ValidationSettings(
                kubeconfig_path=str(kubeconfig), namespaces=namespaces, expected_nodes=NODES
            )
            paths = ["/api/v1/nodes"] + [f"/api/v1/namespaces/{n}/pods" for n in namespaces]
            freeze_answers(api, paths + evidence_urls(namespaces))
            urls = [api.base_url + path for path in paths]

            def transport() -> None:
                for url in urls:
                    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {FAKE_TOKEN}"})
                    with urllib.request.urlopen(request, timeout=60) as response:
                        response.read()

            core = k8s.CoreV1Api(new_client_from_config(config_file=str(kubeconfig)))

            def models() -> list:
                nodes = [n.to_dict() for n in core.list_node(_request_timeout=60).items]
                pods = [
                    p.to_dict()
                    for n in namespaces
                    for p in core.list_namespaced_pod(n, _request_timeout=60).items
                ]
                return check_nodes(nodes, NODES) + check_pods(failing_pods(pods, namespaces))

            with KubeClient(str(kubeconfig), timeout_s=60) as client:
                findings: list = []

                def raw_json() -> None:
                    findings[:] = nodes_check(client, settings) + pods_check(client, settings)

                print(
                    f"{NODES} nodes, {NAMESPACES * PODS_PER_NAMESPACE} pods in {NAMESPACES} namespaces, "
                    f"best of {REPEATS}"
                )
                floor = best_of("transport", transport)
                baseline = best_of("models", models)
                ours = best_of("raw JSON", raw_json)
            print(f"  findings: {len(findings)} (crash-looping pods, events and log tails of the first 20)")
            print(
                f"  raw JSON vs models: {baseline / ours:.2f}x faster; raw JSON over the transport floor: "
                f"{ours - floor:.3f} s; goal < 2 s: {'met' if ours < 2 else 'NOT met'}"
            )
    finally:
        api.stop()


if __name__ == "__main__":
    main()
