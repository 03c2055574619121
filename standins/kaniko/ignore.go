package main

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ignoreList holds the paths kaniko never unpacks into, snapshots or deletes: its own directory, the
// container's pseudo filesystems and files Docker manages, every mount point, and --ignore-path.
type ignoreList struct {
	paths []string
}

func newIgnoreList(o *options, extra ...string) *ignoreList {
	l := &ignoreList{}
	l.add(o.kanikoDir, "/kaniko", "/busybox", "/proc", "/sys", "/dev", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/mtab")
	if o.ignoreVarRun {
		l.add("/var/run", "/run/.containerenv")
	}
	l.add("/.dockerenv")
	l.add(mountPoints()...)
	l.add(o.ignorePaths...)
	l.add(extra...)
	return l
}

func (l *ignoreList) add(paths ...string) {
	for _, p := range paths {
		if p == "" {
			continue
		}
		p = filepath.Clean("/" + p)
		if p == "/" {
			continue
		}
		l.paths = append(l.paths, p)
	}
	sort.Strings(l.paths)
}

// ignored: the path is an ignored path or lies under one.
func (l *ignoreList) ignored(p string) bool {
	for _, i := range l.paths {
		if p == i || strings.HasPrefix(p, i+"/") {
			return true
		}
	}
	return false
}

// holdsIgnored: an ignored path lies strictly under p (p must be walked, not removed whole).
func (l *ignoreList) holdsIgnored(p string) bool {
	prefix := strings.TrimSuffix(p, "/") + "/"
	for _, i := range l.paths {
		if strings.HasPrefix(i, prefix) {
			return true
		}
	}
	return false
}

// mountPoints reads /proc/self/mountinfo (field 5 is the mount point), like kaniko's DetectFilesystemIgnoreList.
func mountPoints() []string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 || fields[4] == "/" {
			continue
		}
		out = append(out, unescapeMountPath(fields[4]))
	}
	return out
}

func unescapeMountPath(s string) string {
	r := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
	return r.Replace(s)
}
