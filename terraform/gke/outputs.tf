output "cluster_name" {
  description = "Name of the GKE cluster."
  value       = google_container_cluster.this.name
}

output "endpoint" {
  description = "URL of the Kubernetes API server."
  value       = "https://${google_container_cluster.this.endpoint}"
}

output "certificate_authority_data" {
  description = "Base64 PEM of the cluster CA."
  value       = google_container_cluster.this.master_auth[0].cluster_ca_certificate
}
