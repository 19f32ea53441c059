output "cluster_name" {
  description = "Name of the k3s cluster."
  value       = var.cluster_name
}

output "endpoint" {
  description = "URL of the Kubernetes API server (the Elastic IP of the server)."
  value       = "https://${aws_eip.api.public_ip}:6443"
}

output "api_public_ip" {
  description = "Elastic IP of the k3s server."
  value       = aws_eip.api.public_ip
}

output "server_instance_id" {
  description = "EC2 instance of the k3s server."
  value       = aws_instance.server.id
}

output "agent_instance_ids" {
  description = "EC2 instances of the k3s agents."
  value       = aws_instance.agent[*].id
}

output "vpc_id" {
  description = "VPC of the cluster."
  value       = aws_vpc.this.id
}

output "security_group_id" {
  description = "Security group of the nodes."
  value       = aws_security_group.nodes.id
}
