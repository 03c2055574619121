from alpine:3.19 as Builder
run echo lower
Run echo mixed
COPY --from=builder /etc/hosts /tmp/hosts

From builder AS final
cmd ["sh"]
