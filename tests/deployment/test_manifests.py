"""The Kubernetes manifests (deploy/k8s/): valid against the Kubernetes API's schemas (those that
kubernetes-validate ships, no cluster needed), strictly (an unknown field is an error), and
consistent with the service: probes on its routes and port, settings it knows, a worker
command it has, selectors that select."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml
from kubernetes_validate.utils import latest_version  # type: ignore[import-untyped]

from service.__main__ import COMMANDS
from service.app import create_app
from service.settings import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "deploy" / "k8s"
#: The newest Kubernetes the validator knows, and an older one still run by many clusters.
VERSIONS = (latest_version(), "1.30.0")


def manifest_errors(directory: Path, version: str) -> list[str]:
    """Every schema error of the manifests in `directory`, as `file: message`."""
    errors = []
    for path in sorted(directory.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            try:
                kubernetes_validate.validate(document, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                errors.append(f"{path.name}: {exc.message}")
    return errors


def documents() -> dict[str, dict[str, Any]]:
    """The manifests by `Kind/name`."""
    found = {}
    for path in sorted(MANIFESTS.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            found[f"{document['kind']}/{document['metadata']['name']}"] = document
    return found


@pytest.mark.parametrize("version", VERSIONS)
def test_the_manifests_are_valid_kubernetes(version: str) -> None:
    assert len(list(MANIFESTS.glob("*.yaml"))) >= 5
    assert manifest_errors(MANIFESTS, version) == []


def test_a_broken_manifest_fails_the_check(tmp_path: Path) -> None:
    for path in MANIFESTS.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    # A misspelt field in one manifest, a port that is not a number in another (the validator
    # reports the first error of each document).
    for name, wrong, right in (
        ("api-deployment.yaml", "  replicas: 2\n", "  replica: 2\n"),
        ("service.yaml", "port: 80\n", 'port: "eighty"\n'),
    ):
        path = tmp_path / name
        text = path.read_text(encoding="utf-8")
        assert wrong in text
        path.write_text(text.replace(wrong, right, 1), encoding="utf-8")
    errors = manifest_errors(tmp_path, latest_version())
    assert len(errors) == 2, errors
    assert errors[0].startswith("api-deployment.yaml: ") and "'replica' was unexpected" in errors[0]
    assert errors[1] == "service.yaml: 'eighty' is not of type 'integer'"


def test_the_api_probes_ask_the_service_on_its_port() -> None:
    api = documents()["Deployment/screening-api"]
    container = api["spec"]["template"]["spec"]["containers"][0]
    exposed = re.search(r"^EXPOSE (\d+)$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert exposed is not None
    assert container["ports"] == [{"name": "http", "containerPort": int(exposed[1])}]
    routes = {route.path for route in create_app(Settings(_env_file=None)).routes}
    probes = {k: container[k]["httpGet"] for k in ("livenessProbe", "readinessProbe")}
    assert probes["livenessProbe"] == {"path": "/health", "port": "http"}
    assert probes["readinessProbe"] == {"path": "/ready", "port": "http"}
    assert {"/health", "/ready"} <= routes


def test_the_settings_are_the_service_s(monkeypatch: pytest.MonkeyPatch) -> None:
    data = documents()["ConfigMap/screening-config"]["data"]
    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields}
    assert set(data) <= known, set(data) - known
    for name, value in data.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)  # every value parses
    assert settings.embedded_worker is False  # the workers' Deployment takes the jobs


def test_the_pieces_fit_together() -> None:
    found = documents()
    api, worker = found["Deployment/screening-api"], found["Deployment/screening-worker"]
    pod_labels = api["spec"]["template"]["metadata"]["labels"]
    assert found["Service/screening-api"]["spec"]["selector"].items() <= pod_labels.items()
    assert api["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert (
        found["PodDisruptionBudget/screening-api"]["spec"]["selector"]["matchLabels"]
        == (api["spec"]["selector"]["matchLabels"])
    )
    target = found["HorizontalPodAutoscaler/screening-api"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", "screening-api")
    command = worker["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command[:3] == ["python", "-m", "service"]
    assert command[3] in {c.name for c in COMMANDS}
    for deployment in (api, worker):
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            sources = {next(iter(s.values()))["name"] for s in container["envFrom"]}
            assert sources == {"screening-config", "screening-secrets"}
            assert container["resources"]["requests"]["memory"]
