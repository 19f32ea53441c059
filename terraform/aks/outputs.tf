output "cluster_name" {
  description = "Name of the AKS cluster."
  value       = azurerm_kubernetes_cluster.this.name
}

output "endpoint" {
  description = "URL of the Kubernetes API server."
  value       = azurerm_kubernetes_cluster.this.kube_config[0].host
}

output "kubeconfig" {
  description = "Admin kubeconfig (written to a 0600 file by tf_provision)."
  value       = azurerm_kubernetes_cluster.this.kube_config_raw
  sensitive   = true
}

output "resource_group" {
  description = "Resource group of the cluster."
  value       = azurerm_resource_group.this.name
}
