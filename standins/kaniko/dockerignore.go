package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

type ignorePattern struct {
	re      *regexp.Regexp
	exclude bool // a "!pattern" line re-includes
}

// dockerignore applies .dockerignore (or <Dockerfile>.dockerignore) to context paths, like Docker.
type dockerignore struct {
	patterns []ignorePattern
}

func loadDockerignore(dockerfilePath, contextDir string) (*dockerignore, error) {
	path := dockerfilePath + ".dockerignore"
	if _, err := os.Stat(path); err != nil {
		path = filepath.Join(contextDir, ".dockerignore")
	}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return &dockerignore{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	infof("Using dockerignore file: %v", path)
	d := &dockerignore{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := ignorePattern{}
		if strings.HasPrefix(line, "!") {
			p.exclude = true
			line = strings.TrimSpace(line[1:])
		}
		line = filepath.Clean(line)
		line = strings.TrimPrefix(line, "/")
		if line == "." || line == "" {
			continue
		}
		p.re = regexp.MustCompile("^" + globToRegexp(line) + "$")
		d.patterns = append(d.patterns, p)
	}
	return d, sc.Err()
}

func globToRegexp(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '*':
			if i+1 < len(p) && p[i+1] == '*' {
				i++
				if i+1 < len(p) && p[i+1] == '/' {
					i++
					b.WriteString("(.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '\\':
			if i+1 < len(p) {
				i++
				b.WriteString(regexp.QuoteMeta(string(p[i])))
			}
		case '[':
			end := strings.IndexByte(p[i:], ']')
			if end > 0 {
				class := p[i+1 : i+end]
				if strings.HasPrefix(class, "!") {
					class = "^" + class[1:]
				}
				b.WriteString("[" + class + "]")
				i += end
			} else {
				b.WriteString(`\[`)
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

// excluded reports whether rel (slash-separated, relative to the context) is ignored: the last pattern
// matching the path or one of its parents decides.
func (d *dockerignore) excluded(rel string) bool {
	if d == nil || len(d.patterns) == 0 {
		return false
	}
	rel = filepath.ToSlash(filepath.Clean(rel))
	if rel == "." {
		return false
	}
	candidates := []string{rel}
	for p := filepath.Dir(rel); p != "." && p != "/"; p = filepath.Dir(p) {
		candidates = append(candidates, p)
	}
	matched := false
	for _, pat := range d.patterns {
		for _, c := range candidates {
			if pat.re.MatchString(c) {
				matched = !pat.exclude
				break
			}
		}
	}
	return matched
}
