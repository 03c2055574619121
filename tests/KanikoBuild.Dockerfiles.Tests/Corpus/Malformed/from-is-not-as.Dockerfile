FROM alpine IS name
