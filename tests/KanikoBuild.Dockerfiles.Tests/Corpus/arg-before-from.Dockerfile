ARG REGISTRY=docker.io
ARG VERSION=3.19
ARG BASE=${REGISTRY}/library/alpine:${VERSION}
ARG UNSET

FROM ${BASE} AS base
ARG VERSION
RUN echo "alpine $VERSION"

FROM $REGISTRY/library/busybox:${UNSET:-latest}
COPY --from=base /etc/os-release /etc/os-release
