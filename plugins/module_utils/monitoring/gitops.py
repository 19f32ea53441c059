"""The same stack for GitOps: an Argo CD Application and a Flux HelmRepository + HelmRelease for
the chart (values inline), and, when a Git repository is given, one more of each for the folder
of our own manifests. The Grafana admin Secret is not in them: create it in the cluster (or with
your secret manager) under the name the values reference."""

from __future__ import annotations

from typing import Any

from .spec import CHART_NAME, MonitoringSpec

ARGOCD_NAMESPACE = "argocd"
FLUX_NAMESPACE = "flux-system"
ARGO_SYNC = {"automated": {"prune": True, "selfHeal": True}, "syncOptions": ["ServerSideApply=true"]}


def argocd_applications(spec: MonitoringSpec, values: dict[str, Any]) -> list[dict[str, Any]]:
    chart_source = {
        "repoURL": spec.chart_repo,
        "chart": CHART_NAME,
        "targetRevision": spec.chart_version,
        "helm": {"releaseName": spec.release_name, "valuesObject": values},
    }
    applications = [_argo_application(spec.release_name, spec, chart_source)]
    if spec.gitops_repo_url:
        manifests_source = {
            "repoURL": spec.gitops_repo_url,
            "path": spec.gitops_path,
            "targetRevision": spec.gitops_revision,
        }
        applications.append(_argo_application(f"{spec.release_name}-extras", spec, manifests_source))
    return applications


def _argo_application(name: str, spec: MonitoringSpec, source: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": name, "namespace": ARGOCD_NAMESPACE},
        "spec": {
            "project": "default",
            "source": source,
            "destination": {"server": "https://kubernetes.default.svc", "namespace": spec.namespace},
            "syncPolicy": {**ARGO_SYNC, "syncOptions": [*ARGO_SYNC["syncOptions"], "CreateNamespace=true"]},
        },
    }


def flux_objects(spec: MonitoringSpec, values: dict[str, Any]) -> list[dict[str, Any]]:
    repository = {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "HelmRepository",
        "metadata": {"name": "prometheus-community", "namespace": FLUX_NAMESPACE},
        "spec": {"interval": "24h", "url": spec.chart_repo},
    }
    release = {
        "apiVersion": "helm.toolkit.fluxcd.io/v2",
        "kind": "HelmRelease",
        "metadata": {"name": spec.release_name, "namespace": FLUX_NAMESPACE},
        "spec": {
            "interval": "30m",
            "releaseName": spec.release_name,
            "targetNamespace": spec.namespace,
            "install": {"createNamespace": True, "crds": "CreateReplace"},
            "upgrade": {"crds": "CreateReplace"},
            "chart": {
                "spec": {
                    "chart": CHART_NAME,
                    "version": spec.chart_version,
                    "sourceRef": {"kind": "HelmRepository", "name": "prometheus-community"},
                }
            },
            "values": values,
        },
    }
    objects = [repository, release]
    if spec.gitops_repo_url:
        objects += _flux_manifests_sync(spec)
    return objects


def _flux_manifests_sync(spec: MonitoringSpec) -> list[dict[str, Any]]:
    name = f"{spec.release_name}-extras"
    return [
        {
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": "GitRepository",
            "metadata": {"name": name, "namespace": FLUX_NAMESPACE},
            "spec": {"interval": "5m", "url": spec.gitops_repo_url, "ref": {"branch": spec.gitops_revision}},
        },
        {
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {"name": name, "namespace": FLUX_NAMESPACE},
            "spec": {
                "interval": "10m",
                "path": spec.gitops_path,
                "prune": True,
                "sourceRef": {"kind": "GitRepository", "name": name},
                "dependsOn": [{"name": spec.release_name}],
            },
        },
    ]
