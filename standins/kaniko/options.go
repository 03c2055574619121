package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// options mirrors the subset of kaniko's KanikoOptions the stand-in honours (cmd/executor/cmd/root.go).
type options struct {
	dockerfile, context, contextSubPath                      string
	destinations                                             []string
	noPush, noPushCache                                      bool
	tarPath, ociLayoutPath                                   string
	digestFile, imageNameDigestFile, imageNameTagDigestFile  string
	cache, cacheRunLayers, cacheCopyLayers                   bool
	cacheRepo                                                string
	cacheTTL                                                 time.Duration
	buildArgs                                                []string
	target                                                   string
	skipUnusedStages                                         bool
	labels                                                   []string
	insecure, insecurePull, skipTLSVerify, skipTLSVerifyPull bool
	insecureRegistries, skipTLSVerifyRegistries              []string
	registryMirrors                                          []string
	reproducible                                             bool
	snapshotMode                                             string
	useNewRun, singleSnapshot, cleanup, force                bool
	pushRetry, imageFSExtractRetry, imageDownloadRetry       int
	customPlatform                                           string
	verbosity, logFormat                                     string
	logTimestamp                                             bool
	ignorePaths                                              []string
	ignoreVarRun                                             bool
	secrets                                                  []string
	kanikoDir                                                string
	skipPushPermissionCheck                                  bool
	compressedCaching                                        bool
	cacheDir                                                 string
}

type flagKind int

const (
	kindString flagKind = iota
	kindBool
	kindList
	kindInt
	kindDuration
)

type flagDef struct {
	name, short string
	kind        flagKind
	str         *string
	boolean     *bool
	list        *[]string
	integer     *int
	duration    *time.Duration
	help        string
}

func newOptions() *options {
	return &options{dockerfile: "Dockerfile", context: "/workspace/", cacheRunLayers: true, cacheTTL: 336 * time.Hour,
		snapshotMode: "full", verbosity: "info", logFormat: "color", ignoreVarRun: true, kanikoDir: "/kaniko",
		compressedCaching: true, cacheDir: "/cache"}
}

func (o *options) flags() []flagDef {
	s := func(name, short string, p *string, help string) flagDef {
		return flagDef{name: name, short: short, kind: kindString, str: p, help: help}
	}
	b := func(name string, p *bool, help string) flagDef {
		return flagDef{name: name, kind: kindBool, boolean: p, help: help}
	}
	l := func(name, short string, p *[]string, help string) flagDef {
		return flagDef{name: name, short: short, kind: kindList, list: p, help: help}
	}
	i := func(name string, p *int, help string) flagDef {
		return flagDef{name: name, kind: kindInt, integer: p, help: help}
	}
	return []flagDef{
		s("dockerfile", "f", &o.dockerfile, "Path to the dockerfile to be built."),
		s("context", "c", &o.context, "Path to the dockerfile build context (dir:// or a plain path in the stand-in)."),
		s("context-sub-path", "", &o.contextSubPath, "Sub path within the given context."),
		l("destination", "d", &o.destinations, "Registry the final image should be pushed to. Set it repeatedly for multiple destinations."),
		b("no-push", &o.noPush, "Do not push the image to the registry"),
		b("no-push-cache", &o.noPushCache, "Do not push the cache layers to the registry"),
		s("tar-path", "", &o.tarPath, "Path to save the image in as a tarball instead of pushing"),
		s("oci-layout-path", "", &o.ociLayoutPath, "Path to save the OCI image layout of the built image."),
		s("digest-file", "", &o.digestFile, "Specify a file to save the digest of the built image to."),
		s("image-name-with-digest-file", "", &o.imageNameDigestFile, "Specify a file to save the image name w/ digest of the built image to."),
		s("image-name-tag-with-digest-file", "", &o.imageNameTagDigestFile, "Specify a file to save the image name w/ image tag w/ digest of the built image to."),
		b("cache", &o.cache, "Use cache when building image"),
		s("cache-repo", "", &o.cacheRepo, "Specify a repository to use as a cache, otherwise one will be inferred from the destination provided"),
		{name: "cache-ttl", kind: kindDuration, duration: &o.cacheTTL, help: "Cache timeout, requires value and unit of duration -> ex: 6h. Defaults to two weeks."},
		b("cache-run-layers", &o.cacheRunLayers, "Caches run layers"),
		b("cache-copy-layers", &o.cacheCopyLayers, "Caches copy layers"),
		s("cache-dir", "", &o.cacheDir, "Specify a local directory to use as a cache (accepted; base-image cache not used by the stand-in)."),
		b("compressed-caching", &o.compressedCaching, "Compress the cached layers (accepted; the stand-in always streams)."),
		l("build-arg", "", &o.buildArgs, "This flag allows you to pass in ARG values at build time. Set it repeatedly for multiple values."),
		s("target", "", &o.target, "Set the target build stage to build"),
		b("skip-unused-stages", &o.skipUnusedStages, "Build only used stages if defined to true."),
		l("label", "", &o.labels, "Set metadata for an image. Set it repeatedly for multiple labels."),
		b("insecure", &o.insecure, "Push to insecure registry using plain HTTP"),
		b("insecure-pull", &o.insecurePull, "Pull from insecure registry using plain HTTP"),
		l("insecure-registry", "", &o.insecureRegistries, "Insecure registry using plain HTTP to push and pull. Set it repeatedly for multiple registries."),
		b("skip-tls-verify", &o.skipTLSVerify, "Push to insecure registry ignoring TLS verify"),
		b("skip-tls-verify-pull", &o.skipTLSVerifyPull, "Pull from insecure registry ignoring TLS verify"),
		l("skip-tls-verify-registry", "", &o.skipTLSVerifyRegistries, "Insecure registry ignoring TLS verify to push and pull. Set it repeatedly for multiple registries."),
		l("registry-mirror", "", &o.registryMirrors, "Registry mirror to use as pull-through cache instead of docker.io (accepted; only consulted for docker.io images)."),
		b("reproducible", &o.reproducible, "Strip timestamps out of the image to make it reproducible"),
		s("snapshot-mode", "", &o.snapshotMode, "Change the file attributes inspected during snapshotting (full, redo, time)"),
		b("use-new-run", &o.useNewRun, "Use the experimental run implementation (accepted; the stand-in always snapshots the full filesystem)."),
		b("single-snapshot", &o.singleSnapshot, "Take a single snapshot at the end of the build."),
		b("cleanup", &o.cleanup, "Clean the filesystem at the end"),
		b("force", &o.force, "Force building outside of a container"),
		i("push-retry", &o.pushRetry, "Number of retries for the push operation"),
		i("image-fs-extract-retry", &o.imageFSExtractRetry, "Number of retries for image FS extraction"),
		i("image-download-retry", &o.imageDownloadRetry, "Number of retries for downloading the remote image"),
		s("custom-platform", "", &o.customPlatform, "Specify the build platform if different from the current host (the stand-in: linux/amd64 only)"),
		s("verbosity", "v", &o.verbosity, "Log level (trace, debug, info, warn, error, fatal, panic)"),
		s("log-format", "", &o.logFormat, "Log format (text, color, json)"),
		b("log-timestamp", &o.logTimestamp, "Timestamp in log output"),
		l("ignore-path", "", &o.ignorePaths, "Ignore these paths when taking a snapshot. Set it repeatedly for multiple paths."),
		b("ignore-var-run", &o.ignoreVarRun, "Ignore /var/run directory when taking image snapshot. Set it to false to preserve /var/run/ in destination image."),
		l("secret", "", &o.secrets, "Secret to expose to RUN --mount=type=secret: id=X[,src=/file][,env=VAR][,type=file|env]. Set it repeatedly."),
		s("kaniko-dir", "", &o.kanikoDir, "Path to the kaniko directory, this takes precedence over the KANIKO_DIR environment variable."),
		b("skip-push-permission-check", &o.skipPushPermissionCheck, "Skip check of the push permission"),
	}
}

// usageError is cobra's "Error: ..." followed by the usage; exit code 1.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func parseArgs(args []string) (*options, error) {
	o := newOptions()
	defs := o.flags()
	byName := map[string]*flagDef{}
	byShort := map[string]*flagDef{}
	for i := range defs {
		byName[defs[i].name] = &defs[i]
		if defs[i].short != "" {
			byShort[defs[i].short] = &defs[i]
		}
	}
	seen := map[string]bool{}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			if i+1 < len(args) {
				return nil, usageError{fmt.Sprintf("unknown command %q for \"executor\"", args[i+1])}
			}
			break
		}
		var def *flagDef
		var value string
		hasValue := false
		switch {
		case strings.HasPrefix(arg, "--"):
			name := arg[2:]
			if eq := strings.IndexByte(name, '='); eq >= 0 {
				name, value, hasValue = name[:eq], name[eq+1:], true
			}
			def = byName[name]
			if def == nil {
				return nil, usageError{"unknown flag: --" + name}
			}
		case strings.HasPrefix(arg, "-") && len(arg) > 1:
			short := arg[1:2]
			def = byShort[short]
			if def == nil {
				return nil, usageError{fmt.Sprintf("unknown shorthand flag: %q in %s", short, arg)}
			}
			if rest := arg[2:]; rest != "" {
				value, hasValue = strings.TrimPrefix(rest, "="), true
			}
		default:
			if arg == "version" && i == 0 {
				return nil, errVersion
			}
			return nil, usageError{fmt.Sprintf("unknown command %q for \"executor\"", arg)}
		}
		if def.kind == kindBool {
			v := true
			if hasValue {
				parsed, err := strconv.ParseBool(value)
				if err != nil {
					return nil, usageError{fmt.Sprintf("invalid argument %q for \"--%s\" flag: %v", value, def.name, err)}
				}
				v = parsed
			}
			*def.boolean = v
			continue
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, usageError{fmt.Sprintf("flag needs an argument: --%s", def.name)}
			}
			i++
			value = args[i]
		}
		switch def.kind {
		case kindString:
			*def.str = value
		case kindList:
			// Repeatable flags replace the default on first use, like pflag's StringArray / multiArg.
			if !seen[def.name] {
				*def.list = nil
			}
			*def.list = append(*def.list, value)
		case kindInt:
			n, err := strconv.Atoi(value)
			if err != nil {
				return nil, usageError{fmt.Sprintf("invalid argument %q for \"--%s\" flag: %v", value, def.name, err)}
			}
			*def.integer = n
		case kindDuration:
			d, err := time.ParseDuration(value)
			if err != nil {
				return nil, usageError{fmt.Sprintf("invalid argument %q for \"--%s\" flag: %v", value, def.name, err)}
			}
			*def.duration = d
		}
		seen[def.name] = true
	}
	if v := os.Getenv("KANIKO_NO_PUSH"); v != "" && !seen["no-push"] {
		if b, err := strconv.ParseBool(v); err == nil {
			o.noPush = b
		}
	}
	if v := os.Getenv("KANIKO_DIR"); v != "" && !seen["kaniko-dir"] {
		o.kanikoDir = v
	}
	return o, nil
}

var errVersion = fmt.Errorf("version")

func usage() string {
	var b strings.Builder
	b.WriteString("Usage:\n  executor [flags]\n  executor [command]\n\nFlags:\n")
	defs := newOptions().flags()
	sort.Slice(defs, func(i, j int) bool { return defs[i].name < defs[j].name })
	for _, d := range defs {
		short := "    "
		if d.short != "" {
			short = "-" + d.short + ", "
		}
		kind := map[flagKind]string{kindString: " string", kindBool: "", kindList: " multi-arg type", kindInt: " int", kindDuration: " duration"}[d.kind]
		fmt.Fprintf(&b, "  %s--%s%s\t%s\n", short, d.name, kind, d.help)
	}
	return b.String()
}

// validate follows root.go's PersistentPreRunE checks.
func (o *options) validate() error {
	if err := configureLogging(o.verbosity, o.logFormat); err != nil {
		return err
	}
	if !o.noPush && len(o.destinations) == 0 {
		return fmt.Errorf("you must provide --destination, or use --no-push")
	}
	if o.cache && o.noPush && o.cacheRepo == "" {
		return fmt.Errorf("cache flags invalid: if using cache with --no-push, specify cache repo with --cache-repo")
	}
	// Without --destination, --no-push is enough, also with --tar-path: v1.24 then names the tarball's image
	// docker.io/unset-repo/unset-image-name (push.go DummyDestination). Only the name files need a destination.
	if len(o.destinations) == 0 && o.imageNameDigestFile != "" {
		return fmt.Errorf("you must provide --destination if setting ImageNameDigestFile")
	}
	if len(o.destinations) == 0 && o.imageNameTagDigestFile != "" {
		return fmt.Errorf("you must provide --destination if setting ImageNameTagDigestFile")
	}
	switch o.snapshotMode {
	case "full", "redo", "time":
	default:
		return fmt.Errorf("%s is not a valid snapshot mode", o.snapshotMode)
	}
	if o.customPlatform != "" && o.customPlatform != "linux/amd64" {
		return fmt.Errorf("custom platform %q is not supported by the stand-in: it builds linux/amd64 only", o.customPlatform)
	}
	for _, a := range o.buildArgs {
		if a == "" {
			return fmt.Errorf("empty --build-arg")
		}
	}
	for _, l := range o.labels {
		if !strings.Contains(l, "=") {
			return fmt.Errorf("labels must be of the form key=value, got %q", l)
		}
	}
	if o.cache && o.cacheRepo == "" && len(o.destinations) > 0 {
		repo, err := parseReference(o.destinations[0])
		if err != nil {
			return fmt.Errorf("getting cache repo from destination: %w", err)
		}
		o.cacheRepo = repo.registry + "/" + repo.repository + "/cache"
	}
	return nil
}
