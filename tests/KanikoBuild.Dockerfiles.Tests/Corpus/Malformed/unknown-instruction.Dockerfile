FROM alpine
FORM busybox
