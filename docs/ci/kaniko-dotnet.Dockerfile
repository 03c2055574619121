# The CI image for jobs without Docker (GitLab's Kubernetes runners, Tekton, Jenkins pods): the kaniko
# executor and the .NET SDK in one image, so ./build.sh runs kaniko as a process (--kaniko-runner local).
#
# Why kaniko is the image and the SDK a guest in it, under /kaniko: kaniko is not a sandbox. It builds by
# unpacking each base image into / of the very container it runs in, and between stages it deletes
# everything except the few paths it never touches (/kaniko, mount points, and VOLUMEs such as the debug
# image's /busybox). An SDK installed the usual way (/usr/share/dotnet, with glibc, libstdc++ and OpenSSL
# under /usr/lib) would be overwritten or deleted while ./build.sh is still running, and the job would die
# on the first assembly or library it loads after kaniko's first stage. So the SDK and every shared library
# it loads are copied under /kaniko/dotnet, and every .NET executable (and the apphost template, so the
# apphosts built in this image too) gets its ELF interpreter pointed there: nothing .NET needs lives
# outside /kaniko. Checked: the SDK builds and runs a project in a root that holds only /kaniko and
# /busybox (docs/ci/check-relocated-dotnet.sh).
#
# For the same reason this image is for CI jobs only, one kaniko build per job, never a laptop or a
# long-lived container: whatever else sits in its filesystem is fair game for kaniko. Keep everything the
# job writes in the builds volume (mounted on Kubernetes: kaniko leaves it alone), and temporary files
# outside the project folder, which is the build context: TMPDIR and DOTNET_CLI_HOME under
# $CI_BUILDS_DIR, NUGET_PACKAGES under $CI_PROJECT_DIR for GitLab's cache (see gitlab-ci.yml).
#
# Build it with any builder, push it, and pin it by digest in CI (KANIKOBUILD_CI_IMAGE):
#   docker build -f docs/ci/kaniko-dotnet.Dockerfile -t registry.example.com/ci/kaniko-dotnet:10.0 docs/ci
# Replace the digest placeholder below with the digest of the executor release you vetted:
#   skopeo inspect --format '{{.Digest}}' docker://ghcr.io/osscontainertools/kaniko:debug

ARG KANIKO_IMAGE=ghcr.io/osscontainertools/kaniko:debug@sha256:0000000000000000000000000000000000000000000000000000000000000000
ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0

FROM ${KANIKO_IMAGE} AS kaniko

FROM ${DOTNET_SDK_IMAGE} AS dotnet
RUN apt-get update \
 && apt-get install -y --no-install-recommends patchelf \
 && rm -rf /var/lib/apt/lists/*
# Relocate: the SDK, the dynamic loader, and the libraries the host, the runtime's native parts and
# OpenSSL (loaded with dlopen, so ldd does not list it) need. ICU is left out: the image runs with
# invariant globalization. Works for x64 and arm64 (the loader's name comes from the binary itself).
RUN set -eu; \
    root=/kaniko/dotnet; mkdir -p "$root/lib"; \
    cp -a /usr/share/dotnet/. "$root/"; \
    loader=$(patchelf --print-interpreter /usr/share/dotnet/dotnet); \
    cp -L "$loader" "$root/lib/"; \
    { ldd /usr/share/dotnet/dotnet /usr/share/dotnet/shared/Microsoft.NETCore.App/*/*.so; \
      for so in libssl.so.3 libcrypto.so.3 libz.so.1; do ldconfig -p | awk -v so="$so" '!done && $1 == so { print "x => " $NF; done = 1 }'; done; } \
      | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u \
      | while read -r lib; do cp -L "$lib" "$root/lib/"; done; \
    newloader="$root/lib/$(basename "$loader")"; \
    find "$root" -type f -perm -u+x ! -name '*.so' ! -name '*.so.*' ! -name '*.dll' | while read -r f; do \
      if patchelf --print-interpreter "$f" >/dev/null 2>&1; then patchelf --set-interpreter "$newloader" "$f"; fi; \
    done; \
    find "$root/packs" -type f \( -name apphost -o -name singlefilehost \) -exec patchelf --set-interpreter "$newloader" {} \; ; \
    ls "$root/lib"

FROM ${KANIKO_IMAGE}
COPY --from=dotnet /kaniko/dotnet /kaniko/dotnet
# DOCKER_CONFIG is the executor's own (KanikoBuild's local runner writes the registry credentials there).
# LD_LIBRARY_PATH reaches .NET and its children only: kaniko's RUN steps get the image's environment, not
# the executor's, and the executor and /busybox are static.
ENV DOCKER_CONFIG=/kaniko/.docker/ \
    DOTNET_ROOT=/kaniko/dotnet \
    LD_LIBRARY_PATH=/kaniko/dotnet/lib \
    PATH=/kaniko/dotnet:/busybox:/kaniko:/usr/local/bin:/usr/bin:/bin \
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1 \
    SSL_CERT_FILE=/kaniko/ssl/certs/ca-certificates.crt \
    SSL_CERT_DIR=/kaniko/ssl/certs
# .NET's named mutexes (NuGet's first-run migration) live under /tmp whatever TMPDIR says; the executor
# image may not have one. The debug image's static busybox creates it.
RUN ["/busybox/mkdir", "-p", "-m", "1777", "/tmp"]
# A shell for the CI runner, not the executor: CI jobs run scripts that call ./build.sh.
ENTRYPOINT []
CMD ["/busybox/sh"]
