output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = aws_eks_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the EKS cluster."
  value       = aws_eks_cluster.this.arn
}

output "endpoint" {
  description = "URL of the Kubernetes API server."
  value       = aws_eks_cluster.this.endpoint
}

output "certificate_authority_data" {
  description = "Base64 PEM of the cluster CA (public; the kubeconfig is built from it)."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "kubernetes_version" {
  description = "Kubernetes version of the control plane."
  value       = aws_eks_cluster.this.version
}

output "region" {
  description = "AWS region of the cluster."
  value       = data.aws_region.current.name
}

output "vpc_id" {
  description = "VPC of the cluster."
  value       = local.vpc_id
}

output "private_subnet_ids" {
  description = "Subnets of the cluster and its nodes."
  value       = local.node_subnets
}

output "node_groups" {
  description = "Node group names and their scaling."
  value = {
    for name, group in aws_eks_node_group.this : name => {
      instance_types = group.instance_types
      min_size       = group.scaling_config[0].min_size
      max_size       = group.scaling_config[0].max_size
    }
  }
}

output "node_role_arn" {
  description = "IAM role of the nodes."
  value       = aws_iam_role.node.arn
}

output "kms_key_arn" {
  description = "KMS key that encrypts Kubernetes secrets (null when off)."
  value       = var.secrets_encryption ? aws_kms_key.secrets[0].arn : null
}
