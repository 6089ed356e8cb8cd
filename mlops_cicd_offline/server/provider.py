"""The protocol-6 RPC handlers of one stand-in provider process.

Each handler decodes DynamicValues with the type's schema, delegates the behaviour to
`world.behaviours` (inside a world transaction when it touches emulated objects) and answers diagnostics
instead of raising, so Terraform shows the emulated API's errors like a real provider's. Every API call
(resource read/create/update/delete, data source read) is logged (events.py); right after each mutating
call, in the same transaction, the world's invariants are checked (invariants.py). Injected faults
(store.take_fault) fire before the call (nothing changes) or after it (the change stays, the call fails).
"""

from __future__ import annotations

import json

from mlops_cicd_offline import command_env
from mlops_cicd_offline.errors import ProviderError
from mlops_cicd_offline.server import planning, validation
from mlops_cicd_offline.world import behaviours, events, invariants, store
from mlops_cicd_offline.server.failed_update import state_after_failed_update
from mlops_cicd_offline.world.databricks.auth import principal_for
from mlops_cicd_offline.world.base import Context
from mlops_cicd_offline.server.schemas import ProviderSchemas, block_type
from mlops_cicd_offline.server.values import conform, decode, encode, has_unknown


class Provider:
    def __init__(self, pb, schemas: ProviderSchemas, name: str, version: str = ""):
        self.pb, self.schemas, self.name, self.version = pb, schemas, name, version
        self._configs: dict[str, dict] = {}
        """The known attributes of each provider configuration, by the connection that configured it: Terraform
        opens one connection per configuration (an alias is another one), and a pooled process
        (harness/pool.py) serves every configuration of a provider in a stack."""

    # ---- helpers -------------------------------------------------------------------------------------
    def _diag(self, summary: str, detail: str = "", path: tuple = (), warning: bool = False):
        sev = self.pb.Diagnostic.WARNING if warning else self.pb.Diagnostic.ERROR
        d = self.pb.Diagnostic(severity=sev, summary=summary, detail=detail)
        for step in path:
            d.attribute.steps.add(attribute_name=step)
        return d

    def _block(self, kind: str, tf_type: str) -> dict:
        block = self.schemas.get(kind, tf_type)
        if block is None:
            raise ProviderError(f"{self.name} provider has no {kind} type {tf_type}")
        return block

    def _dv(self, value, block) -> object:
        return self.pb.DynamicValue(msgpack=encode(value, block_type(block)))

    def _config(self, context) -> dict:
        return self._configs.get(context.peer(), {})

    def _context(self, world: dict, context, authenticate: bool = True) -> Context:
        """Authenticate as the real provider would, unknown configuration included (see world/databricks/auth.py).

        Planning calls no API, so a provider that cannot authenticate yet (first deploy: the SP and its
        credential do not exist) plans with principal None; reads and applies raise the SDK's error."""
        try:
            principal = principal_for(self.name, self._config(context), world, command_env.current())
        except ProviderError:
            if authenticate:
                raise
            principal = None
        return Context(world=world, now=store.now(world), provider_config=self._config(context), principal=principal,
                       provider_version=self.version)

    def _scope(self, world: dict, context) -> str | None:
        """Where this configuration's objects live, for the event log (None if it cannot authenticate)."""
        try:
            return events.scope_of(principal_for(self.name, self._config(context), world, command_env.current()))
        except ProviderError:
            return None

    # ---- schema and validation ---------------------------------------------------------------------
    def GetProviderSchema(self, request, context):
        return self.schemas.response_bytes()  # pre-serialized at build time

    def GetMetadata(self, request, context):
        response = self.pb.GetMetadata.Response()
        response.server_capabilities.get_provider_schema_optional = True  # as in the served schema (build/schema.py)
        return response

    def GetFunctions(self, request, context):
        return self.pb.GetFunctions.Response()

    def ValidateProviderConfig(self, request, context):
        return self.pb.ValidateProviderConfig.Response()

    def _validate(self, kind: str, request, response):
        try:
            block = self._block(kind, request.type_name)
            config = decode(request.config.msgpack, block_type(block))
            for summary, detail, path in validation.problems(block, config):
                response.diagnostics.append(self._diag(summary, detail, path))
        except ProviderError as exc:
            response.diagnostics.append(self._diag(str(exc)))
        return response

    def ValidateResourceConfig(self, request, context):
        return self._validate("resource", request, self.pb.ValidateResourceConfig.Response())

    def ValidateDataResourceConfig(self, request, context):
        return self._validate("data", request, self.pb.ValidateDataResourceConfig.Response())

    def ConfigureProvider(self, request, context):
        config = decode(request.config.msgpack, block_type(self.schemas.provider())) or {}
        # An unknown attribute (e.g. a token that another resource creates in this apply) counts as unset,
        # like in the real provider: the SDK then fills it from the environment.
        self._configs[context.peer()] = {k: v for k, v in config.items() if v is not None and not has_unknown(v)}
        return self.pb.ConfigureProvider.Response()

    def StopProvider(self, request, context):
        return self.pb.StopProvider.Response()

    # ---- managed resources -------------------------------------------------------------------------
    def UpgradeResourceState(self, request, context):
        """A state older than the type's schema version (build/schema_versions.py) goes through the upgraders the
        served release has for its versions, in order, as SDK v2 runs them (terraform-plugin-sdk v2.38.1
        helper/schema/grpc_provider.go `upgradeJSONState`: one whose version does not match is skipped, so a
        version without one passes through); then attributes the schema lacks are dropped and new ones are null
        (`removeAttributes`, here `conform`). Terraform saves the result with the new version (apply only)."""
        response = self.pb.UpgradeResourceState.Response()
        block = self._block("resource", request.type_name)
        raw = json.loads(request.raw_state.json) if request.raw_state.json else None
        version = request.version
        if raw is not None and version < block.get("schema_version", 0):
            try:
                raw = self._upgrade(request.type_name, block, version, raw, context)
            except ProviderError as exc:
                response.diagnostics.append(self._diag(f"cannot upgrade the state of {request.type_name} from "
                                                       f"schema version {version}", str(exc)))
                return response
        response.upgraded_state.CopyFrom(self._dv(conform(raw, block_type(block)), block))
        return response

    def _upgrade(self, tf_type: str, block: dict, version: int, raw: dict, context) -> dict:
        if version not in block.get("upgraders", ()):
            return raw
        upgraders = behaviours.resource(tf_type).state_upgraders
        with store.transaction() as world:  # an upgrader may call the API (github: Repositories.Get)
            ctx = self._context(world, context)
            for step in sorted(block["upgraders"]):
                if step == version:
                    raw = upgraders[step](ctx, raw)
                    version += 1
            events.record(world, kind="resource", tf_type=tf_type, operation="upgrade", outcome="ok",
                          object_id=events.identity(raw), scope=self._scope(world, context))
        return raw

    def ReadResource(self, request, context):
        response = self.pb.ReadResource.Response(private=request.private)
        block = self._block("resource", request.type_name)
        state = decode(request.current_state.msgpack, block_type(block))
        if state is not None:
            with store.transaction() as world:
                object_id, outcome = events.identity(state), "ok"
                try:
                    with store.savepoint(world):
                        state = behaviours.resource(request.type_name).read(self._context(world, context), state)
                except ProviderError as exc:
                    outcome = "failed"
                    response.diagnostics.append(self._diag(f"cannot read {request.type_name}", str(exc)))
                events.record(world, kind="resource", tf_type=request.type_name, operation="read", outcome=outcome,
                              object_id=object_id, scope=self._scope(world, context))
        response.new_state.CopyFrom(self._dv(state, block))
        return response

    def PlanResourceChange(self, request, context):
        response = self.pb.PlanResourceChange.Response(planned_private=request.prior_private)
        block = self._block("resource", request.type_name)
        t = block_type(block)
        prior = decode(request.prior_state.msgpack, t)
        proposed = decode(request.proposed_new_state.msgpack, t)
        config = decode(request.config.msgpack, t)
        planned, replace = planning.plan(block, prior, proposed, config)
        if planned is not None:
            try:
                with store.transaction() as world:
                    planned = behaviours.resource(request.type_name).plan(
                        self._context(world, context, authenticate=False), prior, planned, config, replace)
            except ProviderError as exc:
                response.diagnostics.append(self._diag(f"cannot plan {request.type_name}", str(exc)))
        for name in replace:
            response.requires_replace.add().steps.add(attribute_name=name)
        response.planned_state.CopyFrom(self._dv(planned, block))
        return response

    def ApplyResourceChange(self, request, context):
        response = self.pb.ApplyResourceChange.Response(private=request.planned_private)
        block = self._block("resource", request.type_name)
        t = block_type(block)
        prior = decode(request.prior_state.msgpack, t)
        # behaviours see what is still unknown at apply time as None: theirs to fill in
        planned = planning.resolve_unknowns(decode(request.planned_state.msgpack, t))
        config = decode(request.config.msgpack, t)
        behaviour = behaviours.resource(request.type_name)
        operation = "delete" if planned is None else "create" if prior is None else "update"
        new_state, error, outcome, object_id = prior, None, "ok", events.identity(prior)
        # One transaction: the call, its event and the invariants' check see no other process's call in between.
        with store.transaction() as world:
            fault = store.take_fault(world, request.type_name, operation)
            if fault and fault["when"] == "before":
                outcome, error = "faulted", fault["message"]
            else:
                try:
                    with store.savepoint(world):  # a refused call changes nothing
                        done = self._apply(behaviour, self._context(world, context), prior, planned, config)
                except ProviderError as exc:
                    outcome, error = "failed", str(exc)
                else:
                    object_id = events.identity(done) or object_id
                    if fault:  # "after": the change took effect, but Terraform is told the call failed
                        outcome, error = "faulted", fault["message"]
                    else:
                        new_state = done
            event = events.record(world, kind="resource", tf_type=request.type_name, operation=operation,
                                  outcome=outcome, object_id=object_id, scope=self._scope(world, context),
                                  fault=fault["when"] if fault else None)
            invariants.after_call(world, event)
        if error and operation == "update":  # SDK v2 saves the planned values anyway (failed_update.py)
            new_state = state_after_failed_update(self.name, request.type_name, prior, planned)
        if error:
            response.diagnostics.append(self._diag(f"cannot apply {request.type_name}", error))
        response.new_state.CopyFrom(self._dv(new_state, block))
        return response

    @staticmethod
    def _apply(behaviour, ctx: Context, prior: dict | None, planned: dict | None, config: dict) -> dict | None:
        if planned is None:
            behaviour.delete(ctx, prior)
            return None
        if prior is None:
            return planning.resolve_unknowns(behaviour.create(ctx, planned, config))
        return planning.resolve_unknowns(behaviour.update(ctx, prior, planned, config))

    def ImportResourceState(self, request, context):
        response = self.pb.ImportResourceState.Response()
        block = self._block("resource", request.type_name)
        try:
            state = behaviours.resource(request.type_name).import_state(request.id)
        except ProviderError as exc:
            response.diagnostics.append(self._diag(f"cannot import {request.type_name}", str(exc)))
            return response
        imported = response.imported_resources.add(type_name=request.type_name)
        imported.state.CopyFrom(self._dv(state, block))
        return response

    # ---- data sources ------------------------------------------------------------------------------
    def ReadDataSource(self, request, context):
        response = self.pb.ReadDataSource.Response()
        block = self._block("data", request.type_name)
        config = decode(request.config.msgpack, block_type(block))
        state = config
        with store.transaction() as world:
            outcome = "ok"
            try:
                with store.savepoint(world):
                    ctx = self._context(world, context)
                    state = planning.resolve_unknowns(behaviours.data_source(request.type_name).read(ctx, config))
            except ProviderError as exc:
                outcome = "failed"
                response.diagnostics.append(self._diag(f"cannot read data source {request.type_name}", str(exc)))
            events.record(world, kind="data", tf_type=request.type_name, operation="read", outcome=outcome,
                          object_id=events.identity(state), scope=self._scope(world, context))
        response.state.CopyFrom(self._dv(state, block))
        return response


RPC_NAMES = ["GetMetadata", "GetProviderSchema", "ValidateProviderConfig", "ValidateResourceConfig",
             "ValidateDataResourceConfig", "UpgradeResourceState", "ConfigureProvider", "ReadResource",
             "PlanResourceChange", "ApplyResourceChange", "ImportResourceState", "ReadDataSource",
             "GetFunctions", "StopProvider"]

