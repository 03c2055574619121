package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Capability numbers (linux/capability.h) twistcli --tarball needs, per the docs: root, or these two.
const (
	capSysChroot = 18
	capMknod     = 27
)

// tarballImage is the one image of a docker-save tarball, unpacked into root.
type tarballImage struct {
	id      string // sha256 of the config's bytes: the image ID
	name    string // the first RepoTags entry, or the tarball's file name
	history []historyEntry
	root    string
}

type historyEntry struct {
	Created     string `json:"created"`
	Instruction string `json:"instruction"`
}

// checkTarballPrivileges mirrors the documented requirement: Linux, and CAP_SYS_CHROOT and CAP_MKNOD in the
// effective set (which root has). The real tool chroots into the unpacked image and creates its device nodes.
func checkTarballPrivileges(statusPath string) error {
	if runtime.GOOS != "linux" {
		return toolFailure{fmt.Sprintf("--tarball is supported on Linux only (this is %s)", runtime.GOOS)}
	}
	effective, err := effectiveCapabilities(statusPath)
	if err != nil {
		return toolFailure{fmt.Sprintf("--tarball needs root or CAP_SYS_CHROOT and CAP_MKNOD, and the capabilities could not be read: %v", err)}
	}
	var missing []string
	if effective&(1<<capSysChroot) == 0 {
		missing = append(missing, "CAP_SYS_CHROOT")
	}
	if effective&(1<<capMknod) == 0 {
		missing = append(missing, "CAP_MKNOD")
	}
	if len(missing) > 0 {
		return toolFailure{fmt.Sprintf("scanning an image tarball requires root privileges, or the capabilities CAP_SYS_CHROOT and CAP_MKNOD; missing from the effective set: %s (uid %d)", strings.Join(missing, ", "), os.Geteuid())}
	}
	return nil
}

func effectiveCapabilities(statusPath string) (uint64, error) {
	file, err := os.Open(statusPath)
	if err != nil {
		return 0, err
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		if line := scanner.Text(); strings.HasPrefix(line, "CapEff:") {
			return strconv.ParseUint(strings.TrimSpace(strings.TrimPrefix(line, "CapEff:")), 16, 64)
		}
	}
	if err := scanner.Err(); err != nil {
		return 0, err
	}
	return 0, errors.New("no CapEff line in " + statusPath)
}

// openTarball unpacks the docker-save tarball at tarballPath (plain or gzipped) into a new temporary directory:
// the archive's files, then the image's layers in order, whiteouts applied. The caller removes work.
func openTarball(tarballPath string) (image *tarballImage, work string, err error) {
	info, err := os.Stat(tarballPath)
	if err != nil {
		return nil, "", toolFailure{fmt.Sprintf("failed to open the image tarball %s: %v", tarballPath, err)}
	}
	if info.IsDir() {
		if exists(filepath.Join(tarballPath, "oci-layout")) || exists(filepath.Join(tarballPath, "index.json")) {
			return nil, "", toolFailure{ociRefusal(tarballPath)}
		}
		return nil, "", toolFailure{fmt.Sprintf("%s is a directory, not an image tarball", tarballPath)}
	}
	work, err = os.MkdirTemp("", "twistcli-tarball-")
	if err != nil {
		return nil, "", toolFailure{fmt.Sprintf("failed to create a temporary directory: %v", err)}
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(work)
			work = ""
		}
	}()
	archive := filepath.Join(work, "archive")
	if err := extractArchive(tarballPath, archive); err != nil {
		return nil, work, err
	}
	manifestPath, err := secureJoin(archive, "manifest.json", true)
	if err != nil || !exists(manifestPath) {
		if exists(filepath.Join(archive, "oci-layout")) || exists(filepath.Join(archive, "index.json")) {
			return nil, work, toolFailure{ociRefusal(tarballPath)}
		}
		return nil, work, toolFailure{fmt.Sprintf("%s is not a docker save tarball: it has no manifest.json", tarballPath)}
	}
	var images []struct {
		Config   string
		RepoTags []string
		Layers   []string
	}
	data, err := os.ReadFile(manifestPath)
	if err == nil {
		err = json.Unmarshal(data, &images)
	}
	if err != nil {
		return nil, work, toolFailure{fmt.Sprintf("failed to read manifest.json of %s: %v", tarballPath, err)}
	}
	if len(images) != 1 {
		return nil, work, toolFailure{fmt.Sprintf("%s holds %d images; a tarball scan needs exactly one", tarballPath, len(images))}
	}
	entry := images[0]
	configPath, err := secureJoin(archive, entry.Config, true)
	if err != nil {
		return nil, work, toolFailure{err.Error()}
	}
	config, err := os.ReadFile(configPath)
	if err != nil {
		return nil, work, toolFailure{fmt.Sprintf("failed to read the image config %s of %s: %v", entry.Config, tarballPath, err)}
	}
	sum := sha256.Sum256(config)
	image = &tarballImage{id: "sha256:" + hex.EncodeToString(sum[:]), name: filepath.Base(tarballPath), root: filepath.Join(work, "rootfs")}
	if len(entry.RepoTags) > 0 && entry.RepoTags[0] != "" {
		image.name = entry.RepoTags[0]
	}
	var parsed struct {
		History []struct {
			Created   string `json:"created"`
			CreatedBy string `json:"created_by"`
		} `json:"history"`
	}
	if err := json.Unmarshal(config, &parsed); err != nil {
		return nil, work, toolFailure{fmt.Sprintf("the image config %s of %s is not JSON: %v", entry.Config, tarballPath, err)}
	}
	for _, h := range parsed.History {
		image.history = append(image.history, historyEntry{Created: h.Created, Instruction: h.CreatedBy})
	}
	if err := os.MkdirAll(image.root, 0o755); err != nil {
		return nil, work, toolFailure{err.Error()}
	}
	for i, layer := range entry.Layers {
		layerPath, err := secureJoin(archive, layer, true)
		if err == nil {
			err = applyLayer(image.root, layerPath)
		}
		if err != nil {
			return nil, work, toolFailure{fmt.Sprintf("failed to unpack layer %d (%s) of %s: %v", i+1, layer, tarballPath, err)}
		}
	}
	return image, work, nil
}

func ociRefusal(tarballPath string) string {
	return fmt.Sprintf("failed to scan %s: the OCI image format is not supported; twistcli scans Docker image tarballs (docker save format, Docker Image Specification v1.1) only", tarballPath)
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// decompressed opens a file and undoes gzip when the file starts with gzip's magic.
func decompressed(p string) (io.ReadCloser, error) {
	file, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	buffered := bufio.NewReaderSize(file, 256*1024)
	head, _ := buffered.Peek(2)
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(buffered)
		if err != nil {
			file.Close()
			return nil, err
		}
		return struct {
			io.Reader
			io.Closer
		}{gz, file}, nil
	}
	return struct {
		io.Reader
		io.Closer
	}{buffered, file}, nil
}

// extractArchive writes the tarball's own files (config, layers, manifest.json) under dir.
func extractArchive(tarballPath, dir string) error {
	reader, err := decompressed(tarballPath)
	if err != nil {
		return toolFailure{fmt.Sprintf("failed to open the image tarball %s: %v", tarballPath, err)}
	}
	defer reader.Close()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return toolFailure{err.Error()}
	}
	archive := tar.NewReader(reader)
	for {
		header, err := archive.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return toolFailure{fmt.Sprintf("failed to read the image tarball %s: %v", tarballPath, err)}
		}
		if err := writeEntry(dir, header, archive, nil); err != nil {
			return toolFailure{fmt.Sprintf("failed to read the image tarball %s: %v", tarballPath, err)}
		}
	}
}

// applyLayer unpacks one layer (plain or gzipped tar) over root, as an overlay filesystem would show it:
// `.wh.<name>` deletes <name> from the layers below, `.wh..wh..opq` hides everything below in its directory.
func applyLayer(root, layerPath string) error {
	reader, err := decompressed(layerPath)
	if err != nil {
		return err
	}
	defer reader.Close()
	written := map[string]bool{}
	var opaque []string
	layer := tar.NewReader(reader)
	for {
		header, err := layer.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(path.Clean("/"+header.Name), "/")
		if rel == "" {
			continue
		}
		dir, base := path.Split(rel)
		switch {
		case base == ".wh..wh..opq":
			opaque = append(opaque, strings.TrimSuffix(dir, "/"))
		case strings.HasPrefix(base, ".wh."):
			target, err := secureJoin(root, dir+strings.TrimPrefix(base, ".wh."), false)
			if err != nil {
				return err
			}
			if err := os.RemoveAll(target); err != nil {
				return err
			}
		default:
			if err := writeEntry(root, header, layer, written); err != nil {
				return err
			}
		}
	}
	// After the layer: the marker may come before or after the directory's new entries in the tar.
	for _, dir := range opaque {
		if err := hideLower(root, dir, written); err != nil {
			return err
		}
	}
	return nil
}

// hideLower removes what the layers below put in dir, keeping what this layer wrote there.
func hideLower(root, dir string, written map[string]bool) error {
	base, err := secureJoin(root, dir, true)
	if err != nil {
		return err
	}
	var paths []string
	_ = filepath.Walk(base, func(p string, _ os.FileInfo, err error) error {
		if err == nil && p != base {
			paths = append(paths, p)
		}
		return nil
	})
	for i := len(paths) - 1; i >= 0; i-- {
		rel, _ := filepath.Rel(root, paths[i])
		if written[filepath.ToSlash(rel)] {
			continue
		}
		// A directory that still holds this layer's entries stays.
		_ = os.Remove(paths[i])
	}
	return nil
}

// writeEntry creates one tar entry under root. Device nodes and FIFOs are skipped: scanners read files.
func writeEntry(root string, header *tar.Header, content io.Reader, written map[string]bool) error {
	rel := strings.TrimPrefix(path.Clean("/"+header.Name), "/")
	if rel == "" {
		return nil
	}
	target, err := secureJoin(root, rel, false)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	switch header.Typeflag {
	case tar.TypeDir:
		if fi, err := os.Lstat(target); err == nil && !fi.IsDir() {
			_ = os.Remove(target)
		}
		if err := os.MkdirAll(target, 0o755); err != nil {
			return err
		}
	case tar.TypeReg, tar.TypeRegA:
		if err := replace(target); err != nil {
			return err
		}
		file, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(header.Mode)&0o777|0o600)
		if err != nil {
			return err
		}
		_, copyErr := io.Copy(file, content)
		closeErr := file.Close()
		if copyErr != nil {
			return copyErr
		}
		if closeErr != nil {
			return closeErr
		}
	case tar.TypeSymlink:
		if err := replace(target); err != nil {
			return err
		}
		if err := os.Symlink(header.Linkname, target); err != nil {
			return err
		}
	case tar.TypeLink:
		source, err := secureJoin(root, strings.TrimPrefix(path.Clean("/"+header.Linkname), "/"), false)
		if err != nil {
			return err
		}
		if err := replace(target); err != nil {
			return err
		}
		if err := os.Link(source, target); err != nil {
			return fmt.Errorf("hard link %s -> %s: %w", rel, header.Linkname, err)
		}
	default:
		return nil
	}
	if written != nil {
		written[rel] = true
	}
	return nil
}

func replace(target string) error {
	if fi, err := os.Lstat(target); err == nil {
		if fi.IsDir() {
			return os.RemoveAll(target)
		}
		return os.Remove(target)
	}
	return nil
}

// secureJoin resolves rel inside root as if root were "/": symbolic links met on the way (absolute or relative)
// stay inside root, so an image's /etc/os-release -> /usr/lib/os-release reads the image's file, never the host's.
// The last component is followed only when followLast is set (reading, not creating).
func secureJoin(root, rel string, followLast bool) (string, error) {
	parts := strings.Split(strings.Trim(filepath.ToSlash(rel), "/"), "/")
	resolved := ""
	for hops := 0; len(parts) > 0; {
		part := parts[0]
		parts = parts[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			resolved = strings.TrimSuffix(path.Dir("/"+resolved), "/")
			resolved = strings.TrimPrefix(resolved, "/")
			continue
		}
		next := path.Join(resolved, part)
		if len(parts) == 0 && !followLast {
			resolved = next
			break
		}
		fi, err := os.Lstat(filepath.Join(root, next))
		if err != nil || fi.Mode()&os.ModeSymlink == 0 {
			resolved = next
			continue
		}
		if hops++; hops > 255 {
			return "", fmt.Errorf("too many symbolic links resolving %s", rel)
		}
		link, err := os.Readlink(filepath.Join(root, next))
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(link, "/") {
			resolved = ""
		}
		parts = append(strings.Split(strings.Trim(link, "/"), "/"), parts...)
	}
	return filepath.Join(root, filepath.FromSlash(resolved)), nil
}
