"""Credentials made on the Python side (only the aws provider exists offline): the k3s cluster
CAs, join token, admin client certificate and SSH key, and the kubeconfigs of both platforms.
Everything secret lands in 0600 files under the cluster's ``secrets/`` folder."""

from __future__ import annotations

import base64
import datetime
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.home import write_secret_file
from ..common.requirements import requirement

with requirement("PyYAML"):
    import yaml
with requirement("cryptography"):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

CA_VALIDITY_DAYS = 3650
CLIENT_VALIDITY_DAYS = 365
SSH_KEY_BITS = 3072


@dataclass(frozen=True)
class K3sCredentials:
    token: str
    server_ca_cert: str
    server_ca_key: str
    client_ca_cert: str
    client_ca_key: str
    admin_cert: str
    admin_key: str
    ssh_public_key: str


K3S_FILES = {
    "token": "k3s-token",
    "server_ca_cert": "k3s-server-ca.crt",
    "server_ca_key": "k3s-server-ca.key",
    "client_ca_cert": "k3s-client-ca.crt",
    "client_ca_key": "k3s-client-ca.key",
    "admin_cert": "k3s-admin.crt",
    "admin_key": "k3s-admin.key",
    "ssh_public_key": "k3s-ssh.pub",
}
SSH_PRIVATE_KEY_FILE = "k3s-ssh.key"


def k3s_credentials(secrets_dir: Path) -> K3sCredentials:
    """The cluster's credentials, generated once and reused (a new CA would replace the nodes)."""
    paths = {name: secrets_dir / file_name for name, file_name in K3S_FILES.items()}
    if all(path.exists() for path in paths.values()):
        return K3sCredentials(**{name: path.read_text(encoding="utf-8") for name, path in paths.items()})
    credentials, ssh_private_key = generate_k3s_credentials()
    for name, path in paths.items():
        write_secret_file(path, getattr(credentials, name))
    write_secret_file(secrets_dir / SSH_PRIVATE_KEY_FILE, ssh_private_key)
    return credentials


def generate_k3s_credentials() -> tuple[K3sCredentials, str]:
    """Fresh CAs, a join token, an admin client certificate and an SSH key pair (private key second)."""
    server_ca_key, server_ca_cert = _self_signed_ca("k3s-server-ca")
    client_ca_key, client_ca_cert = _self_signed_ca("k3s-client-ca")
    admin_key, admin_cert = _client_certificate(
        client_ca_key, client_ca_cert, "system:admin", "system:masters"
    )
    ssh_key = rsa.generate_private_key(public_exponent=65537, key_size=SSH_KEY_BITS)
    credentials = K3sCredentials(
        token=secrets.token_hex(32),
        server_ca_cert=_cert_pem(server_ca_cert),
        server_ca_key=_key_pem(server_ca_key),
        client_ca_cert=_cert_pem(client_ca_cert),
        client_ca_key=_key_pem(client_ca_key),
        admin_cert=_cert_pem(admin_cert),
        admin_key=_key_pem(admin_key),
        ssh_public_key=ssh_key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode(),
    )
    private_openssh = ssh_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    ).decode()
    return credentials, private_openssh


def k3s_kubeconfig(credentials: K3sCredentials, cluster_key: str, server: str) -> str:
    """A kubeconfig for ``server`` trusting the cluster's server CA, as the admin client."""
    user = {
        "client-certificate-data": _b64(credentials.admin_cert),
        "client-key-data": _b64(credentials.admin_key),
    }
    return _kubeconfig(cluster_key, server, _b64(credentials.server_ca_cert), user)


def eks_kubeconfig(
    cluster_key: str, *, cluster_name: str, endpoint: str, ca_data: str, region: str, profile: str | None
) -> str:
    """A kubeconfig for an EKS cluster that authenticates with ``aws eks get-token``."""
    exec_config: dict[str, Any] = {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "command": "aws",
        "args": ["--region", region, "eks", "get-token", "--cluster-name", cluster_name, "--output", "json"],
        "interactiveMode": "Never",
    }
    if profile:
        exec_config["env"] = [{"name": "AWS_PROFILE", "value": profile}]
    return _kubeconfig(cluster_key, endpoint, ca_data, {"exec": exec_config})


def _kubeconfig(name: str, server: str, ca_data: str, user: dict[str, Any]) -> str:
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": {"server": server, "certificate-authority-data": ca_data}}],
        "users": [{"name": name, "user": user}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
        "preferences": {},
    }
    return yaml.safe_dump(document, sort_keys=False)


def _self_signed_ca(common_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CA_VALIDITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def _client_certificate(
    ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, common_name: str, organization: str
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CLIENT_VALIDITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return key, certificate


def _cert_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _key_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()
