package main

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// doPush follows kaniko's DoPush order: digest file, OCI layout, name files, tarball, then (unless --no-push)
// each destination in sequence, with --push-retry.
func (b *builder) doPush(img *image) error {
	data, _, _, err := img.manifestAndConfig()
	if err != nil {
		return err
	}
	digest := sha256Digest(data)
	if b.opts.digestFile != "" {
		if err := os.WriteFile(b.opts.digestFile, []byte(digest), 0o644); err != nil {
			return fmt.Errorf("writing digest to file: %w", err)
		}
	}
	if b.opts.ociLayoutPath != "" {
		if err := b.writeOCILayout(img, b.opts.ociLayoutPath); err != nil {
			return fmt.Errorf("writing OCI layout: %w", err)
		}
	}
	var refs []reference
	for _, d := range b.opts.destinations {
		ref, err := parseReference(d)
		if err != nil {
			return fmt.Errorf("getting tag for destination: %w", err)
		}
		refs = append(refs, ref)
	}
	if b.opts.imageNameDigestFile != "" || b.opts.imageNameTagDigestFile != "" {
		var names, tags strings.Builder
		for i, ref := range refs {
			name := strings.TrimSuffix(b.opts.destinations[i], "@"+ref.digest)
			repo := name
			if ref.tag != "" && strings.HasSuffix(name, ":"+ref.tag) {
				repo = strings.TrimSuffix(name, ":"+ref.tag)
			}
			names.WriteString(repo + "@" + digest + "\n")
			tags.WriteString(repo + ":" + ref.tag + "@" + digest + "\n")
		}
		if b.opts.imageNameDigestFile != "" {
			if err := os.WriteFile(b.opts.imageNameDigestFile, []byte(names.String()), 0o644); err != nil {
				return fmt.Errorf("writing image name with digest to file: %w", err)
			}
		}
		if b.opts.imageNameTagDigestFile != "" {
			if err := os.WriteFile(b.opts.imageNameTagDigestFile, []byte(tags.String()), 0o644); err != nil {
				return fmt.Errorf("writing image name with image tag and digest to file: %w", err)
			}
		}
	}
	if b.opts.tarPath != "" {
		if err := b.writeTarball(img, b.opts.tarPath, repoTags(b.opts.destinations)); err != nil {
			return fmt.Errorf("writing tarball to file failed: %w", err)
		}
	}
	if b.opts.noPush {
		infof("Skipping push to container registry due to --no-push flag")
		return nil
	}
	var outputs []string
	for i, ref := range refs {
		infof("Pushing image to %s", b.opts.destinations[i])
		err := retry(b.opts.pushRetry, "pushing to "+b.opts.destinations[i], func() error {
			_, err := b.pushImage(img, ref)
			return err
		})
		if err != nil {
			return fmt.Errorf("failed to push to destination %s: %w", b.opts.destinations[i], err)
		}
		infof("Pushed %s@%s", ref.repoName(), digest)
		out, _ := json.Marshal(map[string]string{"name": b.opts.destinations[i], "digest": digest})
		outputs = append(outputs, string(out))
	}
	if dir := os.Getenv("BUILDER_OUTPUT"); dir != "" && len(outputs) > 0 {
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, "images"), []byte(strings.Join(outputs, "\n")+"\n"), 0o644)
	}
	return nil
}

// pushImage uploads missing blobs (HEAD first; a cross-repository mount when the blob lives in another
// repository of the same registry) and puts the manifest; it returns the manifest digest.
func (b *builder) pushImage(img *image, ref reference) (string, error) {
	data, cfg, mt, err := img.manifestAndConfig()
	if err != nil {
		return "", err
	}
	var mountFrom []string
	seen := map[string]bool{}
	for _, l := range img.layers {
		if l.from != nil && l.from.registry == ref.registry && l.from.repository != ref.repository && !seen[l.from.repository] {
			seen[l.from.repository] = true
			mountFrom = append(mountFrom, l.from.repository)
		}
	}
	s, err := b.registry.session(ref, true, mountFrom...)
	if err != nil {
		return "", err
	}
	for _, l := range img.layers {
		l := l
		exists, err := s.blobExists(l.digest)
		if err != nil {
			return "", fmt.Errorf("checking blob %s: %w", l.digest, err)
		}
		if exists {
			debugf("Layer %s already exists in %s", l.digest, ref.repoName())
			continue
		}
		from := ""
		if l.from != nil && l.from.registry == ref.registry {
			from = l.from.repository
		}
		err = s.uploadBlob(l.digest, from, func() (io.ReadCloser, int64, error) {
			f, err := os.Open(l.path)
			if err != nil {
				return nil, 0, err
			}
			return f, l.size, nil
		})
		if err != nil {
			return "", fmt.Errorf("uploading layer %s: %w", l.digest, err)
		}
	}
	cfgDigest := sha256Digest(cfg)
	if exists, err := s.blobExists(cfgDigest); err != nil {
		return "", err
	} else if !exists {
		err := s.uploadBlob(cfgDigest, "", func() (io.ReadCloser, int64, error) {
			return io.NopCloser(bytes.NewReader(cfg)), int64(len(cfg)), nil
		})
		if err != nil {
			return "", fmt.Errorf("uploading config: %w", err)
		}
	}
	if _, err := s.putManifest(ref.identifier(), mt, data); err != nil {
		return "", fmt.Errorf("putting manifest: %w", err)
	}
	return sha256Digest(data), nil
}

// dummyDestination is what kaniko v1.24 names the image of a --no-push --tar-path build without --destination.
const dummyDestination = "docker.io/unset-repo/unset-image-name"

// tarballDescriptor is one entry of manifest.json, with go-containerregistry's field order.
type tarballDescriptor struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// repoTags are the RepoTags go-containerregistry writes for kaniko: each destination as it was given (with
// ":latest" added when it has no tag), once each; the dummy destination when there is none.
func repoTags(destinations []string) []string {
	if len(destinations) == 0 {
		destinations = []string{dummyDestination}
	}
	var tags []string
	seen := map[string]bool{}
	for _, d := range destinations {
		if ref, err := parseReference(d); err == nil && ref.tag == "latest" && !strings.HasSuffix(d, ":latest") {
			d += ":latest"
		}
		if !seen[d] {
			seen[d] = true
			tags = append(tags, d)
		}
	}
	return tags
}

// writeTarball writes a docker-save tarball like go-containerregistry's tarball.MultiWriteToFile, which kaniko
// uses: the config blob named "sha256:<hex>", each compressed layer blob named "<hex>.tar.gz" after its digest
// (each once), then manifest.json; plain 0644 files, no directories.
func (b *builder) writeTarball(img *image, path string, tags []string) error {
	_, cfg, _, err := img.manifestAndConfig()
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	cfgName := sha256Digest(cfg)
	add := func(name string, size int64, r io.Reader) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := io.CopyN(tw, r, size)
		return err
	}
	if err := add(cfgName, int64(len(cfg)), bytes.NewReader(cfg)); err != nil {
		return err
	}
	var layers []string
	written := map[string]bool{}
	for _, l := range img.layers {
		name := strings.TrimPrefix(l.digest, "sha256:") + ".tar.gz"
		layers = append(layers, name)
		if written[name] {
			continue
		}
		written[name] = true
		lf, err := os.Open(l.path)
		if err != nil {
			return err
		}
		err = add(name, l.size, lf)
		lf.Close()
		if err != nil {
			return err
		}
	}
	if layers == nil {
		layers = []string{}
	}
	m, _ := json.Marshal([]tarballDescriptor{{Config: cfgName, RepoTags: tags, Layers: layers}})
	if err := add("manifest.json", int64(len(m)), bytes.NewReader(m)); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func (b *builder) writeOCILayout(img *image, dir string) error {
	data, cfg, mt, err := img.manifestAndConfig()
	if err != nil {
		return err
	}
	blobs := filepath.Join(dir, "blobs", "sha256")
	if err := os.MkdirAll(blobs, 0o755); err != nil {
		return err
	}
	write := func(digest string, content []byte) error {
		return os.WriteFile(filepath.Join(blobs, strings.TrimPrefix(digest, "sha256:")), content, 0o644)
	}
	if err := write(sha256Digest(data), data); err != nil {
		return err
	}
	if err := write(sha256Digest(cfg), cfg); err != nil {
		return err
	}
	for _, l := range img.layers {
		target := filepath.Join(blobs, strings.TrimPrefix(l.digest, "sha256:"))
		if _, err := os.Stat(target); err == nil {
			continue
		}
		if err := os.Link(l.path, target); err != nil {
			if err := copyFile(l.path, target); err != nil {
				return err
			}
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644); err != nil {
		return err
	}
	idx, _ := json.Marshal(index{SchemaVersion: 2, MediaType: mediaOCIIndex, Manifests: []descriptor{{MediaType: mt, Size: int64(len(data)), Digest: sha256Digest(data)}}})
	return os.WriteFile(filepath.Join(dir, "index.json"), idx, 0o644)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
