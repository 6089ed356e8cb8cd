"""Names of state-backend objects as their services accept them: refused at load time, not at deploy.

Each `*_problem` function returns why a value is refused (the rule and the fix, never the value), or None.
Every rule says where it comes from.
"""

from __future__ import annotations

import ipaddress
import re

# HCP Terraform, "Organizations API" (developer.hashicorp.com/terraform/cloud-docs/api-docs/organizations),
# `data.attributes.name`: letters, numbers, `-` and `_`.
_HCP_ORGANIZATION = re.compile(r"[A-Za-z0-9_-]+")

# A plain DNS host name (RFC 1123 2.1 labels; RFC 1035 2.3.4 length), optionally with a port: the cloud
# block's `hostname` is a host, not a URL (developer.hashicorp.com/terraform/cli/cloud/settings).
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")

# AWS, "General purpose bucket naming rules" (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html):
# 3-63 characters; lower-case letters, digits, `.` and `-`; begin and end with a letter or digit; no two
# adjacent periods; not an IP address; not starting `xn--`, `sthree-`, `amzn-s3-demo-`; not ending `-s3alias`,
# `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`.
_S3_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_S3_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_S3_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")

# AWS region codes (docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html):
# `<area>[-gov|-iso...]-<direction>-<n>`, e.g. us-east-1, us-gov-west-1, ap-southeast-5, us-isob-east-1.
_AWS_REGION = re.compile(r"[a-z]{2}(?:-(?:gov|iso[a-z]?))?-[a-z]+-[1-9][0-9]?")

# Azure, "Naming and Referencing Containers, Blobs, and Metadata" (learn.microsoft.com/rest/api/storageservices/
# naming-and-referencing-containers--blobs--and-metadata): 3-63 characters; lower-case letters, digits and
# `-`; begin with a letter or digit; every `-` immediately preceded and followed by a letter or digit.
_AZURE_CONTAINER = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# Google Cloud, "Bucket names" (cloud.google.com/storage/docs/buckets#naming): lower-case letters, digits,
# `-`, `_` and `.`; begin and end with a letter or digit; 3-63 characters (up to 222 with dots, each
# dot-separated part at most 63); not an IP address; not starting `goog`; not containing `google`.
_GCS_BUCKET = re.compile(r"[a-z0-9][a-z0-9_.-]*[a-z0-9]")


def hcp_organization_problem(name: str) -> str | None:
    if not _HCP_ORGANIZATION.fullmatch(name):
        return "is not an HCP Terraform organization name: letters, digits, '-' and '_' only"
    return None


def hostname_problem(host: str) -> str | None:
    if "://" in host or "/" in host:
        return "must be a plain host name such as app.terraform.io, without https:// or a path"
    name, _, port = host.partition(":")
    labels = name.split(".")
    if (len(name) > 253 or len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels)
            or (port and not (port.isdigit() and 0 < int(port) <= 65535))):
        return "is not a host name (lower-case letters, digits, '-' and '.', optionally :port), e.g. app.terraform.io"
    return None


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def s3_bucket_problem(name: str) -> str | None:
    if (not _S3_BUCKET.fullmatch(name) or ".." in name or _is_ip_address(name)
            or name.startswith(_S3_RESERVED_PREFIXES) or name.endswith(_S3_RESERVED_SUFFIXES)):
        return ("is not an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-', starting and ending with "
                "a letter or digit, no '..', not an IP address, no reserved prefix (xn--, sthree-) or suffix (-s3alias)")
    return None


def aws_region_problem(region: str) -> str | None:
    if not _AWS_REGION.fullmatch(region):
        return "is not an AWS region code such as us-east-1 or eu-west-2"
    return None


def azure_container_problem(name: str) -> str | None:
    if not (3 <= len(name) <= 63 and _AZURE_CONTAINER.fullmatch(name)):
        return ("is not an Azure blob container name: 3-63 lower-case letters, digits and '-', starting with a "
                "letter or digit, no '--', not ending with '-'")
    return None


def gcs_bucket_problem(name: str) -> str | None:
    parts = name.split(".")
    too_long = len(name) > (222 if len(parts) > 1 else 63) or any(len(part) > 63 for part in parts)
    if (len(name) < 3 or too_long or not _GCS_BUCKET.fullmatch(name) or _is_ip_address(name)
            or name.startswith("goog") or "google" in name):
        return ("is not a Cloud Storage bucket name: 3-63 lower-case letters, digits, '-', '_' and '.', starting "
                "and ending with a letter or digit, not an IP address, not starting with 'goog' or containing 'google'")
    return None
