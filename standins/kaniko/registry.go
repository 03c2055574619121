package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// registryClient speaks the distribution API (v2) the way go-containerregistry does for kaniko: https by
// default, http for loopback/private hosts and the --insecure* flags (after trying https), Basic or the
// Bearer token flow on a 401 challenge, credentials per registry host.
type registryClient struct {
	opts    *options
	mu      sync.Mutex
	schemes map[string]string
	challs  map[string]challenge
	tokens  map[string]string
	secure  *http.Client
	noVerif *http.Client
}

type challenge struct {
	scheme, realm, service string
}

type registryError struct {
	status int
	body   string
}

func (e *registryError) Error() string {
	msg := strings.TrimSpace(e.body)
	var parsed struct {
		Errors []struct {
			Code    string          `json:"code"`
			Message string          `json:"message"`
			Detail  json.RawMessage `json:"detail"`
		} `json:"errors"`
	}
	if json.Unmarshal([]byte(e.body), &parsed) == nil && len(parsed.Errors) > 0 {
		parts := []string{}
		for _, pe := range parsed.Errors {
			part := pe.Code + ": " + pe.Message
			if len(pe.Detail) > 0 && string(pe.Detail) != "null" {
				part += "; " + string(pe.Detail)
			}
			parts = append(parts, part)
		}
		msg = strings.Join(parts, "; ")
	}
	if msg == "" {
		msg = http.StatusText(e.status)
	}
	return fmt.Sprintf("unexpected status code %d %s: %s", e.status, http.StatusText(e.status), msg)
}

func newRegistryClient(o *options) *registryClient {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	// The debug image's extra CAs (GitLab's documented additional-ca-cert-bundle.crt) live here.
	if files, _ := filepath.Glob("/kaniko/ssl/certs/*"); len(files) > 0 {
		for _, f := range files {
			if pem, err := os.ReadFile(f); err == nil {
				pool.AppendCertsFromPEM(pem)
			}
		}
	}
	mk := func(skip bool) *http.Client {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{RootCAs: pool, InsecureSkipVerify: skip} //nolint:gosec // --skip-tls-verify asks for it
		t.Proxy = http.ProxyFromEnvironment
		return &http.Client{Transport: t, Timeout: 0}
	}
	return &registryClient{opts: o, schemes: map[string]string{}, challs: map[string]challenge{}, tokens: map[string]string{},
		secure: mk(false), noVerif: mk(true)}
}

func containsHost(list []string, host string) bool {
	for _, h := range list {
		if h == host {
			return true
		}
	}
	return false
}

func (c *registryClient) httpClient(host string, push bool) *http.Client {
	o := c.opts
	if containsHost(o.skipTLSVerifyRegistries, host) || (push && o.skipTLSVerify) || (!push && o.skipTLSVerifyPull) {
		return c.noVerif
	}
	return c.secure
}

func allowsHTTP(host string, o *options, push bool) bool {
	if containsHost(o.insecureRegistries, host) || (push && o.insecure) || (!push && o.insecurePull) {
		return true
	}
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	if h == "localhost" {
		return true
	}
	if ip := net.ParseIP(h); ip != nil && (ip.IsLoopback() || ip.IsPrivate()) {
		return true
	}
	return false
}

// ping finds the scheme and the auth challenge of a host (GET /v2/), trying https first.
func (c *registryClient) ping(host string, push bool) (string, challenge, error) {
	c.mu.Lock()
	if s, ok := c.schemes[host]; ok {
		ch := c.challs[host]
		c.mu.Unlock()
		return s, ch, nil
	}
	c.mu.Unlock()
	schemes := []string{"https"}
	if allowsHTTP(host, c.opts, push) {
		schemes = append(schemes, "http")
	}
	var lastErr error
	for _, scheme := range schemes {
		resp, err := c.httpClient(host, push).Get(scheme + "://" + host + "/v2/")
		if err != nil {
			lastErr = err
			continue
		}
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		var ch challenge
		if resp.StatusCode == http.StatusUnauthorized {
			ch = parseChallenge(resp.Header.Get("WWW-Authenticate"))
		} else if resp.StatusCode != http.StatusOK {
			lastErr = &registryError{status: resp.StatusCode}
			continue
		}
		c.mu.Lock()
		c.schemes[host], c.challs[host] = scheme, ch
		c.mu.Unlock()
		return scheme, ch, nil
	}
	return "", challenge{}, fmt.Errorf("GET https://%s/v2/: %w", host, lastErr)
}

func parseChallenge(header string) challenge {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(header), " ")
	ch := challenge{scheme: strings.ToLower(scheme)}
	for _, part := range splitParams(rest) {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		v = strings.Trim(strings.TrimSpace(v), `"`)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "realm":
			ch.realm = v
		case "service":
			ch.service = v
		}
	}
	return ch
}

// splitParams splits auth-params on commas outside quotes (scopes contain commas: "pull,push").
func splitParams(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ',' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(out, cur.String())
}

// session is an authorised conversation with one repository.
type session struct {
	c      *registryClient
	host   string
	repo   string
	push   bool
	base   string
	client *http.Client
	auth   string
	scopes []string
}

func (c *registryClient) session(ref reference, push bool, extraPullRepos ...string) (*session, error) {
	scheme, ch, err := c.ping(ref.registry, push)
	if err != nil {
		return nil, err
	}
	actions := "pull"
	if push {
		actions = "pull,push"
	}
	scopes := []string{"repository:" + ref.repository + ":" + actions}
	for _, r := range extraPullRepos {
		scopes = append(scopes, "repository:"+r+":pull")
	}
	s := &session{c: c, host: ref.registry, repo: ref.repository, push: push, base: scheme + "://" + ref.registry,
		client: c.httpClient(ref.registry, push), scopes: scopes}
	if err := s.authorize(ch, scopes); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *session) authorize(ch challenge, scopes []string) error {
	if ch.scheme == "" {
		return nil
	}
	cred, err := loadCredential(s.host)
	if err != nil {
		return err
	}
	switch ch.scheme {
	case "basic":
		if cred != nil && cred.username != "" {
			s.auth = basicAuth(cred.username, cred.password)
		}
		return nil
	case "bearer":
		if cred != nil && cred.registryToken != "" {
			s.auth = "Bearer " + cred.registryToken
			return nil
		}
		key := s.host + "|" + strings.Join(scopes, " ")
		s.c.mu.Lock()
		tok, ok := s.c.tokens[key]
		s.c.mu.Unlock()
		if !ok {
			tok, err = s.fetchToken(ch, scopes, cred)
			if err != nil {
				return err
			}
			s.c.mu.Lock()
			s.c.tokens[key] = tok
			s.c.mu.Unlock()
		}
		s.auth = "Bearer " + tok
		return nil
	}
	return fmt.Errorf("unsupported auth challenge %q from %s", ch.scheme, s.host)
}

func basicAuth(user, pass string) string {
	req, _ := http.NewRequest("GET", "http://x", nil)
	req.SetBasicAuth(user, pass)
	return req.Header.Get("Authorization")
}

func (s *session) fetchToken(ch challenge, scopes []string, cred *credential) (string, error) {
	u, err := url.Parse(ch.realm)
	if err != nil || ch.realm == "" {
		return "", fmt.Errorf("bad bearer realm %q from %s", ch.realm, s.host)
	}
	q := u.Query()
	if ch.service != "" {
		q.Set("service", ch.service)
	}
	for _, sc := range scopes {
		q.Add("scope", sc)
	}
	u.RawQuery = q.Encode()
	req, _ := http.NewRequest("GET", u.String(), nil)
	if cred != nil && cred.username != "" {
		req.SetBasicAuth(cred.username, cred.password)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("fetching token from %s: %w", u.Host, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token endpoint %s: %w", u.Host, &registryError{status: resp.StatusCode, body: string(body)})
	}
	var t struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &t); err != nil {
		return "", fmt.Errorf("token endpoint %s: %w", u.Host, err)
	}
	if t.Token == "" {
		t.Token = t.AccessToken
	}
	if t.Token == "" {
		return "", fmt.Errorf("token endpoint %s returned no token", u.Host)
	}
	return t.Token, nil
}

// bodySource reopens a request body so it can be sent again after an auth challenge.
type bodySource func() (io.ReadCloser, int64, error)

// do sends one request; on a 401 it answers the challenge the response carries and retries once.
func (s *session) do(method, target string, header http.Header, body bodySource) (*http.Response, error) {
	if strings.HasPrefix(target, "/") {
		target = s.base + target
	}
	for attempt := 0; ; attempt++ {
		var rc io.ReadCloser
		size := int64(0)
		if body != nil {
			var err error
			rc, size, err = body()
			if err != nil {
				return nil, err
			}
		}
		req, err := http.NewRequest(method, target, rc)
		if err != nil {
			if rc != nil {
				rc.Close()
			}
			return nil, err
		}
		if body != nil {
			req.ContentLength = size
		}
		for k, v := range header {
			req.Header[k] = v
		}
		if s.auth != "" {
			req.Header.Set("Authorization", s.auth)
		}
		resp, err := s.client.Do(req)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && attempt == 0 {
			ch := parseChallenge(resp.Header.Get("WWW-Authenticate"))
			resp.Body.Close()
			prev := s.auth
			if err := s.authorize(ch, s.scopes); err != nil {
				return nil, err
			}
			if s.auth == prev {
				// Same credential again: drop the cached token and ask once more.
				s.c.mu.Lock()
				delete(s.c.tokens, s.host+"|"+strings.Join(s.scopes, " "))
				s.c.mu.Unlock()
				if err := s.authorize(ch, s.scopes); err != nil {
					return nil, err
				}
			}
			continue
		}
		return resp, nil
	}
}

func expectStatus(resp *http.Response, codes ...int) error {
	for _, c := range codes {
		if resp.StatusCode == c {
			return nil
		}
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return &registryError{status: resp.StatusCode, body: string(body)}
}

var manifestAccept = strings.Join([]string{mediaDockerManifest, mediaOCIManifest, mediaDockerList, mediaOCIIndex}, ", ")

func (s *session) getManifest(identifier string) ([]byte, string, error) {
	resp, err := s.do("GET", "/v2/"+s.repo+"/manifests/"+identifier, http.Header{"Accept": {manifestAccept}}, nil)
	if err != nil {
		return nil, "", err
	}
	if err := expectStatus(resp, http.StatusOK); err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, "", err
	}
	if strings.HasPrefix(identifier, "sha256:") && sha256Digest(data) != identifier {
		return nil, "", fmt.Errorf("manifest digest mismatch for %s/%s@%s", s.host, s.repo, identifier)
	}
	mt := resp.Header.Get("Content-Type")
	var probe struct {
		MediaType string `json:"mediaType"`
	}
	if json.Unmarshal(data, &probe) == nil && probe.MediaType != "" {
		mt = probe.MediaType
	}
	return data, mt, nil
}

// headManifest reports whether a tag/digest exists (404 → false).
func (s *session) manifestExists(identifier string) (bool, error) {
	resp, err := s.do("HEAD", "/v2/"+s.repo+"/manifests/"+identifier, http.Header{"Accept": {manifestAccept}}, nil)
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	return false, &registryError{status: resp.StatusCode}
}

func (s *session) getBlob(digest string) (io.ReadCloser, error) {
	resp, err := s.do("GET", "/v2/"+s.repo+"/blobs/"+digest, nil, nil)
	if err != nil {
		return nil, err
	}
	if err := expectStatus(resp, http.StatusOK); err != nil {
		return nil, err
	}
	return resp.Body, nil
}

func (s *session) blobExists(digest string) (bool, error) {
	resp, err := s.do("HEAD", "/v2/"+s.repo+"/blobs/"+digest, nil, nil)
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	return false, &registryError{status: resp.StatusCode}
}

func (s *session) resolve(location string) (string, error) {
	u, err := url.Parse(location)
	if err != nil {
		return "", err
	}
	base, _ := url.Parse(s.base + "/")
	return base.ResolveReference(u).String(), nil
}

// uploadBlob pushes a blob: a cross-repository mount when the blob is known in another repository of the same
// registry, otherwise POST then a monolithic PUT streamed from the file.
func (s *session) uploadBlob(digest string, mountFrom string, open bodySource) error {
	start := "/v2/" + s.repo + "/blobs/uploads/"
	if mountFrom != "" && mountFrom != s.repo {
		start += "?mount=" + url.QueryEscape(digest) + "&from=" + url.QueryEscape(mountFrom)
	}
	resp, err := s.do("POST", start, http.Header{"Content-Length": {"0"}}, nil)
	if err != nil {
		return err
	}
	if resp.StatusCode == http.StatusCreated {
		resp.Body.Close()
		return nil
	}
	if err := expectStatus(resp, http.StatusAccepted); err != nil {
		return err
	}
	resp.Body.Close()
	loc, err := s.resolve(resp.Header.Get("Location"))
	if err != nil {
		return err
	}
	u, _ := url.Parse(loc)
	q := u.Query()
	q.Set("digest", digest)
	u.RawQuery = q.Encode()
	resp, err = s.do("PUT", u.String(), http.Header{"Content-Type": {"application/octet-stream"}}, open)
	if err != nil {
		return err
	}
	if err := expectStatus(resp, http.StatusCreated); err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func (s *session) putManifest(identifier, mediaType string, data []byte) (string, error) {
	resp, err := s.do("PUT", "/v2/"+s.repo+"/manifests/"+identifier, http.Header{"Content-Type": {mediaType}},
		func() (io.ReadCloser, int64, error) {
			return io.NopCloser(strings.NewReader(string(data))), int64(len(data)), nil
		})
	if err != nil {
		return "", err
	}
	if err := expectStatus(resp, http.StatusCreated, http.StatusOK, http.StatusAccepted); err != nil {
		return "", err
	}
	resp.Body.Close()
	return resp.Header.Get("Docker-Content-Digest"), nil
}

// checkPushPermission starts a blob upload and cancels it, like go-containerregistry's CheckPushPermission.
func (c *registryClient) checkPushPermission(ref reference) error {
	s, err := c.session(ref, true)
	if err != nil {
		return err
	}
	resp, err := s.do("POST", "/v2/"+s.repo+"/blobs/uploads/", http.Header{"Content-Length": {"0"}}, nil)
	if err != nil {
		return err
	}
	if err := expectStatus(resp, http.StatusAccepted, http.StatusCreated); err != nil {
		return err
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "" {
		if target, err := s.resolve(loc); err == nil {
			if r, err := s.do("DELETE", target, nil, nil); err == nil {
				r.Body.Close()
			}
		}
	}
	return nil
}

// retry runs f up to 1+retries times with kaniko's exponential back-off (1 s, 2 s, 4 s, ...).
func retry(retries int, what string, f func() error) error {
	delay := time.Second
	var err error
	for attempt := 0; attempt <= retries; attempt++ {
		if err = f(); err == nil {
			return nil
		}
		if attempt < retries {
			warnf("%s failed (attempt %d of %d): %v; retrying in %s", what, attempt+1, retries+1, err, delay)
			time.Sleep(delay)
			delay *= 2
		}
	}
	return err
}
