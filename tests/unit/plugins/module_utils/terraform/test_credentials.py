from __future__ import annotations

import base64
import stat

import yaml
from cryptography import x509

from ansible_collections.agentic.k8s.plugins.module_utils.terraform.credentials import (
    K3S_FILES,
    eks_kubeconfig,
    k3s_credentials,
    k3s_kubeconfig,
)


def test_k3s_credentials_are_made_once_as_private_files_and_reused(tmp_path):
    first = k3s_credentials(tmp_path)
    second = k3s_credentials(tmp_path)

    assert first == second
    assert len(first.token) == 64
    for file_name in K3S_FILES.values():
        assert stat.S_IMODE((tmp_path / file_name).stat().st_mode) == 0o600


def test_k3s_admin_certificate_is_signed_by_the_client_ca_and_trusted_in_the_kubeconfig(tmp_path):
    credentials = k3s_credentials(tmp_path)
    admin = x509.load_pem_x509_certificate(credentials.admin_cert.encode())
    client_ca = x509.load_pem_x509_certificate(credentials.client_ca_cert.encode())

    admin.verify_directly_issued_by(client_ca)
    assert "O=system:masters" in admin.subject.rfc4514_string()

    kubeconfig = yaml.safe_load(k3s_kubeconfig(credentials, "k3s-dev-lab", "https://203.0.113.7:6443"))
    cluster = kubeconfig["clusters"][0]["cluster"]
    assert cluster["server"] == "https://203.0.113.7:6443"
    assert base64.b64decode(cluster["certificate-authority-data"]).decode() == credentials.server_ca_cert
    assert kubeconfig["current-context"] == "k3s-dev-lab"


def test_eks_kubeconfig_authenticates_with_aws_eks_get_token():
    kubeconfig = yaml.safe_load(
        eks_kubeconfig(
            "eks-prod-pay",
            cluster_name="eks-prod-pay",
            endpoint="https://abc.eks.amazonaws.com",
            ca_data="Q0E=",
            region="eu-west-3",
            profile="ops",
        )
    )
    user = kubeconfig["users"][0]["user"]["exec"]

    assert user["command"] == "aws"
    assert user["args"] == [
        "--region",
        "eu-west-3",
        "eks",
        "get-token",
        "--cluster-name",
        "eks-prod-pay",
        "--output",
        "json",
    ]
    assert user["env"] == [{"name": "AWS_PROFILE", "value": "ops"}]
    assert kubeconfig["clusters"][0]["cluster"]["certificate-authority-data"] == "Q0E="
