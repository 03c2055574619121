FROM alpine
RUN <<-END cat
	echo
	EN
