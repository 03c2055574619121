module kanikobuild/standins/twistcli

go 1.19
