package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// options are the flags of `twistcli images scan` the stand-in understands (prisma.md §1.2).
type options struct {
	debug         bool
	address       string
	user          string
	password      string
	token         string
	outputFile    string
	details       bool
	containerized bool
	publish       bool
	project       string
	tlsCACert     string
	customLabels  bool
	tarball       bool
	image         string
}

// usageError is twistcli's (urfave/cli's) answer to a flag it does not know.
type usageError struct{ message string }

func (e usageError) Error() string { return e.message }

var valueFlags = map[string]bool{
	"address": true, "u": true, "user": true, "p": true, "password": true, "token": true,
	"output-file": true, "project": true, "tlscacert": true,
	// Accepted and ignored: they only matter to the real tool's Docker/containerd modes.
	"docker-address": true, "docker-tlscacert": true, "docker-tlscert": true, "docker-tlskey": true,
	"containerd-address": true, "containerd-namespace": true, "podman-path": true, "exit-on-error": true, "SBOM": true,
}

var boolFlags = map[string]bool{
	"details": true, "containerized": true, "publish": true, "custom-labels": true, "tarball": true,
	"containerd": true, "docker-runtime": true, "include-js-dependencies": true, "include-purl": true,
	"disable-symbol-extraction": true, "debug": true,
}

// parseArgs reads `[--debug] images scan [options] IMAGE`. As documented, the image (or report id) is the first
// argument that is not an option, and anything after it is ignored.
func parseArgs(args []string) (*options, error) {
	o := &options{publish: true}
	i := 0
	for i < len(args) && strings.HasPrefix(args[i], "-") {
		name, _, _ := splitFlag(args[i])
		switch name {
		case "debug":
			o.debug = true
		case "http-proxy":
			if !strings.Contains(args[i], "=") {
				i++
			}
		default:
			return nil, usageError{"Incorrect Usage: flag provided but not defined: -" + name}
		}
		i++
	}
	if len(args)-i < 2 || args[i] != "images" || args[i+1] != "scan" {
		return nil, usageError{"Incorrect Usage: expected 'twistcli [global options] images scan [options] IMAGE'"}
	}
	i += 2
	for ; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			o.image = arg
			return o, nil
		}
		name, value, hasValue := splitFlag(arg)
		if valueFlags[name] {
			if !hasValue {
				if i+1 >= len(args) {
					return nil, usageError{"Incorrect Usage: flag needs an argument: -" + name}
				}
				i++
				value = args[i]
			}
			o.set(name, value)
			continue
		}
		if boolFlags[name] {
			b := true
			if hasValue {
				parsed, err := strconv.ParseBool(value)
				if err != nil {
					return nil, usageError{fmt.Sprintf("Incorrect Usage: invalid boolean value %q for -%s: parse error", value, name)}
				}
				b = parsed
			}
			o.setBool(name, b)
			continue
		}
		return nil, usageError{"Incorrect Usage: flag provided but not defined: -" + name}
	}
	return nil, usageError{"Incorrect Usage: missing image or report id; expected it as the last argument"}
}

func splitFlag(arg string) (name, value string, hasValue bool) {
	trimmed := strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-")
	if eq := strings.IndexByte(trimmed, '='); eq >= 0 {
		return trimmed[:eq], trimmed[eq+1:], true
	}
	return trimmed, "", false
}

func (o *options) set(name, value string) {
	switch name {
	case "address":
		o.address = value
	case "u", "user":
		o.user = value
	case "p", "password":
		o.password = value
	case "token":
		o.token = value
	case "output-file":
		o.outputFile = value
	case "project":
		o.project = value
	case "tlscacert":
		o.tlsCACert = value
	}
}

func (o *options) setBool(name string, value bool) {
	switch name {
	case "details":
		o.details = value
	case "containerized":
		o.containerized = value
	case "publish":
		o.publish = value
	case "custom-labels":
		o.customLabels = value
	case "tarball":
		o.tarball = value
	case "debug":
		o.debug = value
	}
}

// credentials applies twistcli's fallbacks: flags, then TWISTLOCK_USER / TWISTLOCK_PASSWORD, then user "admin".
func (o *options) credentials() (user, password string) {
	user, password = o.user, o.password
	if user == "" {
		user = os.Getenv("TWISTLOCK_USER")
	}
	if user == "" {
		user = "admin"
	}
	if password == "" {
		password = os.Getenv("TWISTLOCK_PASSWORD")
	}
	return user, password
}
