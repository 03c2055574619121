package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// instruction is one Dockerfile instruction after line continuations are joined.
type instruction struct {
	cmd      string // lower-case keyword
	original string // the text as written (continuations joined): history created_by and the cache key
	flags    []string
	rest     string // after the keyword and its leading --flags
	heredocs []heredoc
	line     int
}

type heredoc struct {
	name    string
	content string
	expand  bool // unquoted delimiter: variables are expanded (COPY)
}

type stage struct {
	index        int
	name         string
	base         string // FROM argument before expansion
	platform     string
	instructions []instruction
}

type dockerfile struct {
	escape   rune
	metaArgs []instruction // ARGs before the first FROM
	stages   []*stage
}

var (
	directivePattern = regexp.MustCompile(`^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`)
	heredocPattern   = regexp.MustCompile(`<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)(["']?)`)
	knownKeywords    = map[string]bool{"from": true, "run": true, "cmd": true, "label": true, "maintainer": true, "expose": true,
		"env": true, "add": true, "copy": true, "entrypoint": true, "volume": true, "user": true, "workdir": true, "arg": true,
		"onbuild": true, "stopsignal": true, "healthcheck": true, "shell": true}
)

func parseDockerfile(text string) (*dockerfile, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	df := &dockerfile{escape: '\\'}
	i := 0
	// Parser directives: only at the very top, before any other comment, blank line or instruction.
	for ; i < len(lines); i++ {
		m := directivePattern.FindStringSubmatch(strings.TrimSpace(lines[i]))
		if m == nil {
			break
		}
		if strings.ToLower(m[1]) == "escape" {
			switch m[2] {
			case "\\":
				df.escape = '\\'
			case "`":
				df.escape = '`'
			default:
				return nil, fmt.Errorf("invalid escape token '%s' does not match ` or \\", m[2])
			}
		}
	}
	var current *stage
	for i < len(lines) {
		start := i
		trimmed := strings.TrimSpace(lines[i])
		i++
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		logical := strings.TrimLeft(lines[start], " \t")
		for {
			t := strings.TrimRight(logical, " \t")
			if !strings.HasSuffix(t, string(df.escape)) {
				logical = t
				break
			}
			logical = strings.TrimSuffix(t, string(df.escape))
			joined := false
			for i < len(lines) {
				next := lines[i]
				i++
				nt := strings.TrimSpace(next)
				if nt == "" || strings.HasPrefix(nt, "#") {
					continue // comments and empty lines inside a continuation are dropped
				}
				logical += next
				joined = true
				break
			}
			if !joined {
				break
			}
		}
		keyword, rest, _ := strings.Cut(strings.TrimSpace(logical), " ")
		if tab := strings.IndexByte(keyword, '\t'); tab >= 0 {
			rest = keyword[tab+1:] + " " + rest
			keyword = keyword[:tab]
		}
		cmd := strings.ToLower(keyword)
		if !knownKeywords[cmd] {
			return nil, fmt.Errorf("dockerfile parse error on line %d: unknown instruction: %s", start+1, strings.ToUpper(keyword))
		}
		inst := instruction{cmd: cmd, original: strings.TrimSpace(logical), line: start + 1}
		inst.flags, inst.rest = splitFlags(strings.TrimSpace(rest))
		if (cmd == "run" || cmd == "copy" || cmd == "add") && !isJSONArray(inst.rest) {
			for _, m := range heredocPattern.FindAllStringSubmatch(inst.rest, -1) {
				chomp, quoted, name := m[1] == "-", m[2] != "", m[3]
				var body []string
				found := false
				for i < len(lines) {
					l := lines[i]
					i++
					if chomp {
						l = strings.TrimLeft(l, "\t")
					}
					if l == name {
						found = true
						break
					}
					body = append(body, l)
				}
				if !found {
					return nil, fmt.Errorf("dockerfile parse error on line %d: unterminated heredoc %s", start+1, name)
				}
				content := strings.Join(body, "\n") + "\n"
				inst.heredocs = append(inst.heredocs, heredoc{name: name, content: content, expand: !quoted})
				inst.original += "\n" + content + name
			}
		}
		switch {
		case cmd == "from":
			current = &stage{index: len(df.stages)}
			for _, f := range inst.flags {
				if v, ok := flagValue(f, "platform"); ok {
					current.platform = v
				}
			}
			words := strings.Fields(inst.rest)
			switch {
			case len(words) == 1:
			case len(words) == 3 && strings.EqualFold(words[1], "as"):
				current.name = strings.ToLower(words[2])
			default:
				return nil, fmt.Errorf("dockerfile parse error on line %d: FROM requires either one or three arguments", start+1)
			}
			if len(words) == 0 {
				return nil, fmt.Errorf("dockerfile parse error on line %d: FROM requires either one or three arguments", start+1)
			}
			current.base = words[0]
			df.stages = append(df.stages, current)
		case current == nil:
			if cmd != "arg" {
				return nil, fmt.Errorf("dockerfile parse error on line %d: no build stage in current context", start+1)
			}
			df.metaArgs = append(df.metaArgs, inst)
		default:
			current.instructions = append(current.instructions, inst)
		}
	}
	if len(df.stages) == 0 {
		return nil, fmt.Errorf("file with no instructions")
	}
	return df, nil
}

// splitFlags takes the leading --name[=value] words off an instruction's arguments.
func splitFlags(rest string) ([]string, string) {
	var flags []string
	for strings.HasPrefix(rest, "--") {
		end := strings.IndexAny(rest, " \t")
		if end < 0 {
			return append(flags, rest), ""
		}
		flags = append(flags, rest[:end])
		rest = strings.TrimSpace(rest[end:])
	}
	return flags, rest
}

func flagValue(flag, name string) (string, bool) {
	if flag == "--"+name {
		return "", true
	}
	if strings.HasPrefix(flag, "--"+name+"=") {
		return flag[len(name)+3:], true
	}
	return "", false
}

func isJSONArray(s string) bool {
	_, ok := parseJSONArray(s)
	return ok
}

func parseJSONArray(s string) ([]string, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") {
		return nil, false
	}
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, false
	}
	return out, true
}

// lexer does the Dockerfile word processing: quotes, escapes, and $VAR, ${VAR}, ${VAR:-x}, ${VAR:+x}, ${VAR-x}, ${VAR+x}.
type lexer struct {
	escape rune
	lookup func(string) (string, bool)
}

// words splits on unquoted whitespace, removing quotes and expanding variables.
func (l *lexer) words(s string) ([]string, error) {
	return l.process(s, true)
}

// word processes s as one word (no splitting).
func (l *lexer) word(s string) (string, error) {
	w, err := l.process(s, false)
	if err != nil || len(w) == 0 {
		return "", err
	}
	return w[0], nil
}

func (l *lexer) process(s string, split bool) ([]string, error) {
	rs := []rune(s)
	var out []string
	var cur strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			out = append(out, cur.String())
		}
		cur.Reset()
		inWord = false
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case split && (r == ' ' || r == '\t' || r == '\n'):
			flush()
		case r == l.escape:
			inWord = true
			if i+1 < len(rs) {
				i++
				cur.WriteRune(rs[i])
			} else {
				cur.WriteRune(r)
			}
		case r == '\'':
			inWord = true
			end := i + 1
			for end < len(rs) && rs[end] != '\'' {
				end++
			}
			if end >= len(rs) {
				return nil, fmt.Errorf("unexpected end of statement while looking for matching single-quote")
			}
			cur.WriteString(string(rs[i+1 : end]))
			i = end
		case r == '"':
			inWord = true
			i++
			closed := false
			for ; i < len(rs); i++ {
				c := rs[i]
				if c == '"' {
					closed = true
					break
				}
				if c == l.escape && i+1 < len(rs) && (rs[i+1] == '"' || rs[i+1] == '$' || rs[i+1] == l.escape) {
					i++
					cur.WriteRune(rs[i])
					continue
				}
				if c == '$' {
					v, n, err := l.variable(rs, i)
					if err != nil {
						return nil, err
					}
					cur.WriteString(v)
					i = n
					continue
				}
				cur.WriteRune(c)
			}
			if !closed {
				return nil, fmt.Errorf("unexpected end of statement while looking for matching double-quote")
			}
		case r == '$':
			inWord = true
			v, n, err := l.variable(rs, i)
			if err != nil {
				return nil, err
			}
			cur.WriteString(v)
			i = n
		default:
			inWord = true
			cur.WriteRune(r)
		}
	}
	flush()
	if !split && len(out) == 0 {
		out = []string{""}
	}
	return out, nil
}

func isNameRune(r rune) bool {
	return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// variable expands the reference starting at rs[i] == '$'; it returns the value and the index of its last rune.
func (l *lexer) variable(rs []rune, i int) (string, int, error) {
	if i+1 >= len(rs) {
		return "$", i, nil
	}
	if rs[i+1] != '{' {
		j := i + 1
		for j < len(rs) && isNameRune(rs[j]) {
			j++
		}
		if j == i+1 {
			return "$", i, nil
		}
		v, _ := l.lookup(string(rs[i+1 : j]))
		return v, j - 1, nil
	}
	j := i + 2
	for j < len(rs) && isNameRune(rs[j]) {
		j++
	}
	name := string(rs[i+2 : j])
	if name == "" {
		return "", 0, fmt.Errorf("bad substitution")
	}
	if j < len(rs) && rs[j] == '}' {
		v, _ := l.lookup(name)
		return v, j, nil
	}
	// Modifier: find the matching close brace.
	depth, k := 1, j
	for ; k < len(rs); k++ {
		if rs[k] == '{' {
			depth++
		} else if rs[k] == '}' {
			depth--
			if depth == 0 {
				break
			}
		}
	}
	if k >= len(rs) {
		return "", 0, fmt.Errorf("missing '}' in ${%s", name)
	}
	mod := string(rs[j:k])
	value, set := l.lookup(name)
	colon := strings.HasPrefix(mod, ":")
	op := strings.TrimPrefix(mod, ":")
	if op == "" {
		return "", 0, fmt.Errorf("bad substitution: ${%s%s}", name, mod)
	}
	wordText := op[1:]
	present := set && (!colon || value != "")
	switch op[0] {
	case '-':
		if present {
			return value, k, nil
		}
		w, err := l.word(wordText)
		return w, k, err
	case '+':
		if present {
			w, err := l.word(wordText)
			return w, k, err
		}
		return "", k, nil
	case '?':
		if present {
			return value, k, nil
		}
		return "", 0, fmt.Errorf("%s: %s", name, wordText)
	}
	return "", 0, fmt.Errorf("unsupported modifier (%s) in substitution", mod)
}

// parseDuration for HEALTHCHECK flags (Go syntax, like Docker).
func parseDurationFlag(flag, name string) (int64, bool, error) {
	v, ok := flagValue(flag, name)
	if !ok {
		return 0, false, nil
	}
	d, err := parseGoDuration(v)
	return d, true, err
}

func parseGoDuration(v string) (int64, error) {
	if n, err := strconv.Atoi(v); err == nil && n == 0 {
		return 0, nil
	}
	d, err := timeParseDuration(v)
	return int64(d), err
}
