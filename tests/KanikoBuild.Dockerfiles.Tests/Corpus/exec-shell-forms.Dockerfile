FROM alpine:3.19
SHELL ["/bin/sh", "-o", "pipefail", "-c"]
RUN ["sh", "-c", "echo exec form"]
RUN echo shell form | cat
RUN [ "$HOME" = "/root" ] && echo "not json, a shell test"
CMD echo shell cmd
CMD ["echo", "exec", "cmd"]
ENTRYPOINT []
HEALTHCHECK --interval=5m --timeout=3s \
  CMD wget -q -O- http://localhost/ || exit 1
HEALTHCHECK NONE
STOPSIGNAL SIGTERM
VOLUME ["/data"]
VOLUME /cache /logs
