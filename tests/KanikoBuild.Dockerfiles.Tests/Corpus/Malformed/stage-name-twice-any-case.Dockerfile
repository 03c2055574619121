FROM alpine AS app
RUN true
FROM busybox AS APP
