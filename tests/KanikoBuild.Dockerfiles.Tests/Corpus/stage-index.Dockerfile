FROM busybox
RUN echo first > /first

FROM busybox
COPY --from=0 /first /first

FROM alpine:3.19
COPY --from=1 /first /from-second
