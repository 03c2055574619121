package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// fileState is what a snapshot compares between two walks of the filesystem.
type fileState struct {
	mode       os.FileMode
	size       int64
	mtime      int64
	ctime      int64
	uid, gid   uint32
	link       string
	ino, nlink uint64
	hash       string
}

// snapshotter walks the container root and turns differences into layer tarballs (kaniko's snapshot package).
type snapshotter struct {
	b     *builder
	ign   *ignoreList
	state map[string]fileState
}

func (s *snapshotter) walk() (map[string]fileState, error) {
	out := map[string]fileState{}
	var visit func(dir string) error
	visit = func(dir string) error {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if s.ign.ignored(p) {
				continue
			}
			fi, err := os.Lstat(p)
			if err != nil {
				if os.IsNotExist(err) {
					continue
				}
				return err
			}
			st := fi.Sys().(*syscall.Stat_t)
			fs := fileState{mode: fi.Mode(), size: fi.Size(), mtime: fi.ModTime().UnixNano(),
				ctime: time.Unix(int64(st.Ctim.Sec), int64(st.Ctim.Nsec)).UnixNano(), uid: st.Uid, gid: st.Gid, ino: st.Ino, nlink: uint64(st.Nlink)}
			if fi.Mode()&os.ModeSymlink != 0 {
				fs.link, _ = os.Readlink(p)
			}
			if fi.IsDir() {
				fs.size = 0
			}
			out[p] = fs
			if fi.IsDir() {
				if err := visit(p); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, visit("/")
}

func hashFile(p string) string {
	f, err := os.Open(p)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil))
}

// baseline records the current filesystem as "unchanged" (after unpacking a base or applying a cached layer).
func (s *snapshotter) baseline() error {
	infof("Taking snapshot of full filesystem...")
	now, err := s.walk()
	if err != nil {
		return err
	}
	if s.b.opts.snapshotMode == "full" {
		for p, st := range now {
			if st.mode.IsRegular() {
				if old, ok := s.state[p]; ok && old.hash != "" && old.ctime == st.ctime && old.size == st.size {
					st.hash = old.hash
				} else {
					st.hash = hashFile(p)
				}
				now[p] = st
			}
		}
	}
	s.state = now
	return nil
}

func (s *snapshotter) changed(p string, old, cur *fileState) bool {
	if old.mode.Type() != cur.mode.Type() {
		return true
	}
	switch s.b.opts.snapshotMode {
	case "time":
		return old.mtime != cur.mtime
	case "redo":
		return old.mode != cur.mode || old.size != cur.size || old.mtime != cur.mtime || old.uid != cur.uid || old.gid != cur.gid || old.link != cur.link
	}
	if old.mode != cur.mode || old.uid != cur.uid || old.gid != cur.gid || old.link != cur.link || old.size != cur.size {
		return true
	}
	if cur.mode.IsRegular() && (old.mtime != cur.mtime || old.ctime != cur.ctime) {
		cur.hash = hashFile(p)
		return cur.hash != old.hash
	}
	if cur.mode.IsRegular() {
		cur.hash = old.hash
	}
	return false
}

// take diffs the filesystem against the last state and writes a layer of the differences; nil when nothing changed.
func (s *snapshotter) take() (*layer, error) {
	infof("Taking snapshot of files...")
	now, err := s.walk()
	if err != nil {
		return nil, err
	}
	var added []string
	for p, cur := range now {
		cur := cur
		old, ok := s.state[p]
		if !ok {
			if s.b.opts.snapshotMode == "full" && cur.mode.IsRegular() {
				cur.hash = hashFile(p)
				now[p] = cur
			}
			added = append(added, p)
			continue
		}
		if s.changed(p, &old, &cur) {
			added = append(added, p)
		}
		now[p] = cur
	}
	var deleted []string
	for p := range s.state {
		if _, ok := now[p]; !ok {
			if _, parentGone := s.state[filepath.Dir(p)]; parentGone {
				if _, stillThere := now[filepath.Dir(p)]; !stillThere && filepath.Dir(p) != "/" {
					continue // the whiteout of the parent covers it
				}
			}
			deleted = append(deleted, p)
		}
	}
	s.state = now
	if len(added) == 0 && len(deleted) == 0 {
		return nil, nil
	}
	// Parent directories go into the layer too, so the tar extracts with the right owners and modes.
	set := map[string]bool{}
	for _, p := range added {
		set[p] = true
		for d := filepath.Dir(p); d != "/"; d = filepath.Dir(d) {
			set[d] = true
		}
	}
	for _, p := range deleted {
		for d := filepath.Dir(p); d != "/"; d = filepath.Dir(d) {
			if _, ok := now[d]; ok {
				set[d] = true
			}
		}
	}
	files := sortedKeys(set)
	sort.Strings(deleted)
	return s.b.writeLayer(func(tw *tar.Writer) error {
		for _, p := range deleted {
			wh := filepath.Join(filepath.Dir(p), ".wh."+filepath.Base(p))
			hdr := &tar.Header{Name: strings.TrimPrefix(wh, "/"), Typeflag: tar.TypeReg, Mode: 0, ModTime: s.b.layerTime(time.Now())}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
		}
		return writeFiles(tw, "/", files, s.b)
	})
}

// writeFiles adds files (absolute paths under root) to a layer, hard links as links after their first copy.
func writeFiles(tw *tar.Writer, root string, files []string, b *builder) error {
	inodes := map[uint64]string{}
	for _, p := range files {
		full := filepath.Join(root, p)
		fi, err := os.Lstat(full)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return err
		}
		link := ""
		if fi.Mode()&os.ModeSymlink != 0 {
			link, _ = os.Readlink(full)
		}
		hdr, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		hdr.Name = strings.TrimPrefix(p, "/")
		if fi.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uid, hdr.Gid = int(st.Uid), int(st.Gid)
		hdr.Uname, hdr.Gname = "", ""
		hdr.ModTime = b.layerTime(fi.ModTime())
		hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
		hdr.Format = tar.FormatPAX
		if fi.Mode().IsRegular() && st.Nlink > 1 {
			if first, ok := inodes[st.Ino]; ok {
				hdr.Typeflag = tar.TypeLink
				hdr.Linkname = first
				hdr.Size = 0
			} else {
				inodes[st.Ino] = hdr.Name
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if hdr.Typeflag == tar.TypeReg {
			f, err := os.Open(full)
			if err != nil {
				return err
			}
			_, err = io.CopyN(tw, f, hdr.Size)
			f.Close()
			if err != nil {
				return fmt.Errorf("adding %s to layer: %w", p, err)
			}
		}
	}
	return nil
}

func (b *builder) layerTime(t time.Time) time.Time {
	if b.opts.reproducible {
		return time.Unix(0, 0)
	}
	return t
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeLayer streams a tar.gz to a blob file, hashing compressed (digest) and uncompressed (diffID) bytes.
func (b *builder) writeLayer(fill func(*tar.Writer) error) (*layer, error) {
	dir := filepath.Join(b.opts.kanikoDir, "blobs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".layer-")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	compressed := sha256.New()
	cw := &countWriter{w: io.MultiWriter(f, compressed)}
	gz, _ := gzip.NewWriterLevel(cw, gzip.BestSpeed)
	uncompressed := sha256.New()
	tw := tar.NewWriter(io.MultiWriter(gz, uncompressed))
	if err := fill(tw); err != nil {
		f.Close()
		return nil, err
	}
	if err := tw.Close(); err != nil {
		f.Close()
		return nil, err
	}
	if err := gz.Close(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	l := &layer{digest: hexDigest(compressed), diffID: hexDigest(uncompressed), size: cw.n, mediaType: mediaDockerLayer}
	l.path = b.blobPath(l.digest)
	if err := os.Rename(f.Name(), l.path); err != nil {
		return nil, err
	}
	return l, nil
}

func hexDigest(h hash.Hash) string { return "sha256:" + hex.EncodeToString(h.Sum(nil)) }
