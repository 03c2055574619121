module kanikobuild/standins/kaniko

go 1.19
