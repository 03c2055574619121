package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// writeOutput writes {"results":[result],"consoleURL":…} whole or not at all: a temporary file renamed into place.
func writeOutput(path string, result *scanResult, consoleURL string) error {
	document := struct {
		Results    []json.RawMessage `json:"results"`
		ConsoleURL string            `json:"consoleURL"`
	}{[]json.RawMessage{result.raw}, consoleURL}
	data, err := json.MarshalIndent(document, "", "  ")
	if err != nil {
		return toolFailure{err.Error()}
	}
	partial, err := os.CreateTemp(filepath.Dir(path), ".twistcli-output-*")
	if err != nil {
		return toolFailure{fmt.Sprintf("failed to write the output file %s: %v", path, err)}
	}
	_, writeErr := partial.Write(data)
	closeErr := partial.Close()
	if writeErr == nil {
		writeErr = closeErr
	}
	if writeErr == nil {
		writeErr = os.Chmod(partial.Name(), 0o644)
	}
	if writeErr == nil {
		writeErr = os.Rename(partial.Name(), path)
	}
	if writeErr != nil {
		_ = os.Remove(partial.Name())
		return toolFailure{fmt.Sprintf("failed to write the output file %s: %v", path, writeErr)}
	}
	return nil
}

type vulnerability struct {
	ID             string      `json:"id"`
	Severity       string      `json:"severity"`
	CVSS           json.Number `json:"cvss"`
	PackageName    string      `json:"packageName"`
	PackageVersion string      `json:"packageVersion"`
	Status         string      `json:"status"`
}

func printResult(stdout io.Writer, o *options, subject string, inv *inventory, result *scanResult, passed bool) {
	var vulnerabilities []vulnerability
	if raw, ok := result.fields["vulnerabilities"]; ok {
		_ = json.Unmarshal(raw, &vulnerabilities)
	}
	counts := distribution(result, vulnerabilities)
	vulnerabilityPassed, _ := result.flag("vulnerabilityScanPassed")
	if _, ok := result.fields["vulnerabilityScanPassed"]; !ok {
		vulnerabilityPassed, _ = result.flag("vulnerabilitiesScanPassed")
	}
	compliancePassed, _ := result.flag("complianceScanPassed")
	fmt.Fprintf(stdout, "Scan results for: image %s (%s %s, %d packages)\n", subject, inv.distro, inv.release, len(inv.packages))
	fmt.Fprintf(stdout, "Vulnerabilities found for image %s: total - %d, critical - %d, high - %d, medium - %d, low - %d\n",
		subject, counts["total"], counts["critical"], counts["high"], counts["medium"], counts["low"])
	fmt.Fprintf(stdout, "Vulnerability threshold check results: %s\n", passFail(vulnerabilityPassed))
	fmt.Fprintf(stdout, "Compliance threshold check results: %s\n", passFail(compliancePassed))
	if o.details && len(vulnerabilities) > 0 {
		sort.SliceStable(vulnerabilities, func(i, j int) bool { return vulnerabilities[i].ID < vulnerabilities[j].ID })
		table := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(table, "CVE\tSEVERITY\tCVSS\tPACKAGE\tVERSION\tSTATUS")
		for _, v := range vulnerabilities {
			fmt.Fprintf(table, "%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, v.Severity, v.CVSS.String(), v.PackageName, v.PackageVersion, v.Status)
		}
		_ = table.Flush()
	}
	if !passed {
		fmt.Fprintln(stdout, "Scan failed the Console's CI policy")
	}
}

// distribution is the Console's vulnerabilityDistribution, as twistcli prints it. Without one, the findings are
// counted into the Console's four buckets (important → high, moderate → medium, every other severity → low),
// so the buckets always add up to the total: an open-ended severity such as "unimportant" is never dropped.
func distribution(result *scanResult, vulnerabilities []vulnerability) map[string]int {
	buckets := []string{"critical", "high", "medium", "low", "total"}
	if raw, ok := result.fields["vulnerabilityDistribution"]; ok {
		var given map[string]json.RawMessage
		if json.Unmarshal(raw, &given) == nil {
			counts := map[string]int{}
			complete := true
			for _, bucket := range buckets {
				n, ok := number(given[bucket])
				complete = complete && ok
				counts[bucket] = n
			}
			if complete && counts["critical"]+counts["high"]+counts["medium"]+counts["low"] == counts["total"] {
				return counts
			}
		}
	}
	counts := map[string]int{"total": len(vulnerabilities)}
	for _, v := range vulnerabilities {
		switch strings.ToLower(strings.TrimSpace(v.Severity)) {
		case "critical":
			counts["critical"]++
		case "high", "important":
			counts["high"]++
		case "medium", "moderate":
			counts["medium"]++
		default:
			counts["low"]++
		}
	}
	return counts
}

// number reads a count the Console may send as a number or as a string.
func number(raw json.RawMessage) (int, bool) {
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return n, true
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		if parsed, err := strconv.Atoi(text); err == nil {
			return parsed, true
		}
	}
	return 0, false
}

func passFail(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}
