variable "cluster_name" {
  description = "Name of the AKS cluster and its resource group prefix."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.cluster_name))
    error_message = "cluster_name must be a DNS-1123 label."
  }
}

variable "location" {
  description = "Azure location, e.g. westeurope."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+[a-z0-9]*$", var.location))
    error_message = "location must be an Azure location such as westeurope."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version, e.g. \"1.31\"."
  type        = string
  default     = "1.31"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must look like 1.31."
  }
}

variable "system_node_vm_size" {
  description = "VM size of the system node pool."
  type        = string
  default     = "Standard_D4s_v5"
}

variable "system_node_min_count" {
  description = "Minimum nodes of the system pool (autoscaled)."
  type        = number
  default     = 2

  validation {
    condition     = var.system_node_min_count >= 1
    error_message = "system_node_min_count must be at least 1."
  }
}

variable "system_node_max_count" {
  description = "Maximum nodes of the system pool."
  type        = number
  default     = 5

  validation {
    condition     = var.system_node_max_count >= var.system_node_min_count
    error_message = "system_node_max_count must be at least system_node_min_count."
  }
}

variable "tags" {
  description = "Tags of every resource; the cluster key goes in agentic:cluster."
  type        = map(string)
  default     = {}
}
