variable "cluster_name" {
  description = "Name of the EKS cluster (a DNS-1123 label)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,98}[a-z0-9])?$", var.cluster_name))
    error_message = "cluster_name must be lowercase letters, digits and '-', starting and ending alphanumeric, at most 100 characters."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane, e.g. \"1.31\"."
  type        = string
  default     = "1.31"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must look like 1.31."
  }
}

variable "zones" {
  description = "Availability zones for the subnets (2 or 3)."
  type        = list(string)

  validation {
    condition     = length(var.zones) >= 2 && length(var.zones) <= 3 && length(distinct(var.zones)) == length(var.zones)
    error_message = "zones must list 2 or 3 distinct availability zones."
  }
}

variable "vpc_cidr" {
  description = "CIDR of the VPC created when vpc_id is null."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && tonumber(split("/", var.vpc_cidr)[1]) <= 20
    error_message = "vpc_cidr must be an IPv4 CIDR of size /20 or larger."
  }
}

variable "vpc_id" {
  description = "An existing VPC to use instead of creating one (then private_subnet_ids is required)."
  type        = string
  default     = null
}

variable "private_subnet_ids" {
  description = "Existing private subnets for the cluster and its nodes (with vpc_id)."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.private_subnet_ids) == 0 || length(var.private_subnet_ids) >= 2
    error_message = "private_subnet_ids must be empty or list at least 2 subnets."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all private subnets (cheaper) instead of one per zone."
  type        = bool
  default     = true
}

variable "node_groups" {
  description = "Managed node groups, from the plan."
  type = list(object({
    name          = string
    instance_type = string
    min_size      = number
    desired_size  = number
    max_size      = number
    disk_gib      = optional(number, 50)
    capacity_type = optional(string, "ON_DEMAND")
    labels        = optional(map(string), {})
  }))

  validation {
    condition     = length(var.node_groups) >= 1
    error_message = "node_groups must list at least one node group."
  }

  validation {
    condition = alltrue([
      for group in var.node_groups :
      group.min_size >= 0 && group.min_size <= group.desired_size && group.desired_size <= group.max_size && group.max_size >= 1
    ])
    error_message = "Each node group needs 0 <= min_size <= desired_size <= max_size and max_size >= 1."
  }

  validation {
    condition     = alltrue([for group in var.node_groups : contains(["ON_DEMAND", "SPOT"], group.capacity_type)])
    error_message = "capacity_type must be ON_DEMAND or SPOT."
  }

  validation {
    condition     = alltrue([for group in var.node_groups : group.disk_gib >= 20 && group.disk_gib <= 16384])
    error_message = "disk_gib must be between 20 and 16384."
  }
}

variable "endpoint_public_access" {
  description = "Whether the API server endpoint is reachable from the internet."
  type        = bool
  default     = true
}

variable "endpoint_private_access" {
  description = "Whether the API server endpoint is reachable from inside the VPC."
  type        = bool
  default     = true
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to reach the public API endpoint."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for cidr in var.public_access_cidrs : can(cidrnetmask(cidr))])
    error_message = "public_access_cidrs must be IPv4 CIDRs."
  }
}

variable "log_types" {
  description = "Control-plane log types sent to CloudWatch."
  type        = list(string)
  default     = ["api", "audit", "authenticator"]

  validation {
    condition     = alltrue([for log_type in var.log_types : contains(["api", "audit", "authenticator", "controllerManager", "scheduler"], log_type)])
    error_message = "log_types may contain api, audit, authenticator, controllerManager and scheduler."
  }
}

variable "log_retention_days" {
  description = "Retention of the control-plane log group."
  type        = number
  default     = 30
}

variable "secrets_encryption" {
  description = "Encrypt Kubernetes secrets with a dedicated KMS key."
  type        = bool
  default     = true
}

variable "enable_addons" {
  description = "Install the core EKS add-ons (off in the sandbox: the emulator has no add-ons API)."
  type        = bool
  default     = true
}

variable "addons" {
  description = "Names of the EKS add-ons installed when enable_addons is true."
  type        = list(string)
  default     = ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent"]
}

variable "enable_access_entries" {
  description = "Manage access with EKS access entries, the creator being admin (off in the sandbox: the emulator has no access-entries API)."
  type        = bool
  default     = true
}

variable "admin_principal_arns" {
  description = "IAM principals given cluster-admin through access entries, besides the creator."
  type        = list(string)
  default     = []
}

variable "node_update_max_unavailable" {
  description = "Nodes replaced at once during a node group update; null leaves update_config out (the sandbox does: the emulator ignores it)."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Extra tags for every resource (the provider's default_tags carry the cluster key)."
  type        = map(string)
  default     = {}
}
