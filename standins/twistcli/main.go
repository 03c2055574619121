// Command twistcli is a stand-in for Prisma Cloud's twistcli (CONTRACTS.md §2): `images scan --containerized`
// reads the apk database of the filesystem it runs in (`--tarball` that of a docker-save tarball it unpacks), asks the Console (simulator) for the verdict and behaves
// like the real tool: exit 0 on pass, 1 on a policy failure (output file written) or on any tool failure
// (message on stderr, no output file). Stdlib only, built static, so it runs in images without libc or shell.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// toolFailure is any failure that is not a verdict: no output file may exist afterwards.
type toolFailure struct{ message string }

func (e toolFailure) Error() string { return e.message }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-v") {
		fmt.Fprintln(stdout, "twistcli version 34.04.145 (KanikoBuild stand-in)")
		return 0
	}
	o, err := parseArgs(args)
	if err != nil {
		fmt.Fprintln(stderr, err.Error())
		return 1
	}
	passed, err := scan(o, stdout, stderr)
	if err != nil {
		if o.outputFile != "" {
			// A file from an earlier run must not be mistaken for this run's result.
			_ = os.Remove(o.outputFile)
		}
		var usage usageError
		if errors.As(err, &usage) {
			fmt.Fprintln(stderr, usage.message)
		} else {
			fmt.Fprintln(stderr, "Error:", err.Error())
		}
		return 1
	}
	if !passed {
		return 1
	}
	return 0
}

func scan(o *options, stdout, stderr io.Writer) (bool, error) {
	if o.address == "" {
		return false, usageError{"Incorrect Usage: --address is required (the Console URL, e.g. https://console:8083)"}
	}
	root := "/"
	subject := o.image
	var image *tarballImage
	switch {
	case o.tarball:
		// The last argument is the tarball's path. It is unpacked and scanned like a container's root.
		if err := checkTarballPrivileges("/proc/self/status"); err != nil {
			return false, err
		}
		var work string
		var err error
		image, work, err = openTarball(o.image)
		if work != "" {
			defer os.RemoveAll(work)
		}
		if err != nil {
			return false, err
		}
		root, subject = image.root, image.name
	case o.containerized:
		if override := os.Getenv("KANIKOBUILD_TWISTCLI_ROOT"); override != "" {
			// For testing the stand-in outside a container only; the real tool has no such variable.
			root = override
		}
	default:
		return false, toolFailure{"failed to connect to the container runtime at unix:///var/run/docker.sock (the KanikoBuild twistcli stand-in scans only with --containerized or --tarball)"}
	}
	console, err := newConsole(o, stderr)
	if err != nil {
		return false, err
	}
	inv, err := readInventory(root)
	if err != nil {
		return false, toolFailure{err.Error()}
	}
	token, err := console.authenticate(o)
	if err != nil {
		return false, err
	}
	result, err := console.twistcliScan(token, subject, o, inv)
	if err != nil {
		return false, err
	}
	if image != nil {
		// A tarball scan knows the image: its ID (the config digest), a name, and the config's history.
		if err := result.set(map[string]interface{}{"id": image.id, "name": image.name, "history": image.history}); err != nil {
			return false, err
		}
	}
	passed, err := result.passed()
	if err != nil {
		return false, err
	}
	if o.outputFile != "" {
		if err := writeOutput(o.outputFile, result, console.monitorURL(subject)); err != nil {
			return false, err
		}
	}
	printResult(stdout, o, subject, inv, result, passed)
	return passed, nil
}
