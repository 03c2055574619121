package main

import (
	"fmt"
	"regexp"
	"strings"
)

// reference is a parsed image name: registry host, repository path, and a tag or a digest.
type reference struct {
	registry, repository, tag, digest string
}

var (
	repoPattern = regexp.MustCompile(`^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$`)
	tagPattern  = regexp.MustCompile(`^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$`)
)

const dockerHub = "index.docker.io"

func parseReference(s string) (reference, error) {
	var r reference
	name := s
	if at := strings.LastIndex(name, "@"); at >= 0 {
		r.digest = name[at+1:]
		name = name[:at]
		if !strings.HasPrefix(r.digest, "sha256:") || len(r.digest) != 71 {
			return r, fmt.Errorf("could not parse reference: %s", s)
		}
	}
	if slash, colon := strings.LastIndex(name, "/"), strings.LastIndex(name, ":"); colon > slash {
		r.tag = name[colon+1:]
		name = name[:colon]
		if !tagPattern.MatchString(r.tag) {
			return r, fmt.Errorf("could not parse reference: %s", s)
		}
	}
	parts := strings.SplitN(name, "/", 2)
	if len(parts) == 2 && (strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost") {
		r.registry, r.repository = parts[0], parts[1]
	} else {
		r.registry, r.repository = dockerHub, name
	}
	if r.registry == "docker.io" {
		r.registry = dockerHub
	}
	if r.registry == dockerHub && !strings.Contains(r.repository, "/") {
		r.repository = "library/" + r.repository
	}
	// go-containerregistry's name check, which kaniko's destinations go through.
	if n := len([]rune(r.repository)); n < 2 || n > 255 {
		return r, fmt.Errorf("repository must be between 2 and 255 characters in length: %s", r.repository)
	}
	if !repoPattern.MatchString(r.repository) {
		return r, fmt.Errorf("could not parse reference: %s", s)
	}
	if r.tag == "" && r.digest == "" {
		r.tag = "latest"
	}
	return r, nil
}

// identifier is the tag or digest used in /v2/<name>/manifests/<identifier>.
func (r reference) identifier() string {
	if r.digest != "" {
		return r.digest
	}
	return r.tag
}

func (r reference) repoName() string { return r.registry + "/" + r.repository }

func (r reference) String() string {
	s := r.repoName()
	if r.tag != "" {
		s += ":" + r.tag
	}
	if r.digest != "" {
		s += "@" + r.digest
	}
	return s
}
