# escape=`
FROM busybox AS tool
COPY docs\readme.txt C:\docs\
RUN echo one `
    two `
    # a comment inside the continuation
    three
