package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// The layer cache (kaniko's pkg/cache): one single-layer image per cacheable step, tagged
// <cache-repo>:<sha256 of the step's composite key>.

func (b *builder) cacheRef(key string) (reference, error) {
	if strings.HasPrefix(b.opts.cacheRepo, "oci:") {
		return reference{}, fmt.Errorf("an oci: cache repo is not supported by the stand-in")
	}
	ref, err := parseReference(b.opts.cacheRepo)
	if err != nil {
		return ref, fmt.Errorf("cache repo %q: %w", b.opts.cacheRepo, err)
	}
	ref.tag, ref.digest = key, ""
	return ref, nil
}

// cachedLayer returns the cached layer for key, or nil on a miss (absent, expired or unreadable).
func (b *builder) cachedLayer(key, createdBy string) (*layer, error) {
	ref, err := b.cacheRef(key)
	if err != nil {
		return nil, err
	}
	infof("Checking for cached layer %s...", ref)
	l, err := b.fetchCacheImage(ref)
	if err != nil {
		var re *registryError
		if !(errors.As(err, &re) && re.status == 404) && !errors.Is(err, errExpired) {
			warnf("Error while retrieving image from cache: %s %v", ref, err)
		}
		return nil, nil
	}
	return l, nil
}

var errExpired = errors.New("cache entry expired")

func (b *builder) fetchCacheImage(ref reference) (*layer, error) {
	s, err := b.registry.session(ref, false)
	if err != nil {
		return nil, err
	}
	data, mt, err := s.getManifest(ref.tag)
	if err != nil {
		return nil, err
	}
	if mt != mediaDockerManifest && mt != mediaOCIManifest {
		return nil, fmt.Errorf("unexpected cache manifest type %q", mt)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if len(m.Layers) != 1 {
		return nil, fmt.Errorf("cache image %s has %d layers, expected 1", ref, len(m.Layers))
	}
	rc, err := s.getBlob(m.Config.Digest)
	if err != nil {
		return nil, err
	}
	cfgData, err := io.ReadAll(io.LimitReader(rc, 16<<20))
	rc.Close()
	if err != nil {
		return nil, err
	}
	var cfg imageConfig
	if err := json.Unmarshal(cfgData, &cfg); err != nil {
		return nil, err
	}
	created, err := time.Parse(time.RFC3339Nano, cfg.Created)
	if err != nil || time.Since(created) > b.opts.cacheTTL {
		infof("Cache entry expired: %s", ref)
		return nil, errExpired
	}
	if len(cfg.RootFS.DiffIDs) != 1 {
		return nil, fmt.Errorf("cache image %s: %d diff_ids", ref, len(cfg.RootFS.DiffIDs))
	}
	d := m.Layers[0]
	path := b.blobPath(d.Digest)
	if err := b.fetchBlob(s, d.Digest, path); err != nil {
		return nil, err
	}
	from := ref
	return &layer{path: path, digest: d.Digest, diffID: cfg.RootFS.DiffIDs[0], size: d.Size, mediaType: d.MediaType, from: &from}, nil
}

// pushCacheLayer pushes a step's layer as <cache-repo>:<key>; its history carries the step's text, as kaniko's does.
func (b *builder) pushCacheLayer(key string, l *layer, createdBy string) error {
	ref, err := b.cacheRef(key)
	if err != nil {
		return err
	}
	infof("Pushing layer %s to cache now", ref)
	img := emptyImage()
	// The cache image is always stamped with the real time: --cache-ttl is measured against it.
	now := time.Now().UTC().Format(time.RFC3339Nano)
	img.config.Created = now
	img.config.History = []historyEntry{{Created: now, CreatedBy: createdBy, Author: "kaniko"}}
	img.config.RootFS.DiffIDs = []string{l.diffID}
	img.layers = []layer{*l}
	if _, err := b.pushImage(img, ref); err != nil {
		return fmt.Errorf("failed to push layer %s to cache: %w", ref, err)
	}
	return nil
}
