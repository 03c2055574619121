package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// copySource is one resolved COPY/ADD source: a file or directory, or a heredoc.
type copySource struct {
	full, rel string // rel: relative to the source root (for .dockerignore)
	heredoc   *heredoc
}

type copyOptions struct {
	uid, gid  int // -1: keep the source owner
	chmod     os.FileMode
	hasChmod  bool
	useIgnore bool
}

func (st *stageState) copy(inst instruction) error {
	b := st.b
	lx := st.lexer()
	isAdd := inst.cmd == "add"
	var from, chown, chmod string
	for _, f := range inst.flags {
		var err error
		switch {
		case strings.HasPrefix(f, "--from="):
			from, err = lx.word(f[len("--from="):])
		case strings.HasPrefix(f, "--chown="):
			chown, err = lx.word(f[len("--chown="):])
		case strings.HasPrefix(f, "--chmod="):
			chmod, err = lx.word(f[len("--chmod="):])
		case f == "--link" || strings.HasPrefix(f, "--link="):
		default:
			return fmt.Errorf("unknown flag: %s", strings.SplitN(f, "=", 2)[0])
		}
		if err != nil {
			return err
		}
	}
	if from != "" && isAdd {
		return fmt.Errorf("ADD does not support the --from flag")
	}
	args, isJSON := parseJSONArray(inst.rest)
	if isJSON {
		for i, a := range args {
			w, err := lx.word(a)
			if err != nil {
				return err
			}
			args[i] = w
		}
	} else {
		var err error
		if args, err = lx.words(inst.rest); err != nil {
			return err
		}
	}
	if len(args) < 2 {
		return fmt.Errorf("%s requires at least two arguments", strings.ToUpper(inst.cmd))
	}
	srcs, dest := args[:len(args)-1], args[len(args)-1]
	opts := copyOptions{uid: 0, gid: 0}
	root := b.contextDir
	switch {
	case from != "":
		opts.uid, opts.gid = -1, -1
		if idx := b.stageIndex(from, st.s.index); idx >= 0 {
			dir, ok := b.savedDirs[idx]
			if !ok {
				return fmt.Errorf("COPY --from=%s: stage %d was not saved", from, idx)
			}
			root = dir
		} else {
			dir, err := b.imageDir(from)
			if err != nil {
				return err
			}
			root = dir
		}
	default:
		opts.useIgnore = true
	}
	if chown != "" {
		// kaniko's GetUserGroup: a name or id from the stage's passwd file, a group only when written (else gid = uid).
		uid, gid, err := idsFromString(chown)
		if err != nil {
			return fmt.Errorf("getting user group from chown: %w", err)
		}
		opts.uid, opts.gid = int(uid), int(gid)
	}
	if chmod != "" {
		n, err := strconv.ParseUint(chmod, 8, 32)
		if err != nil {
			return fmt.Errorf("invalid --chmod %q", chmod)
		}
		opts.chmod, opts.hasChmod = os.FileMode(n), true
	}
	sources, err := st.resolveSources(inst, srcs, root, opts.useIgnore, isAdd)
	if err != nil {
		return err
	}
	st.keyParts = append(st.keyParts, inst.original)
	hashes, err := hashSources(sources, b.ignoreFor(opts.useIgnore))
	if err != nil {
		return err
	}
	st.keyParts = append(st.keyParts, hashes...)
	cacheable := b.opts.cache && b.opts.cacheCopyLayers
	if cacheable {
		hit, err := st.fromCache(inst.original)
		if err != nil || hit {
			return err
		}
		infof("No cached layer found for cmd %s", firstLine(inst.original))
	}
	if !filepath.IsAbs(dest) {
		trailing := strings.HasSuffix(dest, "/")
		dest = filepath.Join(st.workdir(), dest)
		if trailing {
			dest += "/"
		}
	}
	destIsDir := strings.HasSuffix(dest, "/") || len(sources) > 1
	if fi, err := os.Stat(dest); err == nil && fi.IsDir() {
		destIsDir = true
	}
	for _, src := range sources {
		if err := st.copyOne(src, filepath.Clean(dest), destIsDir, opts, isAdd); err != nil {
			return err
		}
	}
	if b.opts.singleSnapshot {
		st.history(inst.original, true)
		return nil
	}
	return st.snapshot(inst.original, cacheable)
}

func (b *builder) ignoreFor(use bool) *dockerignore {
	if use {
		return b.ignore
	}
	return nil
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?[") }

func (st *stageState) resolveSources(inst instruction, srcs []string, root string, useIgnore, isAdd bool) ([]copySource, error) {
	var out []copySource
	ign := st.b.ignoreFor(useIgnore)
	for _, s := range srcs {
		if strings.HasPrefix(s, "<<") {
			name := strings.Trim(strings.TrimLeft(s[2:], "-"), `"'`)
			found := false
			for i := range inst.heredocs {
				if inst.heredocs[i].name == name {
					h := inst.heredocs[i]
					if h.expand {
						if w, err := st.lexer().word(h.content); err == nil {
							h.content = w
						}
					}
					out = append(out, copySource{heredoc: &h, rel: name})
					found = true
				}
			}
			if found {
				continue
			}
		}
		if isAdd && (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "git@")) {
			return nil, fmt.Errorf("ADD %s: remote sources are not supported by the stand-in", s)
		}
		clean := filepath.Clean("/" + s)
		if hasWildcard(s) {
			matches, err := filepath.Glob(filepath.Join(root, clean))
			if err != nil {
				return nil, err
			}
			sort.Strings(matches)
			for _, m := range matches {
				rel, _ := filepath.Rel(root, m)
				if ign.excluded(rel) {
					continue
				}
				out = append(out, copySource{full: m, rel: rel})
			}
			continue
		}
		full := filepath.Join(root, clean)
		if !useIgnore {
			full = resolveInRoot(root, clean)
		}
		rel := strings.TrimPrefix(clean, "/")
		if rel == "" {
			rel = "."
		}
		fi, err := os.Stat(full)
		if err != nil {
			return nil, fmt.Errorf("failed to get fileinfo for %s: %w", full, err)
		}
		if !fi.IsDir() && ign.excluded(rel) {
			return nil, fmt.Errorf("%s: file not found in build context or excluded by .dockerignore", s)
		}
		out = append(out, copySource{full: full, rel: rel})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no source files were specified")
	}
	return out, nil
}

// hashSources is the COPY part of the cache key: path, mode and content of every file, in order.
func hashSources(sources []copySource, ign *dockerignore) ([]string, error) {
	var out []string
	for _, src := range sources {
		if src.heredoc != nil {
			sum := sha256.Sum256([]byte(src.heredoc.content))
			out = append(out, hex.EncodeToString(sum[:]))
			continue
		}
		h := sha256.New()
		err := filepath.Walk(src.full, func(p string, fi os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src.full, p)
			if ign.excluded(filepath.Join(src.rel, rel)) && !fi.IsDir() {
				return nil
			}
			fmt.Fprintf(h, "%s\x00%o\x00", rel, fi.Mode())
			switch {
			case fi.Mode().IsRegular():
				f, err := os.Open(p)
				if err != nil {
					return err
				}
				_, err = io.Copy(h, f)
				f.Close()
				return err
			case fi.Mode()&os.ModeSymlink != 0:
				l, _ := os.Readlink(p)
				io.WriteString(h, l)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		out = append(out, hex.EncodeToString(h.Sum(nil)))
	}
	return out, nil
}

func (st *stageState) copyOne(src copySource, dest string, destIsDir bool, o copyOptions, isAdd bool) error {
	if src.heredoc != nil {
		target := dest
		if destIsDir {
			target = filepath.Join(dest, src.heredoc.name)
		}
		if err := mkdirParents(filepath.Dir(target), o); err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if o.hasChmod {
			mode = o.chmod
		}
		os.RemoveAll(target)
		if err := os.WriteFile(target, []byte(src.heredoc.content), mode); err != nil {
			return err
		}
		return chownChmod(target, o, 0, 0, mode)
	}
	fi, err := os.Stat(src.full)
	if err != nil {
		return err
	}
	ign := st.b.ignoreFor(o.useIgnore)
	if fi.IsDir() {
		if err := mkdirParents(dest, o); err != nil {
			return err
		}
		return filepath.Walk(src.full, func(p string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src.full, p)
			if rel == "." {
				return nil
			}
			if !info.IsDir() && ign.excluded(filepath.Join(src.rel, rel)) {
				return nil
			}
			return copyEntry(p, filepath.Join(dest, rel), info, o)
		})
	}
	target := dest
	if destIsDir {
		target = filepath.Join(dest, filepath.Base(src.full))
	}
	if isAdd && isArchive(src.full) {
		if err := mkdirParents(dest, o); err != nil {
			return err
		}
		infof("Unpacking local tar archive %s to %s", src.rel, dest)
		return extractLayer(dest, src.full, nil)
	}
	if err := mkdirParents(filepath.Dir(target), o); err != nil {
		return err
	}
	return copyEntry(src.full, target, fi, o)
}

// mkdirParents creates a destination directory chain; new directories get the --chown owner (root by default).
func mkdirParents(dir string, o copyOptions) error {
	var missing []string
	for d := dir; d != "/"; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		missing = append([]string{d}, missing...)
	}
	for _, d := range missing {
		if err := os.Mkdir(d, 0o755); err != nil && !os.IsExist(err) {
			return err
		}
		uid, gid := o.uid, o.gid
		if uid < 0 {
			uid, gid = 0, 0
		}
		if err := os.Lchown(d, uid, gid); err != nil {
			return err
		}
	}
	return nil
}

func chownChmod(path string, o copyOptions, srcUID, srcGID int, mode os.FileMode) error {
	uid, gid := o.uid, o.gid
	if uid < 0 {
		uid, gid = srcUID, srcGID
	}
	if err := os.Lchown(path, uid, gid); err != nil {
		return err
	}
	if o.hasChmod {
		mode = o.chmod
	}
	return os.Chmod(path, mode)
}

func copyEntry(src, dst string, fi os.FileInfo, o copyOptions) error {
	lfi, err := os.Lstat(src)
	if err != nil {
		return err
	}
	st := lfi.Sys().(*syscall.Stat_t)
	if existing, err := os.Lstat(dst); err == nil && !(lfi.IsDir() && existing.IsDir()) {
		if err := os.RemoveAll(dst); err != nil {
			return err
		}
	}
	switch {
	case lfi.Mode()&os.ModeSymlink != 0:
		target, _ := os.Readlink(src)
		if err := os.Symlink(target, dst); err != nil {
			return err
		}
		uid, gid := o.uid, o.gid
		if uid < 0 {
			uid, gid = int(st.Uid), int(st.Gid)
		}
		return os.Lchown(dst, uid, gid)
	case lfi.IsDir():
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return err
		}
		if err := chownChmod(dst, o, int(st.Uid), int(st.Gid), lfi.Mode().Perm()|lfi.Mode()&(os.ModeSetuid|os.ModeSetgid|os.ModeSticky)); err != nil {
			return err
		}
		return os.Chtimes(dst, lfi.ModTime(), lfi.ModTime())
	case lfi.Mode().IsRegular():
		in, err := os.Open(src)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		if err := out.Close(); err != nil {
			return err
		}
		if err := chownChmod(dst, o, int(st.Uid), int(st.Gid), lfi.Mode().Perm()|lfi.Mode()&(os.ModeSetuid|os.ModeSetgid|os.ModeSticky)); err != nil {
			return err
		}
		return os.Chtimes(dst, lfi.ModTime(), lfi.ModTime())
	}
	debugf("skipping %s: not a regular file, directory or symlink", src)
	return nil
}

// isArchive: a tar, optionally gzip-compressed (ADD unpacks those).
func isArchive(path string) bool {
	tr, closeFn, err := openLayer(path)
	if err != nil {
		return false
	}
	defer closeFn()
	_, err = tr.Next()
	if err != nil {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 2)
	io.ReadFull(bufio.NewReader(f), head)
	if head[0] == 0x1f && head[1] == 0x8b {
		return true
	}
	f.Seek(257, io.SeekStart)
	magic := make([]byte, 5)
	io.ReadFull(f, magic)
	return string(magic) == "ustar"
}
