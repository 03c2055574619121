// Command twistcli is a stand-in for Prisma Cloud's twistcli (CONTRACTS.md §2): `images scan --containerized`
// reads the apk database of the filesystem it runs in, asks the Console (simulator) for the verdict and behaves
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
	if o.tarball {
		return false, toolFailure{"the KanikoBuild twistcli stand-in does not support --tarball; use --containerized"}
	}
	if !o.containerized {
		return false, toolFailure{"failed to connect to the container runtime at unix:///var/run/docker.sock (the KanikoBuild twistcli stand-in scans only with --containerized)"}
	}
	console, err := newConsole(o, stderr)
	if err != nil {
		return false, err
	}
	root := "/"
	if override := os.Getenv("KANIKOBUILD_TWISTCLI_ROOT"); override != "" {
		// For testing the stand-in outside a container only; the real tool has no such variable.
		root = override
	}
	inv, err := readInventory(root)
	if err != nil {
		return false, toolFailure{err.Error()}
	}
	token, err := console.authenticate(o)
	if err != nil {
		return false, err
	}
	result, err := console.twistcliScan(token, o, inv)
	if err != nil {
		return false, err
	}
	passed, err := result.passed()
	if err != nil {
		return false, err
	}
	if o.outputFile != "" {
		if err := writeOutput(o.outputFile, result, console.monitorURL(o.image)); err != nil {
			return false, err
		}
	}
	printResult(stdout, o, inv, result, passed)
	return passed, nil
}
