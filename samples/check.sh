#!/usr/bin/env bash
# Checks the sample images and their expected findings:
#  1. feed-entries.json against the apk databases: every entry affects the failing image's package and
#     none affects a package of the passing image (apk versions compared as apk does for these shapes);
#  2. both Dockerfiles build with the real Docker builder (legacy, no pulls) on a local busybox image and
#     carry what scanners read (/lib/apk/db/installed, /etc/os-release), the non-root user and the labels.
# Needs python3, and for step 2 a Docker engine and Debian's /usr/bin/docker.
#   samples/check.sh [BASE_IMAGE]   (default: kanikobuild-samples/busybox:latest, made from /bin/busybox when missing)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

python3 - <<'EOF'
import json, re, sys

def packages(path):
    found = {}
    for record in open(path).read().split("\n\n"):
        fields = dict(line.split(":", 1) for line in record.splitlines() if len(line) > 2 and line[1] == ":")
        if "P" in fields:
            found[fields["P"]] = fields["V"]
    return found

def key(version):
    # apk versions of the shapes used here: dotted numbers with an optional letter (1.1.1k), then -rN.
    main, _, release = version.partition("-r")
    parts = []
    for component in main.split("."):
        number, letter = re.fullmatch(r"(\d+)([a-z]?)", component).groups()
        parts.append((int(number), letter))
    return parts, int(release or 0)

def affected(version, spec):
    if isinstance(spec, list):
        return version in spec
    if spec.startswith("<="):
        return key(version) <= key(spec[2:])
    if spec.startswith("<"):
        return key(version) < key(spec[1:])
    raise ValueError(f"unsupported range {spec}")

entries = json.load(open("feed-entries.json"))
passing, failing = packages("app/apk-installed"), packages("app-vulnerable/apk-installed")
problems = []
for entry in entries:
    name, spec = entry["package"], entry["affected"]
    if name not in failing or not affected(failing[name], spec):
        problems.append(f"{entry['cve']}: does not affect app-vulnerable's {name} {failing.get(name)}")
    if name in passing and affected(passing[name], spec):
        problems.append(f"{entry['cve']}: affects app's {name} {passing[name]}, which must pass")
    fixed = entry["status"].removeprefix("fixed in ")
    if entry["status"].startswith("fixed in ") and affected(fixed, spec):
        problems.append(f"{entry['cve']}: the fixed version {fixed} is inside the affected range {spec}")
if problems:
    print("\n".join(problems))
    sys.exit(1)
severities = {}
for entry in entries:
    severities[entry["severity"]] = severities.get(entry["severity"], 0) + 1
print(f"ok: {len(entries)} feed entries match app-vulnerable, none matches app; by severity: {severities}")
EOF

docker=/usr/bin/docker
[ -x "$docker" ] || docker=$(command -v docker)
base=${1:-kanikobuild-samples/busybox:latest}
if ! "$docker" image inspect "$base" >/dev/null 2>&1; then
  [ "$base" = kanikobuild-samples/busybox:latest ] || { echo "base image $base not found" >&2; exit 1; }
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  # mktemp makes the folder 0700, and the tar's "." entry becomes the image's "/": a non-root USER (the
  # samples end with USER 65534) could then not even reach /bin.
  chmod 0755 "$rootfs"
  mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/root"
  chmod 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
  tar -C "$rootfs" -c . | "$docker" import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' - "$base" >/dev/null
fi

for variant in app app-vulnerable; do
  tag="kanikobuild-samples-check/$variant:$$"
  DOCKER_BUILDKIT=0 "$docker" build -q --network host -f "$variant/Dockerfile" --build-arg "BASE_IMAGE=$base" -t "$tag" . >/dev/null
  output=$("$docker" run --rm --network host "$tag")
  installed=$("$docker" run --rm --network host --entrypoint /bin/cat "$tag" /lib/apk/db/installed)
  os_id=$("$docker" run --rm --network host --entrypoint /bin/sh "$tag" -c '. /etc/os-release && echo "$ID $VERSION_ID"')
  user=$("$docker" image inspect -f '{{.Config.User}}' "$tag")
  verdict=$("$docker" image inspect -f '{{index .Config.Labels "io.kanikobuild.sample.expected-verdict"}}' "$tag")
  "$docker" rmi -f "$tag" >/dev/null
  [[ $output == *"($variant), running as uid 65534"* ]] || { echo "$variant: unexpected output: $output" >&2; exit 1; }
  [ "$installed" = "$(cat "$variant/apk-installed")" ] || { echo "$variant: /lib/apk/db/installed differs from $variant/apk-installed" >&2; exit 1; }
  [[ $os_id == "alpine "* ]] || { echo "$variant: /etc/os-release says '$os_id'" >&2; exit 1; }
  [ "$user" = 65534:65534 ] || { echo "$variant: user is '$user'" >&2; exit 1; }
  expected=pass; [ "$variant" = app ] || expected=fail
  [ "$verdict" = "$expected" ] || { echo "$variant: expected-verdict label is '$verdict'" >&2; exit 1; }
  echo "ok: $variant builds on $base ($os_id, user $user, expected verdict $verdict)"
done
