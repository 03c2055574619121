package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// credential is what the Docker config.json keychain yields for one registry host.
type credential struct {
	username, password, registryToken string
}

type dockerConfigFile struct {
	Auths map[string]struct {
		Auth          string `json:"auth"`
		Username      string `json:"username"`
		Password      string `json:"password"`
		IdentityToken string `json:"identitytoken"`
		RegistryToken string `json:"registrytoken"`
	} `json:"auths"`
	CredHelpers map[string]string `json:"credHelpers"`
	CredsStore  string            `json:"credsStore"`
}

// loadCredential looks the registry host up in $DOCKER_CONFIG/config.json (kaniko's DefaultKeychain);
// no entry means anonymous access, like go-containerregistry's authn.Anonymous.
func loadCredential(host string) (*credential, error) {
	dir := os.Getenv("DOCKER_CONFIG")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".docker")
	}
	data, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", filepath.Join(dir, "config.json"), err)
	}
	var cfg dockerConfigFile
	if err := json.Unmarshal(data, &cfg); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", filepath.Join(dir, "config.json"), err)
	}
	for key, entry := range cfg.Auths {
		if normalizeAuthKey(key) != normalizeAuthKey(host) {
			continue
		}
		c := &credential{username: entry.Username, password: entry.Password, registryToken: entry.RegistryToken}
		if entry.Auth != "" {
			raw, err := base64.StdEncoding.DecodeString(entry.Auth)
			if err != nil {
				return nil, fmt.Errorf("config.json: auth for %s is not base64", key)
			}
			user, pass, ok := strings.Cut(string(raw), ":")
			if !ok {
				return nil, fmt.Errorf("config.json: auth for %s is not user:password", key)
			}
			c.username, c.password = user, pass
		}
		if entry.IdentityToken != "" {
			// An identity token is an OAuth2 refresh token; the token endpoint takes it with grant_type=refresh_token.
			// The stand-in treats it as the password of a Basic credential, which registries that mint it accept
			// on their token endpoint; documented as a limit.
			c.password = entry.IdentityToken
			if c.username == "" {
				c.username = "<token>"
			}
		}
		return c, nil
	}
	if helper := cfg.CredHelpers[host]; helper != "" {
		warnf("credential helper %q for %s is not supported by the stand-in; using anonymous access", helper, host)
	} else if cfg.CredsStore != "" {
		warnf("credsStore %q is not supported by the stand-in; using anonymous access for %s", cfg.CredsStore, host)
	}
	return nil, nil
}

func normalizeAuthKey(key string) string {
	key = strings.TrimPrefix(strings.TrimPrefix(key, "https://"), "http://")
	if slash := strings.IndexByte(key, '/'); slash >= 0 {
		key = key[:slash]
	}
	switch key {
	case "docker.io", "registry-1.docker.io", "index.docker.io":
		return dockerHub
	}
	return key
}
