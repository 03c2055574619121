package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

type console struct {
	base   *url.URL
	client *http.Client
	debug  io.Writer
}

func newConsole(o *options, stderr io.Writer) (*console, error) {
	base, err := url.Parse(strings.TrimRight(o.address, "/"))
	if err != nil || base.Host == "" {
		return nil, toolFailure{fmt.Sprintf("invalid Console address %q: expected https://host[:port][/prefix]", o.address)}
	}
	switch base.Scheme {
	case "https":
	case "http":
		// The real tool accepts HTTPS only; the stand-in lets plain HTTP through for a simulator on loopback.
		host := base.Hostname()
		if ip := net.ParseIP(host); !(host == "localhost" || (ip != nil && ip.IsLoopback())) {
			return nil, toolFailure{fmt.Sprintf("the Console address must use https (got %s)", o.address)}
		}
	default:
		return nil, toolFailure{fmt.Sprintf("the Console address must use https (got %s)", o.address)}
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	// "If no CA certificate is specified, the connection to Console is insecure" (twistcli docs).
	tlsConfig := &tls.Config{InsecureSkipVerify: true} //nolint:gosec
	if o.tlsCACert != "" {
		pem, err := os.ReadFile(o.tlsCACert)
		if err != nil {
			return nil, toolFailure{fmt.Sprintf("failed to read the CA certificate %s: %v", o.tlsCACert, err)}
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, toolFailure{fmt.Sprintf("no PEM certificate in %s", o.tlsCACert)}
		}
		tlsConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	transport.TLSClientConfig = tlsConfig
	c := &console{base: base, client: &http.Client{Transport: transport, Timeout: 120 * time.Second}}
	if o.debug {
		c.debug = os.Stderr
	}
	return c, nil
}

func (c *console) endpoint(path string, query url.Values) string {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + path
	u.RawQuery = query.Encode()
	return u.String()
}

func (c *console) monitorURL(id string) string {
	return strings.TrimRight(c.base.String(), "/") + "/#!/monitor/vulnerabilities/images/ci?search=" + url.QueryEscape(id)
}

func (c *console) post(endpoint, token string, body interface{}) (int, []byte, error) {
	payload, err := json.Marshal(body)
	if err != nil {
		return 0, nil, toolFailure{err.Error()}
	}
	request, err := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(payload))
	if err != nil {
		return 0, nil, toolFailure{err.Error()}
	}
	request.Header.Set("Content-Type", "application/json")
	if token != "" {
		request.Header.Set("Authorization", "Bearer "+token)
	}
	if c.debug != nil {
		fmt.Fprintf(c.debug, "DEBUG POST %s\n", endpoint)
	}
	response, err := c.client.Do(request)
	if err != nil {
		return 0, nil, toolFailure{fmt.Sprintf("failed to connect to Console %s: %v", c.base.String(), err)}
	}
	defer response.Body.Close()
	data, err := io.ReadAll(io.LimitReader(response.Body, 64<<20))
	if err != nil {
		return 0, nil, toolFailure{fmt.Sprintf("failed to read the Console's answer: %v", err)}
	}
	if c.debug != nil {
		fmt.Fprintf(c.debug, "DEBUG %d (%d bytes)\n", response.StatusCode, len(data))
	}
	return response.StatusCode, data, nil
}

// authenticate returns the bearer token: --token as given, or one from /api/v1/authenticate.
func (c *console) authenticate(o *options) (string, error) {
	if o.token != "" {
		return o.token, nil
	}
	user, password := o.credentials()
	if password == "" {
		// The real tool prompts here, which hangs a CI job; the stand-in fails instead.
		return "", toolFailure{"no password: pass --password or set TWISTLOCK_PASSWORD (or use --token)"}
	}
	status, data, err := c.post(c.endpoint("/api/v1/authenticate", nil), "", map[string]string{"username": user, "password": password})
	if err != nil {
		return "", err
	}
	if status != http.StatusOK {
		return "", toolFailure{fmt.Sprintf("failed to authenticate with Console: %d %s", status, http.StatusText(status))}
	}
	var answer struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(data, &answer); err != nil || answer.Token == "" {
		return "", toolFailure{"failed to authenticate with Console: the answer has no token"}
	}
	return answer.Token, nil
}

type scanResult struct {
	raw    json.RawMessage
	fields map[string]json.RawMessage
}

func (c *console) twistcliScan(token, reportID string, o *options, inv *inventory) (*scanResult, error) {
	query := url.Values{}
	if o.project != "" {
		query.Set("project", o.project)
	}
	var jobName interface{}
	if name := os.Getenv("JOB_NAME"); name != "" {
		jobName = name
	}
	body := map[string]interface{}{
		"reportId":        reportID,
		"osDistro":        inv.distro,
		"osDistroRelease": inv.release,
		"packages":        inv.packages,
		"publish":         o.publish,
		"jobName":         jobName,
	}
	status, data, err := c.post(c.endpoint("/api/v1/simulator/twistcli-scan", query), token, body)
	if err != nil {
		return nil, err
	}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return nil, toolFailure{fmt.Sprintf("Console refused the scan: %d %s (check the token or the user's role)", status, http.StatusText(status))}
	case status != http.StatusOK:
		return nil, toolFailure{fmt.Sprintf("Console answered %d %s: %s", status, http.StatusText(status), strings.TrimSpace(string(data)))}
	}
	result := &scanResult{raw: json.RawMessage(data)}
	if err := json.Unmarshal(data, &result.fields); err != nil {
		return nil, toolFailure{fmt.Sprintf("the Console's scan result is not a JSON object: %v", err)}
	}
	return result, nil
}

// set replaces fields of the result (what twistcli knows better than the Console) and re-encodes it.
func (r *scanResult) set(fields map[string]interface{}) error {
	for name, value := range fields {
		raw, err := json.Marshal(value)
		if err != nil {
			return toolFailure{err.Error()}
		}
		r.fields[name] = raw
	}
	raw, err := json.Marshal(r.fields)
	if err != nil {
		return toolFailure{err.Error()}
	}
	r.raw = raw
	return nil
}

// passed reads both verdict flags; the Console may spell the vulnerability flag either way (prisma.md §1.5).
func (r *scanResult) passed() (bool, error) {
	vulnerabilities, ok := r.flag("vulnerabilityScanPassed")
	if !ok {
		vulnerabilities, ok = r.flag("vulnerabilitiesScanPassed")
	}
	if !ok {
		return false, toolFailure{"the Console's scan result has no vulnerabilityScanPassed flag"}
	}
	compliance, ok := r.flag("complianceScanPassed")
	if !ok {
		return false, toolFailure{"the Console's scan result has no complianceScanPassed flag"}
	}
	return vulnerabilities && compliance, nil
}

func (r *scanResult) flag(name string) (bool, bool) {
	raw, ok := r.fields[name]
	if !ok {
		return false, false
	}
	var value bool
	if err := json.Unmarshal(raw, &value); err != nil {
		return false, false
	}
	return value, true
}
