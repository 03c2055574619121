package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// execute runs one instruction; every instruction joins the stage's composite cache key with its text.
func (st *stageState) execute(inst instruction) error {
	infof("%s", firstLine(inst.original))
	lx := st.lexer()
	cfg := &st.img.config.Config
	switch inst.cmd {
	case "run":
		return st.run(inst)
	case "copy", "add":
		return st.copy(inst)
	case "workdir":
		st.keyParts = append(st.keyParts, inst.original)
		dir, err := lx.word(inst.rest)
		if err != nil {
			return err
		}
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(st.workdir(), dir)
		}
		cfg.WorkingDir = filepath.Clean(dir)
		// kaniko's WorkdirCommand creates a missing directory owned by the configured user, resolved like
		// COPY --chown (a user without a group gets gid = uid), without reading any supplementary groups.
		uid, gid := 0, 0
		if _, statErr := os.Stat(cfg.WorkingDir); os.IsNotExist(statErr) && cfg.User != "" {
			spec, err := lx.word(cfg.User)
			if err != nil {
				return err
			}
			u, g, err := idsFromString(spec)
			if err != nil {
				return fmt.Errorf("identifying uid and gid for user %s: %w", cfg.User, err)
			}
			uid, gid = int(u), int(g)
		}
		created, err := ensureDir(cfg.WorkingDir, uid, gid)
		if err != nil {
			return fmt.Errorf("WORKDIR %s: %w", cfg.WorkingDir, err)
		}
		if created && !st.b.opts.singleSnapshot {
			return st.snapshot(inst.original, false)
		}
		st.history(inst.original, true)
		return nil
	}
	st.keyParts = append(st.keyParts, inst.original)
	switch inst.cmd {
	case "arg":
		words, err := lx.words(inst.rest)
		if err != nil {
			return err
		}
		for _, w := range words {
			name, def, hasDef := strings.Cut(w, "=")
			var value *string
			if v, ok := st.b.buildArgs[name]; ok {
				value = &v
			} else if hasDef {
				value = &def
			} else if v, ok := st.b.metaArgs[name]; ok {
				value = &v
			} else if v, ok := builtinArgs[name]; ok {
				value = &v
			}
			st.args[name] = value
		}
	case "env":
		pairs, err := st.pairs(inst, lx)
		if err != nil {
			return err
		}
		for _, p := range pairs {
			st.setEnv(p[0], p[1])
		}
	case "label":
		pairs, err := st.pairs(inst, lx)
		if err != nil {
			return err
		}
		if cfg.Labels == nil {
			cfg.Labels = map[string]string{}
		}
		for _, p := range pairs {
			cfg.Labels[p[0]] = p[1]
		}
	case "maintainer":
		st.img.config.Author = inst.rest
	case "user":
		// kaniko's UserCommand: the text is split at ':' before anything is expanded, each part is expanded on
		// its own, and the group is kept only when one was written. A part may expand to nothing: USER ""
		// leaves no user configured, so a later RUN does no user lookup at all (run.go).
		parts := strings.Split(strings.TrimSpace(inst.rest), ":")
		u, err := lx.word(parts[0])
		if err != nil {
			return fmt.Errorf("resolving user %s: %w", parts[0], err)
		}
		if len(parts) > 1 {
			g, err := lx.word(parts[1])
			if err != nil {
				return fmt.Errorf("resolving group %s: %w", parts[1], err)
			}
			u += ":" + g
		}
		cfg.User = u
	case "expose":
		words, err := lx.words(inst.rest)
		if err != nil {
			return err
		}
		if cfg.ExposedPorts == nil {
			cfg.ExposedPorts = map[string]struct{}{}
		}
		for _, w := range words {
			if !strings.Contains(w, "/") {
				w += "/tcp"
			}
			port, proto, _ := strings.Cut(w, "/")
			if _, err := strconv.Atoi(port); err != nil || (proto != "tcp" && proto != "udp" && proto != "sctp") {
				return fmt.Errorf("invalid containerPort: %s", w)
			}
			cfg.ExposedPorts[w] = struct{}{}
		}
	case "volume":
		vols, ok := parseJSONArray(inst.rest)
		if !ok {
			var err error
			if vols, err = lx.words(inst.rest); err != nil {
				return err
			}
		}
		if cfg.Volumes == nil {
			cfg.Volumes = map[string]struct{}{}
		}
		for _, v := range vols {
			cfg.Volumes[v] = struct{}{}
		}
	case "stopsignal":
		s, err := lx.word(inst.rest)
		if err != nil {
			return err
		}
		cfg.StopSignal = s
	case "cmd":
		cfg.Cmd = st.commandLine(inst.rest)
		st.cmdSet = true
	case "entrypoint":
		cfg.Entrypoint = st.commandLine(inst.rest)
		if !st.cmdSet {
			cfg.Cmd = nil // Docker: an ENTRYPOINT resets a CMD inherited from the base image
		}
	case "shell":
		sh, ok := parseJSONArray(inst.rest)
		if !ok || len(sh) == 0 {
			return fmt.Errorf("SHELL requires the arguments to be in JSON form")
		}
		cfg.Shell = sh
	case "healthcheck":
		hc, err := parseHealthcheck(inst, st)
		if err != nil {
			return err
		}
		cfg.Healthcheck = hc
	case "onbuild":
		trigger := strings.TrimSpace(inst.rest)
		kw, _, _ := strings.Cut(trigger, " ")
		switch strings.ToUpper(kw) {
		case "ONBUILD", "FROM", "MAINTAINER":
			return fmt.Errorf("%s isn't allowed as an ONBUILD trigger", strings.ToUpper(kw))
		}
		cfg.OnBuild = append(cfg.OnBuild, trigger)
	default:
		return fmt.Errorf("unsupported instruction %s", strings.ToUpper(inst.cmd))
	}
	st.history(inst.original, true)
	return nil
}

// pairs parses ENV/LABEL arguments: key=value words, or the legacy "KEY value with spaces" form.
func (st *stageState) pairs(inst instruction, lx *lexer) ([][2]string, error) {
	words, err := lx.words(inst.rest)
	if err != nil {
		return nil, err
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("%s requires at least one argument", strings.ToUpper(inst.cmd))
	}
	rawFirst := strings.Fields(inst.rest)[0]
	if !strings.Contains(rawFirst, "=") {
		key := words[0]
		rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(inst.rest), rawFirst))
		value, err := lx.word(rest)
		if err != nil {
			return nil, err
		}
		return [][2]string{{key, value}}, nil
	}
	var out [][2]string
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%s names can not be blank, or %q is not key=value", strings.ToUpper(inst.cmd), w)
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

// commandLine is the CMD/ENTRYPOINT value: the JSON array, or the shell form wrapped in the image's SHELL.
func (st *stageState) commandLine(rest string) []string {
	if args, ok := parseJSONArray(rest); ok {
		return args
	}
	return append(st.shell(), rest)
}

func (st *stageState) shell() []string {
	if sh := st.img.config.Config.Shell; len(sh) > 0 {
		return append([]string(nil), sh...)
	}
	return []string{"/bin/sh", "-c"}
}

func parseHealthcheck(inst instruction, st *stageState) (*healthcheck, error) {
	rest := strings.TrimSpace(inst.rest)
	if strings.EqualFold(rest, "NONE") {
		return &healthcheck{Test: []string{"NONE"}}, nil
	}
	hc := &healthcheck{}
	for _, f := range inst.flags {
		var handled bool
		for _, name := range []string{"interval", "timeout", "start-period", "start-interval"} {
			d, ok, err := parseDurationFlag(f, name)
			if err != nil {
				return nil, fmt.Errorf("HEALTHCHECK --%s: %w", name, err)
			}
			if ok {
				handled = true
				switch name {
				case "interval":
					hc.Interval = d
				case "timeout":
					hc.Timeout = d
				case "start-period":
					hc.StartPeriod = d
				}
			}
		}
		if v, ok := flagValue(f, "retries"); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, fmt.Errorf("HEALTHCHECK --retries: %w", err)
			}
			hc.Retries, handled = n, true
		}
		if !handled {
			return nil, fmt.Errorf("unknown flag for HEALTHCHECK: %s", f)
		}
	}
	kw, cmd, _ := strings.Cut(rest, " ")
	if !strings.EqualFold(kw, "CMD") {
		return nil, fmt.Errorf("unknown type %q in HEALTHCHECK (try CMD)", kw)
	}
	cmd = strings.TrimSpace(cmd)
	if args, ok := parseJSONArray(cmd); ok {
		hc.Test = append([]string{"CMD"}, args...)
	} else {
		hc.Test = []string{"CMD-SHELL", cmd}
	}
	return hc, nil
}
