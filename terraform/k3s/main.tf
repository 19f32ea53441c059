data "aws_ami" "ubuntu" {
  count = var.ami_id == null ? 1 : 0

  most_recent = true
  owners      = ["099720109477"]

  filter {
    name   = "name"
    values = [var.ami_name_pattern]
  }

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

locals {
  ami_id = var.ami_id == null ? data.aws_ami.ubuntu[0].id : var.ami_id
  ca_files = {
    "server-ca.crt" = var.server_ca_cert
    "server-ca.key" = var.server_ca_key
    "client-ca.crt" = var.client_ca_cert
    "client-ca.key" = var.client_ca_key
  }
}

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(var.tags, { Name = var.cluster_name })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = var.cluster_name })
}

resource "aws_subnet" "this" {
  vpc_id                  = aws_vpc.this.id
  availability_zone       = var.zone
  cidr_block              = cidrsubnet(var.vpc_cidr, 4, 0)
  map_public_ip_on_launch = true
  tags                    = merge(var.tags, { Name = "${var.cluster_name}-${var.zone}" })
}

resource "aws_route_table" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = var.cluster_name })

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }
}

resource "aws_route_table_association" "this" {
  subnet_id      = aws_subnet.this.id
  route_table_id = aws_route_table.this.id
}

resource "aws_security_group" "nodes" {
  name        = "${var.cluster_name}-nodes"
  description = "k3s nodes of ${var.cluster_name}"
  vpc_id      = aws_vpc.this.id
  tags        = merge(var.tags, { Name = "${var.cluster_name}-nodes" })

  ingress {
    description = "Everything between the nodes"
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    self        = true
  }

  ingress {
    description = "Kubernetes API"
    from_port   = 6443
    to_port     = 6443
    protocol    = "tcp"
    cidr_blocks = var.api_cidrs
  }

  dynamic "ingress" {
    for_each = length(var.ssh_cidrs) > 0 ? [1] : []

    content {
      description = "SSH"
      from_port   = 22
      to_port     = 22
      protocol    = "tcp"
      cidr_blocks = var.ssh_cidrs
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_key_pair" "this" {
  key_name   = var.cluster_name
  public_key = var.ssh_public_key
  tags       = var.tags
}

resource "aws_eip" "api" {
  domain = "vpc"
  tags   = merge(var.tags, { Name = "${var.cluster_name}-api" })
}

resource "aws_instance" "server" {
  ami                    = local.ami_id
  instance_type          = var.server_instance_type
  subnet_id              = aws_subnet.this.id
  vpc_security_group_ids = [aws_security_group.nodes.id]
  key_name               = aws_key_pair.this.key_name
  tags                   = merge(var.tags, { Name = "${var.cluster_name}-server", "agentic:k3s-role" = "server" })
  user_data = templatefile("${path.module}/templates/server.sh.tftpl", {
    k3s_version = var.k3s_version
    token       = var.k3s_token
    api_address = aws_eip.api.public_ip
    ca_files    = local.ca_files
  })

  root_block_device {
    volume_size = var.disk_gib
    volume_type = "gp3"
    encrypted   = true
  }

  metadata_options {
    http_tokens = "required"
  }
}

resource "aws_eip_association" "api" {
  allocation_id = aws_eip.api.id
  instance_id   = aws_instance.server.id
}

resource "aws_instance" "agent" {
  count = var.agent_count

  ami                    = local.ami_id
  instance_type          = var.agent_instance_type
  subnet_id              = aws_subnet.this.id
  vpc_security_group_ids = [aws_security_group.nodes.id]
  key_name               = aws_key_pair.this.key_name
  tags                   = merge(var.tags, { Name = "${var.cluster_name}-agent-${count.index}", "agentic:k3s-role" = "agent" })
  user_data = templatefile("${path.module}/templates/agent.sh.tftpl", {
    k3s_version = var.k3s_version
    token       = var.k3s_token
    server_url  = "https://${aws_instance.server.private_ip}:6443"
  })

  root_block_device {
    volume_size = var.disk_gib
    volume_type = "gp3"
    encrypted   = true
  }

  metadata_options {
    http_tokens = "required"
  }
}
