#!/usr/bin/env bash
# Checks the idea behind kaniko-dotnet.Dockerfile without pulling anything: relocates this machine's .NET
# SDK under <root>/kaniko/dotnet the way the Dockerfile does, then builds and runs a small project in a
# chroot that holds nothing else but a static busybox at /busybox, i.e. what is left of a container after
# kaniko has unpacked and deleted its root filesystem. Needs root, chroot, patchelf and busybox-static.
#   sudo docs/ci/check-relocated-dotnet.sh
set -euo pipefail

sdk=$(dirname "$(readlink -f "$(command -v dotnet)")")
for tool in patchelf chroot ldd mountpoint; do command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 2; }; done
chroot=$(command -v chroot)
[ -x /bin/busybox ] || { echo "missing: /bin/busybox (apt-get install busybox-static)" >&2; exit 2; }

work=$(mktemp -d /tmp/kanikobuild-relocated-dotnet.XXXXXX)
root="$work/root"
cleanup() {
  umount "$root$work/hello" 2>/dev/null || true
  umount "$root/proc" 2>/dev/null || true
  umount "$root/dev" 2>/dev/null || true
  # Never delete through a bind mount of the host's /proc or /dev.
  if mountpoint -q "$root/proc" || mountpoint -q "$root/dev" || mountpoint -q "$root$work/hello"; then
    echo "left $work in place: $root/proc or $root/dev is still mounted" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# The same steps as the Dockerfile's relocation stage (copies, never hard links: the SDK is patched).
dest="$root/kaniko/dotnet"
mkdir -p "$dest/lib" "$root/busybox" "$root/proc" "$root/dev" "$root/work/tmp"
# .NET's named mutexes (NuGet's first-run migration) live under /tmp whatever TMPDIR says.
mkdir -p -m 1777 "$root/tmp"
cp -a "$sdk/." "$dest/"
loader=$(patchelf --print-interpreter "$sdk/dotnet")
cp -L "$loader" "$dest/lib/"
{ ldd "$sdk/dotnet" "$sdk"/shared/Microsoft.NETCore.App/*/*.so 2>/dev/null || true
  for so in libssl.so.3 libcrypto.so.3 libz.so.1; do ldconfig -p | awk -v so="$so" '!done && $1 == so && /x86-64|AArch64/ { print "x => " $NF; done = 1 }'; done; } \
  | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u \
  | while read -r lib; do cp -L "$lib" "$dest/lib/"; done
newloader="/kaniko/dotnet/lib/$(basename "$loader")"
find "$dest" -type f -perm -u+x ! -name '*.so' ! -name '*.so.*' ! -name '*.dll' | while read -r f; do
  if patchelf --print-interpreter "$f" >/dev/null 2>&1; then patchelf --set-interpreter "$newloader" "$f"; fi
done
find "$dest/packs" -type f \( -name apphost -o -name singlefilehost \) -exec patchelf --set-interpreter "$newloader" {} \;
cp /bin/busybox "$root/busybox/busybox"
for applet in sh cat ls mkdir; do ln -s busybox "$root/busybox/$applet"; done

# A project that loads OpenSSL (SHA-256) and reports whether the usual library folders exist. It sits at
# the same path inside and outside the chroot (bind mount), so it is restored here, outside, and the
# relocated SDK only builds and runs it: restore needs a network and NuGet settings, which is not what
# this checks.
proj="$work/hello"
mkdir -p "$proj" "$root$proj"
cat > "$proj/hello.csproj" <<'EOF2'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings>
    <InvariantGlobalization>true</InvariantGlobalization><NuGetAudit>false</NuGetAudit>
  </PropertyGroup>
</Project>
EOF2
cat > "$proj/Program.cs" <<'EOF2'
var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("kaniko"u8.ToArray()))[..16];
Console.WriteLine($"relocated .NET ok: sha256 {hash}, /usr exists: {Directory.Exists("/usr")}, /lib64 exists: {Directory.Exists("/lib64")}");
EOF2
dotnet restore "$proj" --nologo -v q

mount --bind /proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind "$proj" "$root$proj"
env -i PATH=/kaniko/dotnet:/busybox LD_LIBRARY_PATH=/kaniko/dotnet/lib DOTNET_ROOT=/kaniko/dotnet \
  HOME=/work/home DOTNET_CLI_HOME=/work/home TMPDIR=/work/tmp \
  DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDDISABLENODEREUSE=1 \
  DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE=1 DOTNET_SKIP_WORKLOAD_INTEGRITY_CHECK=1 \
  "$chroot" "$root" /busybox/sh -c "cd $proj && dotnet build --no-restore -nologo -v q -p:UseSharedCompilation=false && ./bin/Debug/net10.0/hello && dotnet bin/Debug/net10.0/hello.dll"
