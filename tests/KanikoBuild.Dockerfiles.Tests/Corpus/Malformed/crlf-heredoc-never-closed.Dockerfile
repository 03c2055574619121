FROM alpine
RUN <<EOF
echo never closed
