package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

type pkg struct {
	Type    string `json:"type"`
	Name    string `json:"name"`
	Version string `json:"version"`
	Path    string `json:"path"`
}

type inventory struct {
	distro   string
	release  string
	packages []pkg
}

const apkDatabase = "/lib/apk/db/installed"

// readInventory reads what CONTRACTS.md §1 says scanners read: apk's database and /etc/os-release under root.
func readInventory(root string) (*inventory, error) {
	inv := &inventory{distro: "unknown", release: "unknown", packages: []pkg{}}
	// Paths are resolved inside root: an image's own symbolic links never lead to the host's files.
	osRelease, err := secureJoin(root, "etc/os-release", true)
	if err != nil {
		return nil, err
	}
	if err := readOSRelease(osRelease, inv); err != nil {
		return nil, err
	}
	database, err := secureJoin(root, apkDatabase, true)
	if err != nil {
		return nil, err
	}
	file, err := os.Open(database)
	if errors.Is(err, fs.ErrNotExist) {
		return inv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read the package database %s: %w", apkDatabase, err)
	}
	defer file.Close()
	var name, version string
	flush := func() {
		if name != "" {
			inv.packages = append(inv.packages, pkg{Type: "os", Name: name, Version: version, Path: apkDatabase})
		}
		name, version = "", ""
	}
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for scanner.Scan() {
		line := strings.TrimRight(scanner.Text(), "\r")
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "P:"):
			name = line[2:]
		case strings.HasPrefix(line, "V:"):
			version = line[2:]
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("failed to read the package database %s: %w", apkDatabase, err)
	}
	flush()
	return inv, nil
}

func readOSRelease(path string, inv *inventory) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("failed to read %s: %w", "/etc/os-release", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		key, value, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok {
			continue
		}
		value = strings.Trim(value, `"'`)
		switch key {
		case "ID":
			inv.distro = value
		case "VERSION_ID":
			inv.release = value
		}
	}
	return nil
}
