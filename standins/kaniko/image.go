package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

const (
	mediaDockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
	mediaDockerList     = "application/vnd.docker.distribution.manifest.list.v2+json"
	mediaDockerConfig   = "application/vnd.docker.container.image.v1+json"
	mediaDockerLayer    = "application/vnd.docker.image.rootfs.diff.tar.gzip"
	mediaOCIManifest    = "application/vnd.oci.image.manifest.v1+json"
	mediaOCIIndex       = "application/vnd.oci.image.index.v1+json"
	mediaOCIConfig      = "application/vnd.oci.image.config.v1+json"
	mediaOCILayer       = "application/vnd.oci.image.layer.v1.tar+gzip"
)

type healthcheck struct {
	Test        []string `json:"Test,omitempty"`
	Interval    int64    `json:"Interval,omitempty"`
	Timeout     int64    `json:"Timeout,omitempty"`
	StartPeriod int64    `json:"StartPeriod,omitempty"`
	Retries     int      `json:"Retries,omitempty"`
}

type containerConfig struct {
	User         string              `json:"User,omitempty"`
	ExposedPorts map[string]struct{} `json:"ExposedPorts,omitempty"`
	Env          []string            `json:"Env,omitempty"`
	Entrypoint   []string            `json:"Entrypoint,omitempty"`
	Cmd          []string            `json:"Cmd,omitempty"`
	Healthcheck  *healthcheck        `json:"Healthcheck,omitempty"`
	ArgsEscaped  bool                `json:"ArgsEscaped,omitempty"`
	Volumes      map[string]struct{} `json:"Volumes,omitempty"`
	WorkingDir   string              `json:"WorkingDir,omitempty"`
	OnBuild      []string            `json:"OnBuild,omitempty"`
	Labels       map[string]string   `json:"Labels,omitempty"`
	StopSignal   string              `json:"StopSignal,omitempty"`
	Shell        []string            `json:"Shell,omitempty"`
}

type historyEntry struct {
	Created    string `json:"created,omitempty"`
	CreatedBy  string `json:"created_by,omitempty"`
	Author     string `json:"author,omitempty"`
	Comment    string `json:"comment,omitempty"`
	EmptyLayer bool   `json:"empty_layer,omitempty"`
}

type imageConfig struct {
	Architecture string          `json:"architecture"`
	Created      string          `json:"created,omitempty"`
	Author       string          `json:"author,omitempty"`
	History      []historyEntry  `json:"history,omitempty"`
	OS           string          `json:"os"`
	RootFS       rootFS          `json:"rootfs"`
	Config       containerConfig `json:"config"`
}

type rootFS struct {
	Type    string   `json:"type"`
	DiffIDs []string `json:"diff_ids"`
}

type descriptor struct {
	MediaType string    `json:"mediaType"`
	Size      int64     `json:"size"`
	Digest    string    `json:"digest"`
	Platform  *platform `json:"platform,omitempty"`
}

type platform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
	Variant      string `json:"variant,omitempty"`
}

type manifest struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType,omitempty"`
	Config        descriptor   `json:"config"`
	Layers        []descriptor `json:"layers"`
}

type index struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType,omitempty"`
	Manifests     []descriptor `json:"manifests"`
}

// layer is a compressed layer blob kept as a file under <kaniko-dir>/blobs, never in memory.
type layer struct {
	path      string
	digest    string
	diffID    string
	size      int64
	mediaType string
	from      *reference // where the blob already lives (for a cross-repository mount)
}

// image is a base or built image: its config and its layers, in order.
type image struct {
	config    imageConfig
	layers    []layer
	oci       bool   // base manifest was OCI: the built manifest keeps that type, like ggcr's mutate
	digest    string // manifest digest of a pulled image (part of the first cache key)
	cacheKey  string // for an image built from an earlier stage: that stage's final cache key
	reference string
}

func emptyImage() *image {
	return &image{config: imageConfig{Architecture: "amd64", OS: "linux", RootFS: rootFS{Type: "layers", DiffIDs: []string{}}}}
}

func sha256Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func (b *builder) blobPath(digest string) string {
	return filepath.Join(b.opts.kanikoDir, "blobs", strings.TrimPrefix(digest, "sha256:"))
}

// pullImage fetches manifest, config and layer blobs of a remote image (linux/amd64 from an index).
func (b *builder) pullImage(name string) (*image, error) {
	ref, err := parseReference(name)
	if err != nil {
		return nil, err
	}
	if ref.registry == dockerHub && len(b.opts.registryMirrors) > 0 {
		for _, mirror := range b.opts.registryMirrors {
			m := ref
			m.registry = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(mirror, "https://"), "http://"), "/")
			img, err := b.pullFrom(name, m)
			if err == nil {
				return img, nil
			}
			warnf("Failed to retrieve image %s from registry mirror %s: %v. Will try with the next mirror, or fallback to the default registry.", name, mirror, err)
		}
	}
	return b.pullFrom(name, ref)
}

func (b *builder) pullFrom(name string, ref reference) (*image, error) {
	infof("Retrieving image manifest %s", name)
	infof("Retrieving image %s from registry %s", name, ref.registry)
	var img *image
	err := retry(b.opts.imageDownloadRetry, "retrieving image "+name, func() error {
		var err error
		img, err = b.pullOnce(ref)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("retrieving image %s: %w", name, err)
	}
	img.reference = name
	return img, nil
}

func (b *builder) pullOnce(ref reference) (*image, error) {
	s, err := b.registry.session(ref, false)
	if err != nil {
		return nil, err
	}
	data, mt, err := s.getManifest(ref.identifier())
	if err != nil {
		return nil, err
	}
	if mt == mediaDockerList || mt == mediaOCIIndex {
		var idx index
		if err := json.Unmarshal(data, &idx); err != nil {
			return nil, fmt.Errorf("parsing index: %w", err)
		}
		chosen := ""
		for _, d := range idx.Manifests {
			if d.Platform != nil && d.Platform.OS == "linux" && d.Platform.Architecture == "amd64" {
				chosen = d.Digest
				break
			}
		}
		if chosen == "" {
			return nil, fmt.Errorf("no child with platform linux/amd64 in index %s", ref)
		}
		data, mt, err = s.getManifest(chosen)
		if err != nil {
			return nil, err
		}
	}
	if mt != mediaDockerManifest && mt != mediaOCIManifest {
		return nil, fmt.Errorf("unsupported manifest media type %q for %s", mt, ref)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("parsing manifest: %w", err)
	}
	img := &image{oci: mt == mediaOCIManifest, digest: sha256Digest(data)}
	rc, err := s.getBlob(m.Config.Digest)
	if err != nil {
		return nil, fmt.Errorf("fetching config blob: %w", err)
	}
	cfgData, err := io.ReadAll(io.LimitReader(rc, 16<<20))
	rc.Close()
	if err != nil {
		return nil, err
	}
	if sha256Digest(cfgData) != m.Config.Digest {
		return nil, fmt.Errorf("config blob digest mismatch for %s", ref)
	}
	if err := json.Unmarshal(cfgData, &img.config); err != nil {
		return nil, fmt.Errorf("parsing config: %w", err)
	}
	if img.config.Architecture != "" && img.config.Architecture != "amd64" {
		return nil, fmt.Errorf("image %s is %s/%s; the stand-in builds linux/amd64 only", ref, img.config.OS, img.config.Architecture)
	}
	if len(img.config.RootFS.DiffIDs) != len(m.Layers) {
		return nil, fmt.Errorf("image %s: %d layers but %d diff_ids", ref, len(m.Layers), len(img.config.RootFS.DiffIDs))
	}
	from := ref
	for i, d := range m.Layers {
		if !strings.Contains(d.MediaType, "gzip") && !strings.HasSuffix(d.MediaType, ".tar") {
			return nil, fmt.Errorf("layer media type %q is not supported by the stand-in", d.MediaType)
		}
		path := b.blobPath(d.Digest)
		if err := b.fetchBlob(s, d.Digest, path); err != nil {
			return nil, err
		}
		img.layers = append(img.layers, layer{path: path, digest: d.Digest, diffID: img.config.RootFS.DiffIDs[i], size: d.Size,
			mediaType: d.MediaType, from: &from})
	}
	return img, nil
}

// fetchBlob streams a blob to disk, verifying its digest; an existing verified file is reused.
func (b *builder) fetchBlob(s *session, digest, path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	rc, err := s.getBlob(digest)
	if err != nil {
		return fmt.Errorf("fetching blob %s: %w", digest, err)
	}
	defer rc.Close()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".partial-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), rc); err != nil {
		tmp.Close()
		return fmt.Errorf("fetching blob %s: %w", digest, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != digest {
		return fmt.Errorf("blob %s: digest mismatch (got %s)", digest, got)
	}
	return os.Rename(tmp.Name(), path)
}

// manifestBytes serialises the manifest of img exactly once; the digest is sha256 of these bytes.
func (img *image) manifestAndConfig() ([]byte, []byte, string, error) {
	cfg, err := json.Marshal(img.config)
	if err != nil {
		return nil, nil, "", err
	}
	mt, cfgType := mediaDockerManifest, mediaDockerConfig
	if img.oci {
		mt, cfgType = mediaOCIManifest, mediaOCIConfig
	}
	m := manifest{SchemaVersion: 2, MediaType: mt, Config: descriptor{MediaType: cfgType, Size: int64(len(cfg)), Digest: sha256Digest(cfg)}}
	for _, l := range img.layers {
		m.Layers = append(m.Layers, descriptor{MediaType: l.mediaType, Size: l.size, Digest: l.digest})
	}
	if m.Layers == nil {
		m.Layers = []descriptor{}
	}
	data, err := json.Marshal(m)
	return data, cfg, mt, err
}
