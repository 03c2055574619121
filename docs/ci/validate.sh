#!/usr/bin/env bash
# Checks the CI templates in this folder: every YAML file parses (GitLab's !reference tags accepted), and
# each template keeps the promises docs/ci/README.md makes about it: it calls ./build.sh, it names the
# secrets it expects at the top, and no secret is passed as a command-line flag.
# Needs python3 with PyYAML (apt-get install python3-yaml).
#   docs/ci/validate.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

python3 - <<'EOF'
import pathlib, re, sys
import yaml

class Loader(yaml.SafeLoader):
    pass

# GitLab CI's `!reference [job, key]`: keep the list, the parser only checks syntax.
Loader.add_constructor("!reference", lambda loader, node: loader.construct_sequence(node))

failures = []
def fail(path, message):
    failures.append(f"{path}: {message}")

templates = {
    "github-actions.yml": "yaml",
    "gitlab-ci.yml": "yaml",
    "azure-pipelines.yml": "yaml",
    "Jenkinsfile": "groovy",
}
secrets = ["CONSOLE_PASSWORD", "DEV_REGISTRY_PASSWORD", "PROD_REGISTRY_PASSWORD"]
secret_flags = ["--console-password", "--dev-registry-password", "--prod-registry-password"]

for name, kind in templates.items():
    path = pathlib.Path(name)
    if not path.exists():
        fail(name, "missing")
        continue
    text = path.read_text()
    if kind == "yaml":
        try:
            document = yaml.load(text, Loader=Loader)
        except yaml.YAMLError as error:
            fail(name, f"YAML does not parse: {error}")
            continue
        if not isinstance(document, dict):
            fail(name, "the top level is not a mapping")
    else:
        # No Groovy parser here: check the braces balance outside strings and comments.
        stripped = re.sub(r"'''.*?'''|'[^'\n]*'|\"[^\"\n]*\"|//[^\n]*", "", text, flags=re.S)
        if stripped.count("{") != stripped.count("}"):
            fail(name, "unbalanced braces")
        if not text.lstrip().startswith("//") or "pipeline {" not in text:
            fail(name, "not a declarative pipeline with a header comment")
    header = text.split("\n\n", 1)[0]
    for secret in secrets:
        if secret not in header:
            fail(name, f"the header does not name the secret {secret}")
    if "./build.sh" not in text:
        fail(name, "does not call the bootstrap script ./build.sh")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("#", "//")))
    for flag in secret_flags:
        if flag in code:
            fail(name, f"passes a secret on the command line ({flag}); use the environment variable")

for path in sorted(pathlib.Path(".").glob("*.y*ml")):
    if path.name not in templates:
        try:
            yaml.load(path.read_text(), Loader=Loader)
        except yaml.YAMLError as error:
            fail(path.name, f"YAML does not parse: {error}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"ok: {len(templates)} templates checked")
EOF
