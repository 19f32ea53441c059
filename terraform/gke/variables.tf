variable "cluster_name" {
  description = "Name of the GKE cluster."
  type        = string

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$", var.cluster_name))
    error_message = "cluster_name must start with a letter and have at most 40 lowercase letters, digits or '-'."
  }
}

variable "region" {
  description = "GCP region of the regional cluster, e.g. us-central1."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+$", var.region))
    error_message = "region must be a GCP region such as us-central1."
  }
}

variable "kubernetes_version" {
  description = "Minimum master version, e.g. \"1.31\"."
  type        = string
  default     = "1.31"
}

variable "machine_type" {
  description = "Machine type of the node pool."
  type        = string
  default     = "e2-standard-4"
}

variable "min_node_count" {
  description = "Minimum nodes per zone (autoscaled)."
  type        = number
  default     = 1

  validation {
    condition     = var.min_node_count >= 0
    error_message = "min_node_count must not be negative."
  }
}

variable "max_node_count" {
  description = "Maximum nodes per zone."
  type        = number
  default     = 3

  validation {
    condition     = var.max_node_count >= var.min_node_count && var.max_node_count >= 1
    error_message = "max_node_count must be at least 1 and at least min_node_count."
  }
}

variable "disk_gib" {
  description = "Boot disk size of the nodes."
  type        = number
  default     = 100
}
