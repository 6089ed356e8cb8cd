"""A stand-in provider process (started through build/launcher.py, or
`python -m mlops_cicd_offline.server.plugin [--pooled] <provider> <build dir> <version>`; pooled: see
harness/pool.py).

Speaks go-plugin's handshake (one stdout line announcing protocol 6 over gRPC with our TLS certificate)
and serves tfplugin6.Provider plus the plugin controller's Shutdown. Handlers are registered
generically so the pre-serialized schema can be returned as raw bytes.
"""

from __future__ import annotations

import os
import sys
import threading
from concurrent import futures
from pathlib import Path

import grpc

from mlops_cicd_offline.build import protocol
from mlops_cicd_offline.server.provider import RPC_NAMES, Provider
from mlops_cicd_offline.server.schemas import ProviderSchemas

_MAGIC_ENV = "TF_PLUGIN_MAGIC_COOKIE"


def _serialize(message) -> bytes:
    return message if isinstance(message, bytes) else message.SerializeToString()


def _provider_handler(pb, provider: Provider):
    handlers = {}
    for name in RPC_NAMES:
        request_cls = getattr(pb, name).Request
        handlers[name] = grpc.unary_unary_rpc_method_handler(
            getattr(provider, name), request_deserializer=request_cls.FromString, response_serializer=_serialize)
    return grpc.method_handlers_generic_handler("tfplugin6.Provider", handlers)


def _controller_handler(stop: threading.Event, pooled: bool):
    def shutdown(request: bytes, context) -> bytes:
        if not pooled:  # a pooled plugin serves the next command too
            stop.set()
        return b""  # google.protobuf.Empty

    identity = lambda raw: raw  # noqa: E731 - Empty messages are passed through as bytes
    return grpc.method_handlers_generic_handler("plugin.GRPCController", {
        "Shutdown": grpc.unary_unary_rpc_method_handler(shutdown, identity, identity)})


def _stop_when_orphaned(stop: threading.Event, parent: int) -> None:
    """A pooled plugin outlives terraform by design; it must not outlive the pool's process (killed before it
    could close the pool): it stops when its parent is gone."""
    while not stop.wait(1.0):
        if os.getppid() != parent:
            stop.set()


def _listen(server: grpc.Server, build_dir: Path, pooled: bool) -> tuple[int, str]:
    """The loopback port and the certificate the handshake announces: TLS with the build's certificate when
    Terraform launched us, plaintext when pooled (a reattach config carries no certificate)."""
    if pooled:
        return server.add_insecure_port("127.0.0.1:0"), ""
    tls = build_dir / "tls"
    credentials = grpc.ssl_server_credentials([((tls / "key.pem").read_bytes(), (tls / "cert.pem").read_bytes())])
    return server.add_secure_port("127.0.0.1:0", credentials), (tls / "cert.b64").read_text()


def serve(provider_name: str, build_dir: Path, version: str, pooled: bool = False) -> None:
    """Serve until Terraform calls the controller's Shutdown, or, pooled, until the pool terminates us.

    Pooled (harness/pool.py), Terraform reaches the plugin through TF_REATTACH_PROVIDERS, which carries no
    certificate: the port is plaintext on loopback, and the commands' environments come from the pool's file
    (command_env.py). Terraform launches a plugin with its magic cookie; anything else is refused."""
    if not pooled and not os.environ.get(_MAGIC_ENV):
        sys.stderr.write("This is a Terraform provider plugin; Terraform starts it.\n")
        sys.exit(1)
    pb = protocol.load(build_dir / "proto")
    provider = Provider(pb, ProviderSchemas(build_dir, provider_name, version), provider_name, version)
    stop = threading.Event()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    server.add_generic_rpc_handlers((_provider_handler(pb, provider), _controller_handler(stop, pooled)))
    port, certificate = _listen(server, build_dir, pooled)
    server.start()
    if pooled:  # the parent as it is before the handshake: the pool may be killed as soon as it has read it
        threading.Thread(target=_stop_when_orphaned, args=(stop, os.getppid()), daemon=True).start()
    sys.stdout.write(f"1|6|tcp|127.0.0.1:{port}|grpc|{certificate}\n")
    sys.stdout.flush()
    if pooled:  # nobody reads the pool's pipe after the handshake: a later print must not fill it and block
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    stop.wait()
    server.stop(grace=0.5)


def main(arguments: list[str]) -> None:
    """`[--pooled] <provider> <build dir> <version>`"""
    pooled = arguments[:1] == ["--pooled"]
    provider_name, build_dir, version = arguments[1:] if pooled else arguments
    serve(provider_name, Path(build_dir), version, pooled)


if __name__ == "__main__":
    main(sys.argv[1:])
