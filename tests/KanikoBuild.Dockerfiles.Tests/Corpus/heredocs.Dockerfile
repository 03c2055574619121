# syntax=docker/dockerfile:1.4
FROM alpine:3.19 AS base
RUN <<EOF
apk add --no-cache python3
echo done > /done
EOF

# Two heredocs on one line, each read in order.
RUN <<FILE1 cat > /etc/a.conf && <<FILE2 cat > /etc/b.conf
a = 1
FILE1
b = 2
FILE2

COPY <<EOF /usr/share/nginx/html/index.html
<html><body>hello</body></html>
EOF

COPY --chmod=755 <<-"SCRIPT" /usr/local/bin/run.sh
	#!/bin/sh
	echo "no expansion of $HOME here"
	SCRIPT

RUN python3 <<'PY'
print("EOF inside the body is not the end")
EOF
PY
RUN echo "a <<NOTAHEREDOC inside quotes"
RUN cat 3<<FD3 && echo ok
fd three
FD3
