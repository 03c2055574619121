package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
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

func printResult(stdout io.Writer, o *options, inv *inventory, result *scanResult, passed bool) {
	var vulnerabilities []vulnerability
	if raw, ok := result.fields["vulnerabilities"]; ok {
		_ = json.Unmarshal(raw, &vulnerabilities)
	}
	counts := map[string]int{}
	for _, v := range vulnerabilities {
		counts[strings.ToLower(v.Severity)]++
	}
	vulnerabilityPassed, _ := result.flag("vulnerabilityScanPassed")
	if _, ok := result.fields["vulnerabilityScanPassed"]; !ok {
		vulnerabilityPassed, _ = result.flag("vulnerabilitiesScanPassed")
	}
	compliancePassed, _ := result.flag("complianceScanPassed")
	fmt.Fprintf(stdout, "Scan results for: image %s (%s %s, %d packages)\n", o.image, inv.distro, inv.release, len(inv.packages))
	fmt.Fprintf(stdout, "Vulnerabilities found for image %s: total - %d, critical - %d, high - %d, medium - %d, low - %d\n",
		o.image, len(vulnerabilities), counts["critical"], counts["high"], counts["medium"]+counts["moderate"]+counts["important"], counts["low"])
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

func passFail(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}
