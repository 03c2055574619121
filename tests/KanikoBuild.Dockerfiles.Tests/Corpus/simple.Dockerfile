FROM alpine:3.19
RUN apk add --no-cache ca-certificates
COPY app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
