package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// resolveInRoot resolves p (absolute, inside the image) against root, following symlinks as if root were
// "/" (a chroot), so an image symlink like /lib -> /usr/lib never leads outside root.
func resolveInRoot(root, p string) string {
	if root == "/" {
		return filepath.Clean(p)
	}
	parts := strings.Split(strings.TrimPrefix(filepath.Clean("/"+p), "/"), "/")
	cur := "/"
	hops := 0
	for i := 0; i < len(parts); i++ {
		part := parts[i]
		if part == "" || part == "." {
			continue
		}
		if part == ".." {
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, part)
		fi, err := os.Lstat(filepath.Join(root, next))
		if err == nil && fi.Mode()&os.ModeSymlink != 0 && hops < 255 {
			hops++
			target, _ := os.Readlink(filepath.Join(root, next))
			rest := append(strings.Split(target, "/"), parts[i+1:]...)
			if strings.HasPrefix(target, "/") {
				cur = "/"
			}
			parts = rest
			i = -1
			continue
		}
		cur = next
	}
	return filepath.Join(root, cur)
}

// openLayer returns a tar reader over a layer blob, gzip or plain.
func openLayer(path string) (*tar.Reader, func(), error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		return tar.NewReader(gz), func() { gz.Close(); f.Close() }, nil
	}
	return tar.NewReader(br), func() { f.Close() }, nil
}

// extractLayer unpacks a layer into root, honouring whiteouts and skipping ignored paths (when root is "/").
func extractLayer(root, path string, ign *ignoreList) error {
	tr, closeFn, err := openLayer(path)
	if err != nil {
		return err
	}
	defer closeFn()
	type dirTime struct {
		path string
		t    time.Time
	}
	var dirs []dirTime
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("reading layer: %w", err)
		}
		name := filepath.Clean("/" + hdr.Name)
		if name == "/" {
			continue
		}
		if ign != nil && ign.ignored(name) {
			tracef("Not adding %s because it is ignored", name)
			continue
		}
		base, dir := filepath.Base(name), filepath.Dir(name)
		parent := resolveInRoot(root, dir)
		if base == ".wh..wh..opq" {
			entries, _ := os.ReadDir(parent)
			for _, e := range entries {
				child := filepath.Join(dir, e.Name())
				if ign != nil && (ign.ignored(child) || ign.holdsIgnored(child)) {
					continue
				}
				os.RemoveAll(filepath.Join(parent, e.Name()))
			}
			continue
		}
		if strings.HasPrefix(base, ".wh.") {
			victim := filepath.Join(dir, base[4:])
			if ign == nil || (!ign.ignored(victim) && !ign.holdsIgnored(victim)) {
				os.RemoveAll(filepath.Join(parent, base[4:]))
			}
			continue
		}
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return err
		}
		target := filepath.Join(parent, base)
		existing, statErr := os.Lstat(target)
		if statErr == nil && !(hdr.Typeflag == tar.TypeDir && existing.IsDir()) {
			if existing.IsDir() && ign != nil && ign.holdsIgnored(name) {
				continue
			}
			if err := os.RemoveAll(target); err != nil {
				return err
			}
		}
		mode := os.FileMode(hdr.Mode).Perm() | modeBits(hdr.Mode)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			if err := os.Lchown(target, hdr.Uid, hdr.Gid); err != nil {
				return err
			}
			if err := os.Chmod(target, mode); err != nil {
				return err
			}
			dirs = append(dirs, dirTime{target, hdr.ModTime})
		case tar.TypeReg, tar.TypeRegA:
			f, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
			if err != nil {
				return err
			}
			if _, err := io.Copy(f, tr); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			if err := os.Lchown(target, hdr.Uid, hdr.Gid); err != nil {
				return err
			}
			if err := os.Chmod(target, mode); err != nil {
				return err
			}
			os.Chtimes(target, hdr.ModTime, hdr.ModTime)
		case tar.TypeSymlink:
			if err := os.Symlink(hdr.Linkname, target); err != nil {
				return err
			}
			os.Lchown(target, hdr.Uid, hdr.Gid)
			lutimes(target, hdr.ModTime)
		case tar.TypeLink:
			src := resolveInRoot(root, filepath.Clean("/"+hdr.Linkname))
			if err := os.Link(src, target); err != nil {
				return fmt.Errorf("hard link %s -> %s: %w", name, hdr.Linkname, err)
			}
		case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
			dev := int(mkdev(hdr.Devmajor, hdr.Devminor))
			kind := map[byte]uint32{tar.TypeChar: syscall.S_IFCHR, tar.TypeBlock: syscall.S_IFBLK, tar.TypeFifo: syscall.S_IFIFO}[hdr.Typeflag]
			if err := syscall.Mknod(target, kind|uint32(hdr.Mode&0o7777), dev); err != nil {
				warnf("could not create device %s: %v", name, err)
				continue
			}
			os.Lchown(target, hdr.Uid, hdr.Gid)
		default:
			debugf("skipping %s: unsupported tar entry type %c", name, hdr.Typeflag)
		}
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Chtimes(dirs[i].path, dirs[i].t, dirs[i].t)
	}
	return nil
}

func modeBits(m int64) os.FileMode {
	var out os.FileMode
	if m&04000 != 0 {
		out |= os.ModeSetuid
	}
	if m&02000 != 0 {
		out |= os.ModeSetgid
	}
	if m&01000 != 0 {
		out |= os.ModeSticky
	}
	return out
}

func mkdev(major, minor int64) uint64 {
	return uint64((minor & 0xff) | ((major & 0xfff) << 8) | ((minor &^ 0xff) << 12) | ((major &^ 0xfff) << 32))
}

func lutimes(path string, t time.Time) {
	ts := []syscall.Timespec{syscall.NsecToTimespec(t.UnixNano()), syscall.NsecToTimespec(t.UnixNano())}
	_ = utimensatNoFollow(path, ts)
}

// deleteFilesystem empties "/" except ignored paths (kaniko's DeleteFilesystem between stages).
func deleteFilesystem(ign *ignoreList) error {
	infof("Deleting filesystem...")
	return deleteUnder("/", ign)
}

func deleteUnder(dir string, ign *ignoreList) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if ign.ignored(p) {
			continue
		}
		if ign.holdsIgnored(p) {
			if e.IsDir() {
				if err := deleteUnder(p, ign); err != nil {
					return err
				}
			}
			continue
		}
		if err := os.RemoveAll(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("deleting %s: %w", p, err)
		}
	}
	return nil
}

// sortedKeys returns the keys of a map in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
