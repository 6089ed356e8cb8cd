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

from cdktf import TerraformResource, TerraformStack

REQUIRED_TERRAFORM = ">= 1.7.0"
_IMPORTS_ATTRIBUTE = "_mlops_cicd_imports"


def hcl_string(value: str) -> str:
    """`value` as an HCL string literal (JSON escapes, plus `$${`/`%%{` so it is never a template)."""
    return json.dumps(value).replace("${", "$${").replace("%{", "%%{")


def import_existing(resource: TerraformResource, *, for_each: str, import_id: str = "${each.value}") -> None:
    """Import into `resource` the object named by each entry of `for_each` (an HCL expression, known at plan
    time, of at most one entry), unless `resource` is already in state."""
    stack = TerraformStack.of(resource)
    blocks = getattr(stack, _IMPORTS_ATTRIBUTE, [])
    blocks.append({"for_each": for_each, "to": f"{resource.terraform_resource_type}.{resource.friendly_unique_id}",
                   "id": import_id})
    setattr(stack, _IMPORTS_ATTRIBUTE, blocks)
    stack.add_override("import", list(blocks))
    stack.add_override("terraform.required_version", REQUIRED_TERRAFORM)
