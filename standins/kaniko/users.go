package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

type user struct {
	uid, gid uint32
	groups   []uint32
	home     string
}

// resolveUser turns "user[:group]" (names or ids) into ids using the stage's /etc/passwd and /etc/group.
func resolveUser(spec string) (*user, error) {
	name, group, hasGroup := strings.Cut(spec, ":")
	u := &user{home: "/"}
	passwd := readColonFile("/etc/passwd")
	found := false
	if id, err := strconv.ParseUint(name, 10, 32); err == nil {
		u.uid = uint32(id)
		for _, f := range passwd {
			if len(f) >= 6 && f[2] == name {
				g, _ := strconv.ParseUint(f[3], 10, 32)
				u.gid, u.home, name, found = uint32(g), f[5], f[0], true
				break
			}
		}
	} else {
		for _, f := range passwd {
			if len(f) >= 6 && f[0] == name {
				id, _ := strconv.ParseUint(f[2], 10, 32)
				g, _ := strconv.ParseUint(f[3], 10, 32)
				u.uid, u.gid, u.home, found = uint32(id), uint32(g), f[5], true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("unable to find user %s: no matching entries in passwd file", name)
		}
	}
	groups := readColonFile("/etc/group")
	if hasGroup {
		gid, err := resolveGroup(group, groups)
		if err != nil {
			return nil, err
		}
		u.gid = gid
	} else if found {
		for _, f := range groups {
			if len(f) >= 4 {
				for _, member := range strings.Split(f[3], ",") {
					if member == name {
						if g, err := strconv.ParseUint(f[2], 10, 32); err == nil && uint32(g) != u.gid {
							u.groups = append(u.groups, uint32(g))
						}
					}
				}
			}
		}
	}
	return u, nil
}

func resolveGroup(group string, groups [][]string) (uint32, error) {
	if id, err := strconv.ParseUint(group, 10, 32); err == nil {
		return uint32(id), nil
	}
	for _, f := range groups {
		if len(f) >= 3 && f[0] == group {
			id, _ := strconv.ParseUint(f[2], 10, 32)
			return uint32(id), nil
		}
	}
	return 0, fmt.Errorf("unable to find group %s: no matching entries in group file", group)
}

func readColonFile(path string) [][]string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, strings.Split(line, ":"))
	}
	return out
}

// chownSpec resolves COPY --chown=user[:group]; a numeric user without a group keeps gid = uid like Docker.
func chownSpec(spec string) (int, int, error) {
	name, group, hasGroup := strings.Cut(spec, ":")
	uid, gid := -1, -1
	if id, err := strconv.Atoi(name); err == nil {
		uid, gid = id, id
	} else {
		u, err := resolveUser(name)
		if err != nil {
			return 0, 0, err
		}
		uid, gid = int(u.uid), int(u.gid)
	}
	if hasGroup {
		g, err := resolveGroup(group, readColonFile("/etc/group"))
		if err != nil {
			return 0, 0, err
		}
		gid = int(g)
	}
	return uid, gid, nil
}
