# syntax=docker/dockerfile:1.7
# check=skip=JSONArgsRecommended
# escape=\
# This comment ends the directives.
# escape=`
FROM alpine:3.19
RUN echo a \
    b
