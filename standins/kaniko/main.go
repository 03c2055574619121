// Command executor is a stand-in for the kaniko executor (github.com/GoogleContainerTools/kaniko and the
// osscontainertools fork): it builds a Dockerfile inside its own container, unpacking images into "/",
// snapshotting each step into a layer, and pushes the result to a registry. See README.md for its limits.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

const version = "v1.24.0-kanikobuild-standin"

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	o, err := parseArgs(args)
	if errors.Is(err, errVersion) {
		fmt.Printf("Kaniko version : %s\n", version)
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(os.Stderr, "Error: %s\n%s\n", ue.msg, usage())
		return 1
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := guardLayout(o); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// root.go's PersistentPreRunE: flag checks, then the context and the Dockerfile. Cobra prints what it returns
	// as "Error: …" followed by the usage, and main exits 1.
	var b *builder
	err = o.validate()
	if err == nil {
		b = newBuilder(o)
		err = b.resolve()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n%s\n", err, usage())
		return 1
	}
	// Run: the container check comes after all of that in kaniko.
	if !o.force && !inContainer() {
		fmt.Fprintln(os.Stderr, "kaniko should only be run inside of a container, run with the --force flag if you are sure you want to continue")
		return 1
	}
	return exitCode(b.execute())
}

// guardLayout is the stand-in's own safety net, stricter than kaniko: it unpacks images into "/" and wipes
// "/" between stages, so it only runs as <kaniko-dir>/executor, the layout of the executor image, never as a
// stray binary on a machine that merely looks like a container (a CI runner with /.dockerenv).
func guardLayout(o *options) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("the kaniko stand-in cannot find its own path: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	want := filepath.Join(o.kanikoDir, "executor")
	if resolved, err := filepath.EvalSymlinks(want); err == nil {
		want = resolved
	}
	if self != want {
		return fmt.Errorf("the kaniko stand-in only runs as %s inside its executor image (it is running as %s): it unpacks images into / and wipes / between stages", want, self)
	}
	return nil
}

// exitCode is kaniko's exit(): a failing RUN's exit code, otherwise 1.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, err)
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return 1
}

// inContainer follows kaniko's proc.GetContainerRuntime checks that matter under Docker and Podman.
func inContainer() bool {
	if os.Getenv("container") != "" {
		return true
	}
	for _, marker := range []string{"/.dockerenv", "/run/.containerenv"} {
		if _, err := os.Stat(marker); err == nil {
			return true
		}
	}
	if data, err := os.ReadFile("/proc/1/cgroup"); err == nil {
		for _, word := range []string{"docker", "kubepods", "containerd", "libpod", "lxc"} {
			if containsWord(string(data), word) {
				return true
			}
		}
	}
	return false
}

func containsWord(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if s[i:i+len(w)] == w {
			return true
		}
	}
	return false
}
