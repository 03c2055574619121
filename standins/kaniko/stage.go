package main

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"
)

// stageState is the mutable state of one stage while its instructions run.
type stageState struct {
	b        *builder
	s        *stage
	img      *image
	args     map[string]*string // ARGs declared in this stage (nil value: declared without one)
	snap     *snapshotter
	keyParts []string
	lookups  bool // kaniko stops looking the cache up after the first miss in a stage
	cmdSet   bool
}

func (b *builder) buildStage(s *stage, final bool) (*image, error) {
	baseName, err := b.expandBase(s)
	if err != nil {
		return nil, err
	}
	baseIdx := b.stageIndex(baseName, s.index)
	infof("Building stage '%s' [idx: '%d', base-idx: '%d']", baseName, s.index, baseIdx)
	var base *image
	key := ""
	switch {
	case baseIdx >= 0:
		base, key = b.results[baseIdx], b.finalKeys[baseIdx]
		if base == nil {
			return nil, fmt.Errorf("stage %d depends on stage %d, which was not built", s.index, baseIdx)
		}
	case strings.EqualFold(baseName, "scratch"):
		infof("No base image, nothing to extract")
		base, key = emptyImage(), sha256Digest(nil)
	default:
		if cached, ok := b.images[baseName]; ok {
			base = cached
		} else if base, err = b.pullImage(baseName); err != nil {
			return nil, err
		}
		b.images[baseName] = base
		key = base.digest
	}
	st := &stageState{b: b, s: s, img: cloneImage(base), args: map[string]*string{}, keyParts: []string{key},
		lookups: b.opts.cache, snap: &snapshotter{b: b, ign: b.ign}}
	st.img.config.Config.OnBuild = nil
	err = retry(b.opts.imageFSExtractRetry, "extracting the image filesystem", func() error {
		if err := deleteUnder("/", b.ign); err != nil {
			return err
		}
		for _, l := range base.layers {
			if err := extractLayer("/", l.path, b.ign); err != nil {
				return fmt.Errorf("extracting layer %s: %w", l.digest, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(base.layers) > 0 {
		infof("Unpacked rootfs of %s (%d layers)", baseName, len(base.layers))
	}
	if err := st.snap.baseline(); err != nil {
		return nil, err
	}
	instructions := s.instructions
	triggers := base.config.Config.OnBuild
	infof("Executing %d build triggers", len(triggers))
	if len(triggers) > 0 {
		parsed, err := parseDockerfile("FROM scratch\n" + strings.Join(triggers, "\n"))
		if err != nil {
			return nil, fmt.Errorf("parsing ONBUILD triggers: %w", err)
		}
		instructions = append(parsed.stages[0].instructions, instructions...)
	}
	for _, inst := range instructions {
		if err := st.execute(inst); err != nil {
			return nil, err
		}
	}
	if b.opts.singleSnapshot {
		if err := st.snapshot("", false); err != nil {
			return nil, err
		}
	}
	if final {
		for _, l := range b.opts.labels {
			k, v, _ := strings.Cut(l, "=")
			if st.img.config.Config.Labels == nil {
				st.img.config.Config.Labels = map[string]string{}
			}
			st.img.config.Config.Labels[k] = v
		}
	}
	st.img.config.Created = b.timestamp()
	st.img.cacheKey = st.key()
	b.finalKeys[s.index] = st.img.cacheKey
	return st.img, nil
}

// lookup resolves a variable for expansion: the image ENV wins over ARGs, like Docker.
func (st *stageState) lookup(name string) (string, bool) {
	for i := len(st.img.config.Config.Env) - 1; i >= 0; i-- {
		if k, v, _ := strings.Cut(st.img.config.Config.Env[i], "="); k == name {
			return v, true
		}
	}
	if v, ok := st.args[name]; ok && v != nil {
		return *v, true
	}
	return "", false
}

func (st *stageState) lexer() *lexer {
	return &lexer{escape: st.b.dockerfile.escape, lookup: st.lookup}
}

// replacementEnvs is kaniko's ReplacementEnvs: image ENV plus declared ARGs with values, sorted (RUN cache keys).
func (st *stageState) replacementEnvs() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range st.img.config.Config.Env {
		k, _, _ := strings.Cut(e, "=")
		seen[k] = true
		out = append(out, e)
	}
	for _, k := range sortedKeys(st.args) {
		if v := st.args[k]; v != nil && !seen[k] {
			out = append(out, k+"="+*v)
		}
	}
	sort.Strings(out)
	return out
}

func (st *stageState) key() string {
	sum := sha256.Sum256([]byte(strings.Join(st.keyParts, "-")))
	return hex.EncodeToString(sum[:])
}

func (st *stageState) setEnv(name, value string) {
	env := st.img.config.Config.Env
	for i, e := range env {
		if k, _, _ := strings.Cut(e, "="); k == name {
			env[i] = name + "=" + value
			return
		}
	}
	st.img.config.Config.Env = append(env, name+"="+value)
}

func (st *stageState) history(createdBy string, empty bool) {
	st.img.config.History = append(st.img.config.History, historyEntry{Created: st.b.timestamp(), CreatedBy: createdBy, Author: "kaniko", EmptyLayer: empty})
}

// snapshot captures the changes of a step as a layer (or an empty-layer history entry when nothing changed).
func (st *stageState) snapshot(createdBy string, cacheable bool) error {
	l, err := st.snap.take()
	if err != nil {
		return fmt.Errorf("taking snapshot: %w", err)
	}
	if l == nil && !cacheable {
		infof("No files were changed, appending empty layer to config. No layer added to image.")
		st.history(createdBy, true)
		return nil
	}
	if l == nil {
		// A cacheable step with no changes still gets an (empty) layer, so its cache entry exists and the next
		// build keeps looking the following steps up (a "RUN sleep 5" is served from the cache like any other).
		if l, err = st.b.writeLayer(func(*tar.Writer) error { return nil }); err != nil {
			return err
		}
	}
	st.addLayer(l, createdBy)
	if cacheable && st.b.opts.cache && !st.b.opts.noPushCache {
		if err := st.b.pushCacheLayer(st.key(), l, createdBy); err != nil {
			return err
		}
	}
	return nil
}

func (st *stageState) addLayer(l *layer, createdBy string) {
	if st.img.oci {
		l.mediaType = mediaOCILayer
	} else {
		l.mediaType = mediaDockerLayer
	}
	st.img.layers = append(st.img.layers, *l)
	st.img.config.RootFS.DiffIDs = append(st.img.config.RootFS.DiffIDs, l.diffID)
	st.history(createdBy, false)
}

// fromCache looks the current key up; on a hit the cached layer is applied instead of running the step.
func (st *stageState) fromCache(createdBy string) (bool, error) {
	if !st.lookups {
		return false, nil
	}
	l, err := st.b.cachedLayer(st.key(), createdBy)
	if err != nil {
		return false, err
	}
	if l == nil {
		st.lookups = false
		return false, nil
	}
	infof("Using caching version of cmd: %s", firstLine(createdBy))
	if err := extractLayer("/", l.path, st.b.ign); err != nil {
		return false, fmt.Errorf("applying cached layer: %w", err)
	}
	if err := st.snap.baseline(); err != nil {
		return false, err
	}
	st.addLayer(l, createdBy)
	return true, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func (st *stageState) workdir() string {
	if st.img.config.Config.WorkingDir == "" {
		return "/"
	}
	return st.img.config.Config.WorkingDir
}

func ensureDir(path string, uid, gid int) (bool, error) {
	if fi, err := os.Stat(path); err == nil {
		if !fi.IsDir() {
			return false, fmt.Errorf("%s is not a directory", path)
		}
		return false, nil
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return false, err
	}
	return true, os.Chown(path, uid, gid)
}
