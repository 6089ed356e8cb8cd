"""Adopting an object that exists but is not in state (its create's answer was lost, or its state was lost):
a Terraform `import` block whose `for_each` lists what a data source found, so a plain `cdktf deploy`
converges instead of creating a duplicate.

What Terraform (1.11.4, tried here) does with such a block: an empty `for_each` imports nothing; a target
already in state is left alone whatever the id (a normal re-deploy plans "No changes"); with several entries
for one target the last silently wins, so every caller must fail the plan first when more than one object
matches (a postcondition on its data source). `for_each` on `import` needs Terraform >= 1.7, and its value
must be known at plan time: only data sources read at plan may feed it. cdktf 0.21 renders no `for_each`
import, so the block is written as an override of the stack's top-level `import` list.
"""

from __future__ import annotations

import json

from ..framework import core

# the framework's classes, by the names used below (mlops_cicd/framework.py chooses CDKTF or CDK Terrain)
TerraformResource, TerraformStack = core.TerraformResource, core.TerraformStack


REQUIRED_TERRAFORM = ">= 1.7.0"
_BLOCKS_ATTRIBUTE = "_mlops_cicd_top_level_blocks"


def hcl_string(value: str) -> str:
    """`value` as an HCL string literal (JSON escapes, plus `$${`/`%%{` so it is never a template)."""
    return json.dumps(value).replace("${", "$${").replace("%{", "%%{")


def import_existing(resource: TerraformResource, *, for_each: str, import_id: str = "${each.value}") -> None:
    """Import into `resource` the object named by each entry of `for_each` (an HCL expression, known at plan
    time, of at most one entry), unless `resource` is already in state."""
    stack = TerraformStack.of(resource)
    add_top_level_block(stack, "import", {
        "for_each": for_each, "to": f"{resource.terraform_resource_type}.{resource.friendly_unique_id}",
        "id": import_id})


def forget_if_managed(stack: TerraformStack, address: str) -> None:
    """If an earlier deploy of `stack` managed `address`, Terraform forgets the object instead of deleting it.
    A `removed` block for an address not in state does nothing."""
    add_top_level_block(stack, "removed", {"from": address, "lifecycle": {"destroy": False}})


def add_top_level_block(stack: TerraformStack, kind: str, block: dict) -> None:
    """Append `block` to the stack's top-level `kind` list (`import`, `removed`: Terraform >= 1.7 blocks cdktf
    0.21 does not render), kept across calls, and require that Terraform."""
    blocks = getattr(stack, _BLOCKS_ATTRIBUTE, None)
    if blocks is None:
        blocks = {}
        setattr(stack, _BLOCKS_ATTRIBUTE, blocks)
    blocks.setdefault(kind, []).append(block)
    stack.add_override(kind, list(blocks[kind]))
    stack.add_override("terraform.required_version", REQUIRED_TERRAFORM)
