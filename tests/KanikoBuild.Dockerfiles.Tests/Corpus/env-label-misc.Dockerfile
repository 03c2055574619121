FROM alpine:3.19
MAINTAINER someone@example.com
LABEL org.opencontainers.image.title="app" \
      org.opencontainers.image.description="multi \
line"
ENV A=1 B="two words" \
    C=3
ENV LEGACY value with spaces
EXPOSE 80/tcp 443
WORKDIR /srv
USER 1000:1000
ADD --chown=1000:1000 https://example.com/file.tar.gz /srv/
ADD ["a b.txt", "/srv/"]
