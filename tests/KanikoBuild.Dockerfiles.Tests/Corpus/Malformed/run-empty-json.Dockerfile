FROM alpine
RUN []
