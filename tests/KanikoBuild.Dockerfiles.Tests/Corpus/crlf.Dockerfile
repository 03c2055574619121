FROM alpine:3.19 AS base
RUN apk add --no-cache curl \
    jq

# comment
FROM base
COPY --from=base /usr/bin/jq /jq
