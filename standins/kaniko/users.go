package main

// Users and groups the way kaniko v1.24 resolves them (pkg/util/command_util.go, syscall_credentials.go,
// groupids_fallback.go; unchanged in the osscontainertools fork). kaniko is built with CGO_ENABLED=0, so Go's
// os/user reads the build root's /etc/passwd and /etc/group itself, and so does the stand-in: it uses the same
// package. One consequence matters a lot (README "Users and RUN credentials"): os/user answers the executor's own
// uid from the process identity ($USER, $HOME and the process gid) when the passwd file does not name it, so
// uid 0 always comes back with gid "0", and a RUN after any USER that means root then needs /etc/group.

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
)

// groupFile is where the cgo-free group lookup of kaniko reads supplementary groups: the build root's file.
const groupFile = "/etc/group"

// lookupUser is kaniko's LookupUser: a user name, else a uid, from the build root's passwd file (or the
// process identity for the executor's own uid); a number nobody claims is still a uid, with home "/" and no gid.
func lookupUser(name string) (*user.User, error) {
	u, err := user.Lookup(name)
	if err == nil {
		return u, nil
	}
	var unknown user.UnknownUserError
	if !errors.As(err, &unknown) && !os.IsNotExist(err) {
		return nil, err
	}
	if u, err := user.LookupId(name); err == nil {
		return u, nil
	}
	uid, perr := strconv.ParseUint(name, 10, 32)
	if perr != nil {
		return nil, fmt.Errorf("user %v is not a uid and does not exist on the system", name)
	}
	return &user.User{Uid: strconv.FormatUint(uid, 10), HomeDir: "/"}, nil
}

// idsFromString is kaniko's getUIDAndGIDFromString ("user[:group]", for COPY --chown and WORKDIR): the uid of the
// user; the gid of the group when one is given (a name in the group file, or a number), else the uid again.
func idsFromString(spec string) (uint32, uint32, error) {
	parts := strings.Split(spec, ":")
	u, err := lookupUser(parts[0])
	if err != nil {
		return 0, 0, err
	}
	uid, err := parseID(u.Uid)
	if err != nil {
		return 0, 0, err
	}
	if len(parts) > 1 && parts[1] != "" {
		gid, err := gidFromName(parts[1])
		if err != nil {
			return 0, 0, err
		}
		return uid, gid, nil
	}
	return uid, uid, nil
}

// gidFromName is kaniko's getGIDFromName: a group name from the group file, else the text as a number.
func gidFromName(group string) (uint32, error) {
	g, err := user.LookupGroup(group)
	if err != nil {
		var unknown user.UnknownGroupError
		if errors.As(err, &unknown) {
			return parseID(group)
		}
		if g, err = user.LookupGroupId(group); err != nil {
			return parseID(group)
		}
	}
	return parseID(g.Gid)
}

func parseID(s string) (uint32, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, err
	}
	return uint32(n), nil
}

// syscallCredentials is kaniko's SyscallCredentials for a RUN: it gets the user part of the configured user only
// (run.go drops the group), resolves it twice (by name, then by the uid found), reads the group file whenever the
// user has a primary gid, and uses that primary gid, or the uid when there is none.
func syscallCredentials(userStr string) (*syscall.Credential, error) {
	uid, gid, err := idsFromString(userStr)
	if err != nil {
		return nil, fmt.Errorf("get uid/gid: %w", err)
	}
	u, err := lookupUser(strconv.FormatUint(uint64(uid), 10))
	if err != nil {
		return nil, fmt.Errorf("lookup: %w", err)
	}
	infof("Util.Lookup returned: %+v", u)
	ids, err := groupIDs(u)
	if err != nil {
		return nil, fmt.Errorf("group ids for user: %w", err)
	}
	groups := []uint32{}
	for _, id := range ids {
		n, err := strconv.ParseUint(id, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("parseuint: %w", err)
		}
		groups = append(groups, uint32(n))
	}
	if !strings.Contains(userStr, ":") && u.Gid != "" {
		gid, _ = parseID(u.Gid)
	}
	return &syscall.Credential{Uid: uid, Gid: gid, Groups: groups}, nil
}

// groupIDs is kaniko's cgo-free groupIDs: nothing for a user without a gid; otherwise the primary gid and every
// group of the group file that lists the user's name, and an error when the build root has no group file.
func groupIDs(u *user.User) ([]string, error) {
	infof("Performing slow lookup of group ids for %s", u.Username)
	if u.Gid == "" {
		return nil, nil
	}
	f, err := os.Open(groupFile)
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	defer f.Close()
	ids := []string{u.Gid}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// name:password:gid:members. kaniko indexes the fields without checking how many there are (a short
		// line makes it panic); the stand-in skips such a line instead.
		fields := strings.SplitN(line, ":", 4)
		if len(fields) < 4 {
			continue
		}
		if _, err := strconv.Atoi(fields[2]); err != nil {
			continue
		}
		for _, member := range strings.Split(fields[3], ",") {
			if member == u.Username {
				ids = append(ids, fields[2])
			}
		}
	}
	return ids, nil
}

// defaultHome is kaniko's addDefaultHOME: a HOME from the environment wins; no user or "root" gets /root;
// any other user the home of its passwd entry ("/" for a bare uid).
func defaultHome(userStr string, env []string) ([]string, error) {
	if hasEnv(env, "HOME") {
		return env, nil
	}
	if userStr == "" || userStr == "root" {
		return append(env, "HOME=/root"), nil
	}
	u, err := lookupUser(userStr)
	if err != nil {
		return nil, fmt.Errorf("lookup user %v: %w", userStr, err)
	}
	return append(env, "HOME="+u.HomeDir), nil
}
