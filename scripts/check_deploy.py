#!/usr/bin/python3
"""Structural checks of deploy/: the compose file, the Kubernetes manifests, the config files and
the Dockerfile. Run by scripts/check-deploy.sh (which also runs systemd-analyze verify).

    /usr/bin/python3 scripts/check_deploy.py [ROOT]      check ROOT (default: the repository)
    /usr/bin/python3 scripts/check_deploy.py --self-test  break copies on purpose; every break
                                                           must be caught
Needs Debian's python3-yaml. Prints one line per problem and exits 1 when there is any.
"""
import pathlib
import re
import shutil
import sys
import tempfile

import yaml

# Hardening options the systemd unit must keep (docs/operations.md explains each).
REQUIRED_UNIT_SETTINGS = [
    "User=claimgraph", "ProtectSystem=strict", "ReadWritePaths=", "NoNewPrivileges=yes",
    "PrivateTmp=yes", "ProtectHome=yes", "CapabilityBoundingSet=", "RestrictAddressFamilies=",
    "SystemCallFilter=@system-service", "MemoryDenyWriteExecute=yes", "LimitNOFILE=",
]


class Checker:
    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.problems = []

    def problem(self, where, what):
        self.problems.append(f"{where}: {what}")

    def load_yaml(self, path):
        try:
            return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
        except yaml.YAMLError as error:
            self.problem(path, f"YAML syntax: {error}")
        except OSError as error:
            self.problem(path, f"cannot read: {error}")
        return []

    # --- settings -----------------------------------------------------------------------------
    def documented_flags(self):
        """Flag names in the configuration table of docs/operations.md (`--name` in column 1)."""
        docs = self.root / "docs/operations.md"
        if not docs.exists():
            self.problem(docs, "missing")
            return set()
        return set(re.findall(r"^\|\s*`--([a-z0-9-]+)", docs.read_text(), re.MULTILINE))

    def check_config_text(self, where, text, flags):
        for number, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if "=" not in line:
                self.problem(f"{where}:{number}", "expected `name = value`")
                continue
            name = line.split("=", 1)[0].strip()
            if name not in flags:
                self.problem(f"{where}:{number}", f"'{name}' is not a flag in docs/operations.md")

    def check_unit(self):
        unit = self.root / "deploy/claimgraphd.service"
        if not unit.exists():
            return self.problem(unit, "missing")
        lines = [l.strip() for l in unit.read_text().splitlines()]
        for setting in REQUIRED_UNIT_SETTINGS:
            if not any(l.startswith(setting) for l in lines):
                self.problem(unit, f"hardening setting missing: {setting}")

    # --- compose ------------------------------------------------------------------------------
    def check_compose(self):
        path = self.root / "deploy/docker-compose.yml"
        docs = self.load_yaml(path)
        if len(docs) != 1 or not isinstance(docs[0], dict):
            return self.problem(path, "expected one YAML mapping")
        services = docs[0].get("services")
        if not isinstance(services, dict) or "claimgraphd" not in services:
            return self.problem(path, "services.claimgraphd missing")
        service = services["claimgraphd"]
        self.check_image(path, service.get("image"))
        volumes = service.get("volumes") or []
        if not any(str(v).split(":")[1:2] == ["/var/lib/claimgraph"] for v in volumes):
            self.problem(path, "no volume mounted at /var/lib/claimgraph")
        for volume in volumes:
            source = str(volume).split(":")[0]
            if source.startswith("./") and source != "./tokens" and source != "./tls":
                if not (path.parent / source).exists():
                    self.problem(path, f"bind-mounted file {source} does not exist")
            elif not source.startswith(("./", "/")):
                if source not in (docs[0].get("volumes") or {}):
                    self.problem(path, f"named volume {source} not declared under volumes:")
        for port in service.get("ports") or []:
            if not str(port).startswith("127.0.0.1:"):
                self.problem(path, f"port {port} is published beyond the host's loopback")
        build = service.get("build") or {}
        dockerfile = (path.parent / build.get("context", ".") / build.get("dockerfile", "Dockerfile"))
        if not dockerfile.exists():
            self.problem(path, f"build.dockerfile {dockerfile} does not exist")

    def check_image(self, where, image):
        if not isinstance(image, str) or ":" not in image.rsplit("/", 1)[-1]:
            self.problem(where, f"image {image!r} has no tag")
        elif image.endswith(":latest"):
            self.problem(where, f"image {image!r} uses the latest tag")

    # --- Kubernetes ---------------------------------------------------------------------------
    def check_kubernetes(self):
        folder = self.root / "deploy/k8s"
        objects = {}
        for path in sorted(folder.glob("*.yaml")):
            for doc in self.load_yaml(path):
                if not isinstance(doc, dict):
                    self.problem(path, "a document is not a mapping")
                    continue
                for field in ("apiVersion", "kind"):
                    if not doc.get(field):
                        self.problem(path, f"{field} missing")
                if doc.get("kind") == "Kustomization":
                    for resource in doc.get("resources") or []:
                        if not (folder / resource).exists():
                            self.problem(path, f"resource {resource} does not exist")
                    continue
                name = (doc.get("metadata") or {}).get("name")
                if not name:
                    self.problem(path, "metadata.name missing")
                objects.setdefault(doc.get("kind"), {})[name] = (path, doc)
        for kind in ("StatefulSet", "Service", "Secret", "ConfigMap"):
            if kind not in objects:
                self.problem(folder, f"no {kind}")
        flags = self.documented_flags()
        for name, (path, config_map) in objects.get("ConfigMap", {}).items():
            for key, text in (config_map.get("data") or {}).items():
                if key.endswith(".conf"):
                    self.check_config_text(f"{path} ({key})", text, flags)
        for name, (path, secret) in objects.get("Secret", {}).items():
            if not (secret.get("stringData") or secret.get("data")):
                self.problem(path, f"Secret {name} holds nothing")
        for name, (path, statefulset) in objects.get("StatefulSet", {}).items():
            self.check_statefulset(path, statefulset, objects)

    def check_statefulset(self, path, statefulset, objects):
        spec = statefulset.get("spec") or {}
        template = spec.get("template") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        selector = (spec.get("selector") or {}).get("matchLabels") or {}
        if not selector or any(labels.get(k) != v for k, v in selector.items()):
            self.problem(path, "spec.selector.matchLabels does not match the pod template labels")
        if spec.get("serviceName") not in objects.get("Service", {}):
            self.problem(path, f"serviceName {spec.get('serviceName')!r} is not a Service here")
        if spec.get("replicas", 1) != 1:
            self.problem(path, "replicas must be 1 (one writer per database)")
        claims = spec.get("volumeClaimTemplates") or []
        if not claims:
            self.problem(path, "no volumeClaimTemplates")
        pod = template.get("spec") or {}
        security = pod.get("securityContext") or {}
        if security.get("runAsNonRoot") is not True or not security.get("runAsUser"):
            self.problem(path, "pod securityContext must set runAsNonRoot and a non-zero runAsUser")
        volumes = {v.get("name"): v for v in pod.get("volumes") or []}
        claim_names = {(c.get("metadata") or {}).get("name") for c in claims}
        containers = pod.get("containers") or []
        if not containers:
            self.problem(path, "no containers")
        for container in containers:
            where = f"{path} container {container.get('name')}"
            self.check_image(where, container.get("image"))
            ports = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
            for probe, wanted in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
                get = (container.get(probe) or {}).get("httpGet") or {}
                if get.get("path") != wanted:
                    self.problem(where, f"{probe} must GET {wanted}")
                if get.get("port") not in ports and get.get("port") not in ports.values():
                    self.problem(where, f"{probe} port {get.get('port')!r} is not a container port")
            mounts = {m.get("mountPath"): m for m in container.get("volumeMounts") or []}
            if "/var/lib/claimgraph" not in mounts:
                self.problem(where, "nothing mounted at /var/lib/claimgraph")
            for mount in mounts.values():
                name = mount.get("name")
                if name not in volumes and name not in claim_names:
                    self.problem(where, f"volumeMount {name!r} has no volume")
                volume = volumes.get(name) or {}
                if "secret" in volume and mount.get("readOnly") is not True:
                    self.problem(where, f"secret volume {name!r} must be mounted readOnly")
        # Secrets and ConfigMaps referenced must be defined here, except the TLS secret, which
        # the operator creates from its own certificate (docs/operations.md).
        for name, volume in volumes.items():
            if "secret" in volume:
                secret = volume["secret"].get("secretName")
                if secret not in objects.get("Secret", {}) and secret != "claimgraph-tls":
                    self.problem(path, f"volume {name}: Secret {secret!r} is not defined here")
            if "configMap" in volume:
                config_map = volume["configMap"].get("name")
                if config_map not in objects.get("ConfigMap", {}):
                    self.problem(path, f"volume {name}: ConfigMap {config_map!r} not defined here")
        for name, (service_path, service) in objects.get("Service", {}).items():
            service_selector = (service.get("spec") or {}).get("selector") or {}
            if any(labels.get(k) != v for k, v in service_selector.items()):
                self.problem(service_path, f"Service {name} selector matches no pod of {path.name}")
            all_ports = {p.get("name") for c in containers for p in c.get("ports") or []}
            for port in (service.get("spec") or {}).get("ports") or []:
                target = port.get("targetPort")
                if isinstance(target, str) and target not in all_ports:
                    self.problem(service_path, f"Service {name} targetPort {target!r} is unknown")

    # --- Dockerfile ---------------------------------------------------------------------------
    def check_dockerfile(self):
        path = self.root / "deploy/Dockerfile"
        if not path.exists():
            return self.problem(path, "missing")
        # Join continuation lines, drop comments.
        text = re.sub(r"\\\n", " ", path.read_text())
        instructions = []
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                keyword, _, rest = line.partition(" ")
                instructions.append((keyword.upper(), rest.strip()))
        stages = [i for i, (k, _) in enumerate(instructions) if k == "FROM"]
        if len(stages) < 2:
            return self.problem(path, "expected a multi-stage build (at least two FROM)")
        stage_names = []
        for index in stages:
            words = instructions[index][1].split()
            image = words[0]
            stage_names.append(words[2] if len(words) >= 3 and words[1].upper() == "AS" else None)
            if image in stage_names[:-1]:
                continue
            if "$" in image:
                self.problem(path, f"FROM {image}: pin the image, not a variable")
            else:
                self.check_image(path, image)
        final = instructions[stages[-1]:]
        keywords = [k for k, _ in final]
        users = [rest for k, rest in final if k == "USER"]
        if not users:
            self.problem(path, "the runtime stage sets no USER (it would run as root)")
        elif users[-1].split(":")[0] in ("root", "0"):
            self.problem(path, f"the runtime stage runs as {users[-1]}")
        for keyword in ("VOLUME", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT"):
            if keyword not in keywords:
                self.problem(path, f"the runtime stage has no {keyword}")
        if not any(k == "VOLUME" and "/var/lib/claimgraph" in rest for k, rest in final):
            self.problem(path, "the runtime stage does not declare the /var/lib/claimgraph volume")
        if not any(k == "COPY" and rest.startswith("--from=") for k, rest in final):
            self.problem(path, "the runtime stage copies nothing from the build stage")
        for keyword, rest in instructions:
            if keyword == "RUN" and "apt-get install" in rest:
                if "--no-install-recommends" not in rest:
                    self.problem(path, "apt-get install without --no-install-recommends")
                if "rm -rf /var/lib/apt/lists" not in rest:
                    self.problem(path, "apt-get install without removing /var/lib/apt/lists")
        for keyword, rest in final:
            if keyword == "RUN" and re.search(r"\b(g\+\+|cmake|ninja-build|-dev)\b", rest):
                self.problem(path, "the runtime stage installs build tools or -dev packages")

    def run(self):
        self.check_unit()
        self.check_compose()
        self.check_kubernetes()
        self.check_dockerfile()
        flags = self.documented_flags()
        for conf in sorted((self.root / "deploy").glob("*.conf")):
            self.check_config_text(conf, conf.read_text(), flags)
        return self.problems


def self_test(root):
    """Each break below must be reported; the unbroken copy must pass."""
    breaks = {
        "runtime as root": ("deploy/Dockerfile", "USER 10001:10001", "USER root"),
        "latest tag": ("deploy/Dockerfile", "FROM debian:12.11-slim AS runtime",
                       "FROM debian:latest AS runtime"),
        "single stage": ("deploy/Dockerfile", "FROM debian:12.11-slim AS build", "#"),
        "no healthcheck": ("deploy/Dockerfile", "HEALTHCHECK", "# HEALTHCHECK"),
        "compose YAML syntax": ("deploy/docker-compose.yml", "services:", "services: ["),
        "compose latest": ("deploy/docker-compose.yml", "image: claimgraph:0.1.0",
                           "image: claimgraph:latest"),
        "compose public port": ("deploy/docker-compose.yml", '"127.0.0.1:9090:9090"', '"9090:9090"'),
        "no readiness probe": ("deploy/k8s/statefulset.yaml", "path: /readyz", "path: /ready"),
        "selector mismatch": ("deploy/k8s/service.yaml", "  selector:\n    app.kubernetes.io/name: claimgraph\n  ports:\n    - name: grpc\n      port: 50051\n      targetPort: grpc\n      appProtocol",
                              "  selector:\n    app.kubernetes.io/name: other\n  ports:\n    - name: grpc\n      port: 50051\n      targetPort: grpc\n      appProtocol"),
        "secret mounted writable": ("deploy/k8s/statefulset.yaml",
                                    "mountPath: /etc/claimgraph/secrets\n              readOnly: true",
                                    "mountPath: /etc/claimgraph/secrets"),
        "manifest YAML syntax": ("deploy/k8s/configmap.yaml", "data:", "data: {"),
        "unknown config setting": ("deploy/claimgraphd.conf", "log-level = info",
                                   "log-levels = info"),
        "unit hardening": ("deploy/claimgraphd.service", "MemoryDenyWriteExecute=yes\n", ""),
    }
    failures = []
    with tempfile.TemporaryDirectory() as scratch:
        base = pathlib.Path(scratch) / "clean"
        shutil.copytree(root / "deploy", base / "deploy")
        shutil.copytree(root / "docs", base / "docs")
        if Checker(base).run():
            failures.append("the unbroken copy fails: " + "; ".join(Checker(base).run()))
        for name, (file, before, after) in breaks.items():
            copy = pathlib.Path(scratch) / name.replace(" ", "_")
            shutil.copytree(base, copy)
            target = copy / file
            text = target.read_text()
            if before not in text:
                failures.append(f"{name}: cannot apply the break ({before!r} not in {file})")
                continue
            target.write_text(text.replace(before, after, 1))
            if not Checker(copy).run():
                failures.append(f"{name}: not detected")
    for failure in failures:
        print(f"check_deploy self-test: {failure}")
    print(f"check_deploy self-test: {len(breaks) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


def main():
    root = pathlib.Path(__file__).resolve().parents[1]
    if sys.argv[1:] == ["--self-test"]:
        return self_test(root)
    if sys.argv[1:]:
        root = pathlib.Path(sys.argv[1])
    problems = Checker(root).run()
    for problem in problems:
        print(problem)
    print(f"check_deploy: {len(problems)} problem(s) in {root / 'deploy'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
