package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

type secretMount struct {
	id, target, env string
	required        bool
	uid, gid        int
	mode            os.FileMode
}

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

func parseRunMounts(flags []string) ([]secretMount, error) {
	var out []secretMount
	for _, f := range flags {
		if _, ok := flagValue(f, "network"); ok {
			continue
		}
		if _, ok := flagValue(f, "security"); ok {
			continue
		}
		spec, ok := flagValue(f, "mount")
		if !ok {
			return nil, fmt.Errorf("unknown flag: %s", strings.SplitN(f, "=", 2)[0])
		}
		m := secretMount{mode: 0o400}
		kind := "bind"
		for _, part := range strings.Split(spec, ",") {
			k, v, hasValue := strings.Cut(part, "=")
			switch strings.ToLower(k) {
			case "type":
				kind = v
			case "id":
				m.id = v
			case "target", "dst", "destination":
				m.target = v
			case "env":
				m.env = v
			case "required":
				m.required = !hasValue || v == "true"
			case "mode":
				n, err := strconv.ParseUint(v, 8, 32)
				if err != nil {
					return nil, fmt.Errorf("invalid mode %q in --mount", v)
				}
				m.mode = os.FileMode(n)
			case "uid", "gid":
				n, err := strconv.Atoi(v)
				if err != nil {
					return nil, fmt.Errorf("invalid %s %q in --mount", k, v)
				}
				if k == "uid" {
					m.uid = n
				} else {
					m.gid = n
				}
			default:
				return nil, fmt.Errorf("unexpected key '%s' in '%s'", k, part)
			}
		}
		if kind != "secret" {
			return nil, fmt.Errorf("RUN --mount=type=%s is not supported by the stand-in (only type=secret)", kind)
		}
		if m.id == "" {
			if m.target == "" {
				return nil, fmt.Errorf("RUN --mount=type=secret needs an id or a target")
			}
			m.id = filepath.Base(m.target)
		}
		if m.target == "" && m.env == "" {
			m.target = "/run/secrets/" + m.id
		}
		out = append(out, m)
	}
	return out, nil
}

func (st *stageState) run(inst instruction) error {
	mounts, err := parseRunMounts(inst.flags)
	if err != nil {
		return err
	}
	if envs := st.replacementEnvs(); len(envs) > 0 {
		st.keyParts = append(st.keyParts, fmt.Sprintf("|%d", len(envs)))
		st.keyParts = append(st.keyParts, envs...)
	}
	st.keyParts = append(st.keyParts, inst.original)
	cacheable := st.b.opts.cache && st.b.opts.cacheRunLayers
	if cacheable {
		hit, err := st.fromCache(inst.original)
		if err != nil || hit {
			return err
		}
		infof("No cached layer found for cmd %s", firstLine(inst.original))
	}
	argv, err := st.runArgv(inst)
	if err != nil {
		return err
	}
	if err := st.runCommand(argv, mounts); err != nil {
		return fmt.Errorf("failed to execute command: %w", err)
	}
	if st.b.opts.singleSnapshot {
		st.history(inst.original, true)
		return nil
	}
	return st.snapshot(inst.original, cacheable)
}

// runCommand is kaniko's runCommandInExec: the process runs as the configured user only when the user part of
// the image's USER (expanded once more) is not empty, and then its credentials are looked up the kaniko way
// (users.go), which fails without the stage's /etc/group for root and for every user with a primary gid.
func (st *stageState) runCommand(argv []string, mounts []secretMount) error {
	infof("Cmd: %s", argv[0])
	infof("Args: %v", argv[1:])
	env := st.runEnv()
	userPart := strings.Split(st.img.config.Config.User, ":")[0]
	userStr, err := st.lexer().word(userPart)
	if err != nil {
		return fmt.Errorf("resolving user %s: %w", userPart, err)
	}
	var cred *syscall.Credential
	if userStr != "" {
		if cred, err = syscallCredentials(userStr); err != nil {
			return fmt.Errorf("credentials: %w", err)
		}
	}
	if env, err = defaultHome(userStr, env); err != nil {
		return fmt.Errorf("adding default HOME variable: %w", err)
	}
	cleanup, err := st.mountSecrets(mounts, &env)
	defer cleanup()
	if err != nil {
		return err
	}
	// kaniko runs in the working directory only when it exists, else where the executor is: "/".
	dir := st.workdir()
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		dir = "/"
	}
	infof("Running: %v", argv)
	path, err := lookPath(argv[0], env)
	if err != nil {
		return fmt.Errorf("starting command: %w", err)
	}
	cmd := &exec.Cmd{Path: path, Args: argv, Env: env, Dir: dir, Stdout: os.Stdout, Stderr: os.Stderr,
		SysProcAttr: &syscall.SysProcAttr{Setpgid: true, Credential: cred}}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting command: %w", err)
	}
	pgid, _ := syscall.Getpgid(cmd.Process.Pid)
	werr := cmd.Wait()
	// Like kaniko, nothing a RUN left running in the background survives the step.
	if pgid > 0 {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
	if werr != nil {
		return fmt.Errorf("waiting for process to exit: %w", werr)
	}
	cleanup()
	return nil
}

func (st *stageState) runArgv(inst instruction) ([]string, error) {
	if args, ok := parseJSONArray(inst.rest); ok {
		if len(args) == 0 {
			return nil, fmt.Errorf("RUN needs a command")
		}
		return args, nil
	}
	script := inst.rest
	if len(inst.heredocs) > 0 {
		h := inst.heredocs[0]
		if m := heredocPattern.FindString(strings.TrimSpace(inst.rest)); m == strings.TrimSpace(inst.rest) && len(inst.heredocs) == 1 {
			script = h.content // RUN <<EOF: the heredoc is the script
		} else {
			var b strings.Builder
			b.WriteString(inst.rest)
			for _, hd := range inst.heredocs {
				b.WriteString("\n" + hd.content + hd.name)
			}
			script = b.String()
		}
	}
	if strings.TrimSpace(script) == "" {
		return nil, fmt.Errorf("RUN needs a command")
	}
	return append(st.shell(), script), nil
}

// runEnv is the RUN environment: image ENV plus declared ARGs (never the executor's own environment).
func (st *stageState) runEnv() []string {
	env := append([]string(nil), st.img.config.Config.Env...)
	for _, k := range sortedKeys(st.args) {
		if v := st.args[k]; v != nil && !hasEnv(env, k) {
			env = append(env, k+"="+*v)
		}
	}
	if !hasEnv(env, "PATH") {
		env = append(env, "PATH="+defaultPath)
	}
	return env
}

func hasEnv(env []string, name string) bool {
	for _, e := range env {
		if k, _, _ := strings.Cut(e, "="); k == name {
			return true
		}
	}
	return false
}

func envValue(env []string, name string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, _ := strings.Cut(env[i], "="); k == name {
			return v
		}
	}
	return ""
}

func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		if fi, err := os.Stat(name); err != nil || fi.IsDir() {
			return "", fmt.Errorf("fork/exec %s: no such file or directory", name)
		}
		return name, nil
	}
	for _, dir := range filepath.SplitList(envValue(env, "PATH")) {
		candidate := filepath.Join(dir, name)
		if fi, err := os.Stat(candidate); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("exec: %q: executable file not found in $PATH", name)
}

// mountSecrets writes secret files for one RUN (and env secrets into its environment); the returned cleanup
// removes them, and the directories it made, before the snapshot, so no layer ever holds them.
func (st *stageState) mountSecrets(mounts []secretMount, env *[]string) (func(), error) {
	var undo []func()
	done := false
	cleanup := func() {
		if done {
			return
		}
		done = true
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
	for _, m := range mounts {
		secret, ok := st.b.secrets[m.id]
		if !ok {
			if m.required {
				return cleanup, fmt.Errorf("secret %s: not provided (pass --secret id=%s,...)", m.id, m.id)
			}
			continue
		}
		if m.env != "" {
			*env = append(*env, m.env+"="+string(secret.data))
		}
		if m.target == "" {
			continue
		}
		target := m.target
		if !filepath.IsAbs(target) {
			target = filepath.Join(st.workdir(), target)
		}
		// Create missing parents one by one, to remove exactly those afterwards.
		var made []string
		for d := filepath.Dir(target); d != "/"; d = filepath.Dir(d) {
			if _, err := os.Lstat(d); err == nil {
				break
			}
			made = append([]string{d}, made...)
		}
		for _, d := range made {
			if err := os.Mkdir(d, 0o755); err != nil {
				return cleanup, fmt.Errorf("secret %s: %w", m.id, err)
			}
		}
		backup := ""
		if _, err := os.Lstat(target); err == nil {
			backup = target + ".kaniko-standin-backup"
			if err := os.Rename(target, backup); err != nil {
				return cleanup, err
			}
		}
		undo = append(undo, func() {
			os.Remove(target)
			if backup != "" {
				os.Rename(backup, target)
			}
			for i := len(made) - 1; i >= 0; i-- {
				os.Remove(made[i])
			}
		})
		if err := os.WriteFile(target, secret.data, m.mode); err != nil {
			return cleanup, fmt.Errorf("secret %s: %w", m.id, err)
		}
		if err := os.Chown(target, m.uid, m.gid); err != nil {
			return cleanup, err
		}
		if err := os.Chmod(target, m.mode); err != nil {
			return cleanup, err
		}
	}
	return cleanup, nil
}
