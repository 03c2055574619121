package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// builder holds one executor run: options, registry client, context, the parsed Dockerfile and results.
type builder struct {
	opts       *options
	registry   *registryClient
	ign        *ignoreList
	contextDir string
	// dockerfilePath is the Dockerfile as found (the copy under the kaniko dir is kaniko's safety copy).
	dockerfilePath string
	dockerfile     *dockerfile
	ignore         *dockerignore
	buildArgs      map[string]string
	metaArgs       map[string]string
	secrets        map[string]secretValue
	results        map[int]*image
	finalKeys      map[int]string
	savedDirs      map[int]string
	images         map[string]*image
	imageDirs      map[string]string
	created        time.Time
}

func newBuilder(o *options) *builder {
	return &builder{opts: o, registry: newRegistryClient(o), buildArgs: map[string]string{}, results: map[int]*image{},
		finalKeys: map[int]string{}, savedDirs: map[int]string{}, images: map[string]*image{}, imageDirs: map[string]string{},
		created: time.Now().UTC()}
}

// execute is root.go's Run: probe push permissions, build every needed stage, then push.
func (b *builder) execute() error {
	o := b.opts
	if err := b.load(); err != nil {
		return err
	}
	// kaniko probes only when it pushes, or when a cache repo is named (CheckPushPermissions).
	if !o.noPush || o.cacheRepo != "" {
		if err := b.checkPushPermissions(); err != nil {
			return err
		}
	}
	img, err := b.buildAll()
	if err != nil {
		return fmt.Errorf("error building image: %w", err)
	}
	if err := b.doPush(img); err != nil {
		return fmt.Errorf("error pushing image: %w", err)
	}
	if o.cleanup {
		if err := deleteFilesystem(b.ign); err != nil {
			return err
		}
	}
	return nil
}

// resolve is the part of root.go's PersistentPreRunE that touches files: the context, then the Dockerfile, which
// kaniko copies to <kaniko-dir>/Dockerfile keeping its owner, so that a .dockerignore cannot hide it. As a
// non-root executor that chown fails (kaniko.md §7), and the build stops before anything else happens.
func (b *builder) resolve() error {
	o := b.opts
	ctx := o.context
	switch {
	case strings.HasPrefix(ctx, "dir://"):
		ctx = strings.TrimPrefix(ctx, "dir://")
	case strings.Contains(ctx, "://"):
		scheme, _, _ := strings.Cut(ctx, "://")
		return fmt.Errorf("error resolving source context: context scheme %q (%s) is not supported by the stand-in: use a local directory or dir://", scheme, ctx)
	}
	if o.contextSubPath != "" {
		ctx = filepath.Join(ctx, o.contextSubPath)
	}
	abs, err := filepath.Abs(ctx)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return fmt.Errorf("error resolving source context: %s is not a directory", abs)
	}
	b.contextDir = abs
	dfPath := o.dockerfile
	if strings.HasPrefix(dfPath, "http://") || strings.HasPrefix(dfPath, "https://") {
		return fmt.Errorf("error resolving dockerfile path: a Dockerfile URL is not supported by the stand-in")
	}
	if _, err := os.Stat(dfPath); err != nil {
		candidate := filepath.Join(abs, dfPath)
		if _, err2 := os.Stat(candidate); err2 != nil {
			return fmt.Errorf("error resolving dockerfile path: please provide a valid path to a Dockerfile within the build context with --dockerfile")
		}
		dfPath = candidate
	}
	b.dockerfilePath, _ = filepath.Abs(dfPath)
	if err := copyKeepingOwner(b.dockerfilePath, filepath.Join(o.kanikoDir, "Dockerfile")); err != nil {
		return fmt.Errorf("error resolving dockerfile path: copying dockerfile: %w", err)
	}
	return nil
}

// copyKeepingOwner is kaniko's CopyFile without a chown flag: the copy gets the source's mode, uid and gid.
func copyKeepingOwner(src, dst string) error {
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(dst, data, fi.Mode().Perm()); err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return os.Chown(dst, int(st.Uid), int(st.Gid))
}

// load reads the Dockerfile, the .dockerignore, secrets and build args (DoBuild's start).
func (b *builder) load() error {
	o := b.opts
	text, err := os.ReadFile(b.dockerfilePath)
	if err != nil {
		return fmt.Errorf("error resolving dockerfile path: %w", err)
	}
	b.dockerfile, err = parseDockerfile(string(text))
	if err != nil {
		return fmt.Errorf("error building image: parsing dockerfile: %w", err)
	}
	b.ignore, err = loadDockerignore(b.dockerfilePath, b.contextDir)
	if err != nil {
		return err
	}
	b.ign = newIgnoreList(o, b.contextDir)
	for _, a := range o.buildArgs {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			v = os.Getenv(k)
		}
		b.buildArgs[k] = v
	}
	b.secrets, err = loadSecrets(o.secrets)
	if err != nil {
		return err
	}
	b.metaArgs = map[string]string{}
	lx := &lexer{escape: b.dockerfile.escape, lookup: func(n string) (string, bool) { v, ok := b.metaArgs[n]; return v, ok }}
	for _, inst := range b.dockerfile.metaArgs {
		words, err := lx.words(inst.rest)
		if err != nil {
			return fmt.Errorf("error building image: line %d: %w", inst.line, err)
		}
		for _, w := range words {
			name, def, hasDef := strings.Cut(w, "=")
			if v, ok := b.buildArgs[name]; ok {
				b.metaArgs[name] = v
			} else if hasDef {
				b.metaArgs[name] = def
			} else if v, ok := builtinArgs[name]; ok {
				b.metaArgs[name] = v
			}
		}
	}
	return nil
}

var builtinArgs = map[string]string{"TARGETPLATFORM": "linux/amd64", "TARGETOS": "linux", "TARGETARCH": "amd64", "TARGETVARIANT": "",
	"BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux", "BUILDARCH": "amd64", "BUILDVARIANT": ""}

func (b *builder) checkPushPermissions() error {
	// kaniko's CheckPushPermissions: the destinations when pushing; with --no-push the cache repo instead, unless
	// --no-push-cache (or --skip-push-permission-check) leaves nothing to probe.
	o := b.opts
	refs := o.destinations
	switch {
	case o.skipPushPermissionCheck, o.noPush && o.noPushCache:
		refs = nil
	case o.noPush:
		refs = []string{o.cacheRepo}
	}
	checked := map[string]bool{}
	for _, r := range refs {
		ref, err := parseReference(r)
		if err != nil {
			return fmt.Errorf("error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated correctly, and try again: getting tag for destination: %w", err)
		}
		if checked[ref.repoName()] {
			continue
		}
		checked[ref.repoName()] = true
		if err := b.registry.checkPushPermission(ref); err != nil {
			return fmt.Errorf("error checking push permissions -- make sure you entered the correct tag name, and that you are authenticated correctly, and try again: checking push permission for %q: %w", r, err)
		}
	}
	return nil
}

// stageIndex resolves a stage name or index used by FROM or COPY --from; -1 when it names no stage.
func (b *builder) stageIndex(name string, before int) int {
	if n, err := strconv.Atoi(name); err == nil {
		if n >= 0 && n < before {
			return n
		}
		return -1
	}
	for _, s := range b.dockerfile.stages[:before] {
		if s.name != "" && strings.EqualFold(s.name, name) {
			return s.index
		}
	}
	return -1
}

func (b *builder) expandBase(s *stage) (string, error) {
	lx := &lexer{escape: b.dockerfile.escape, lookup: func(n string) (string, bool) { v, ok := b.metaArgs[n]; return v, ok }}
	name, err := lx.word(s.base)
	if err != nil {
		return "", err
	}
	if s.platform != "" {
		p, _ := lx.word(s.platform)
		if p != "linux/amd64" && p != "" {
			return "", fmt.Errorf("FROM --platform=%s: the stand-in builds linux/amd64 only", p)
		}
	}
	return name, nil
}

// dependencies lists the stages a stage needs (FROM <stage>, COPY --from=<stage>).
func (b *builder) dependencies(s *stage) ([]int, error) {
	var deps []int
	base, err := b.expandBase(s)
	if err != nil {
		return nil, err
	}
	if i := b.stageIndex(base, s.index); i >= 0 {
		deps = append(deps, i)
	}
	for _, inst := range s.instructions {
		if inst.cmd != "copy" {
			continue
		}
		for _, f := range inst.flags {
			if v, ok := flagValue(f, "from"); ok {
				if i := b.stageIndex(v, s.index); i >= 0 {
					deps = append(deps, i)
				}
			}
		}
	}
	return deps, nil
}

func (b *builder) buildAll() (*image, error) {
	stages := b.dockerfile.stages
	target := len(stages) - 1
	if b.opts.target != "" {
		target = b.stageIndex(b.opts.target, len(stages))
		if target < 0 {
			return nil, fmt.Errorf("failed to reach build target %s in Dockerfile", b.opts.target)
		}
	}
	needed := map[int]bool{}
	consumers := map[int]bool{} // stages whose files a later stage copies, or builds on
	var mark func(i int) error
	mark = func(i int) error {
		if needed[i] {
			return nil
		}
		needed[i] = true
		deps, err := b.dependencies(stages[i])
		if err != nil {
			return err
		}
		for _, d := range deps {
			consumers[d] = true
			if err := mark(d); err != nil {
				return err
			}
		}
		return nil
	}
	if err := mark(target); err != nil {
		return nil, err
	}
	if !b.opts.skipUnusedStages {
		for i := 0; i <= target; i++ {
			needed[i] = true
			deps, err := b.dependencies(stages[i])
			if err != nil {
				return nil, err
			}
			for _, d := range deps {
				consumers[d] = true
			}
		}
	}
	infof("Built cross stage deps: %v", formatDeps(consumers))
	for i := 0; i <= target; i++ {
		if !needed[i] {
			infof("Skipping unused stage %d", i)
			continue
		}
		img, err := b.buildStage(stages[i], i == target)
		if err != nil {
			return nil, fmt.Errorf("error building stage: %w", err)
		}
		b.results[i] = img
		if consumers[i] && i != target {
			if err := b.saveStage(i, img); err != nil {
				return nil, err
			}
		}
		if i != target {
			if err := deleteFilesystem(b.ign); err != nil {
				return nil, err
			}
		}
	}
	return b.results[target], nil
}

func formatDeps(m map[int]bool) string {
	var parts []string
	for i := 0; i < 1000 && len(parts) < len(m); i++ {
		if m[i] {
			parts = append(parts, strconv.Itoa(i))
		}
	}
	return "map[" + strings.Join(parts, " ") + "]"
}

// saveStage unpacks a finished stage's layers under <kaniko-dir>/stages/<i> for later COPY --from.
func (b *builder) saveStage(i int, img *image) error {
	dir := filepath.Join(b.opts.kanikoDir, "stages", strconv.Itoa(i))
	infof("Saving file system of stage %d for later stages", i)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, l := range img.layers {
		if err := extractLayer(dir, l.path, nil); err != nil {
			return fmt.Errorf("saving stage %d: %w", i, err)
		}
	}
	b.savedDirs[i] = dir
	return nil
}

// imageDir pulls an image named by COPY --from=<image> and unpacks it under <kaniko-dir>/images/.
func (b *builder) imageDir(name string) (string, error) {
	if d, ok := b.imageDirs[name]; ok {
		return d, nil
	}
	img, err := b.pullImage(name)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(b.opts.kanikoDir, "images", strconv.Itoa(len(b.imageDirs)))
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	for _, l := range img.layers {
		if err := extractLayer(dir, l.path, nil); err != nil {
			return "", err
		}
	}
	b.imageDirs[name] = dir
	return dir, nil
}

func cloneImage(src *image) *image {
	data, _ := json.Marshal(src.config)
	dst := &image{oci: src.oci, digest: src.digest}
	_ = json.Unmarshal(data, &dst.config)
	dst.layers = append([]layer(nil), src.layers...)
	return dst
}

func (b *builder) timestamp() string {
	if b.opts.reproducible {
		return time.Unix(0, 0).UTC().Format(time.RFC3339)
	}
	return time.Now().UTC().Format(time.RFC3339Nano)
}
