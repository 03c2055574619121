#!/bin/sh
# twistcli stand-in, shell variant (CONTRACTS.md §2), for images that have a busybox shell (sh, awk, sed, wget).
# Same command line and exit codes as the Go stand-in; it supports a subset:
#   - --containerized only (no --tarball, no Docker mode); --details prints the summary lines, no table;
#   - http:// Console addresses on 127.0.0.1/localhost, or https:// as far as busybox wget can (no --tlscacert:
#     it exits 1 when one is given, as it cannot check a certificate);
#   - --token, or --user/--password (and TWISTLOCK_USER / TWISTLOCK_PASSWORD) through /api/v1/authenticate.
# Policy failure: output file written, exit 1. Tool failure: message on stderr, no output file, exit 1.
ROOT=${KANIKOBUILD_TWISTCLI_ROOT:-}
fail() { [ -n "$output" ] && rm -f "$output"; echo "Error: $*" >&2; exit 1; }
usage() { echo "Incorrect Usage: $*" >&2; exit 1; }

address= user= password= token= output= details=false containerized=false publish=true project= cacert= image=
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
  case "$1" in --debug|-debug) shift ;; *) usage "flag provided but not defined: -${1##*-}" ;; esac
done
[ "$1" = images ] && [ "$2" = scan ] || usage "expected 'twistcli [global options] images scan [options] IMAGE'"
shift 2
while [ $# -gt 0 ]; do
  arg=$1; shift
  case "$arg" in -*) ;; *) image=$arg; break ;; esac
  name=${arg#-}; name=${name#-}; value=; hasvalue=false
  case "$name" in *=*) value=${name#*=}; name=${name%%=*}; hasvalue=true ;; esac
  case "$name" in
    address|u|user|p|password|token|output-file|project|tlscacert)
      if [ $hasvalue = false ]; then [ $# -gt 0 ] || usage "flag needs an argument: -$name"; value=$1; shift; fi
      case "$name" in
        address) address=$value ;; u|user) user=$value ;; p|password) password=$value ;; token) token=$value ;;
        output-file) output=$value ;; project) project=$value ;; tlscacert) cacert=$value ;;
      esac ;;
    details|containerized|publish|custom-labels|tarball)
      [ $hasvalue = true ] || value=true
      case "$value" in true|TRUE|True|1) value=true ;; false|FALSE|False|0) value=false ;; *) usage "invalid boolean value \"$value\" for -$name: parse error" ;; esac
      case "$name" in details) details=$value ;; containerized) containerized=$value ;; publish) publish=$value ;; tarball) [ $value = true ] && fail "the shell stand-in does not support --tarball" ;; esac ;;
    *) usage "flag provided but not defined: -$name" ;;
  esac
done
[ -n "$image" ] || usage "missing image or report id; expected it as the last argument"
[ -n "$address" ] || usage "--address is required (the Console URL, e.g. https://console:8083)"
[ $containerized = true ] || fail "failed to connect to the container runtime (the shell stand-in scans only with --containerized)"
[ -z "$cacert" ] || fail "the shell stand-in cannot check --tlscacert; use the Go stand-in"
address=${address%/}
case "$address" in
  https://*) ;;
  http://127.0.0.1[:/]*|http://127.0.0.1|http://localhost[:/]*|http://localhost) ;;
  *) fail "the Console address must use https (got $address)" ;;
esac

json() { printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | awk 'BEGIN{ORS=""} NR>1{print "\\n"} {print}'; }
distro=unknown release=unknown
if [ -f "$ROOT/etc/os-release" ]; then
  distro=$(sed -n 's/^ID=//p' "$ROOT/etc/os-release" | tr -d "\"'"); [ -n "$distro" ] || distro=unknown
  release=$(sed -n 's/^VERSION_ID=//p' "$ROOT/etc/os-release" | tr -d "\"'"); [ -n "$release" ] || release=unknown
fi
packages='[]'
db="$ROOT/lib/apk/db/installed"
if [ -e "$db" ]; then
  [ -r "$db" ] || fail "failed to read the package database /lib/apk/db/installed"
  packages=$(awk 'function flush(){ if (n != "") { gsub(/\\/,"\\\\",n); gsub(/"/,"\\\"",n); gsub(/\\/,"\\\\",v); gsub(/"/,"\\\"",v);
      out = out sep "{\"type\":\"os\",\"name\":\"" n "\",\"version\":\"" v "\",\"path\":\"/lib/apk/db/installed\"}"; sep="," } n=""; v="" }
    { sub(/\r$/,"") } /^$/ { flush(); next } /^P:/ { n=substr($0,3) } /^V:/ { v=substr($0,3) }
    END { flush(); print "[" out "]" }' "$db") || fail "failed to read the package database /lib/apk/db/installed"
fi

tmp=$(mktemp -d) || fail "no temporary directory"
trap 'rm -rf "$tmp"' EXIT
post() { # post PATH BODY [TOKEN] -> writes $tmp/answer, prints the HTTP status
  if [ -n "$3" ]; then
    wget -S -q -O "$tmp/answer" --header "Content-Type: application/json" --header "Authorization: Bearer $3" --post-data "$2" "$address$1" 2>"$tmp/headers"
  else
    wget -S -q -O "$tmp/answer" --header "Content-Type: application/json" --post-data "$2" "$address$1" 2>"$tmp/headers"
  fi
  awk '$1 ~ /^HTTP\// { s=$2 } END{ print s+0 }' "$tmp/headers"
}

if [ -z "$token" ]; then
  [ -n "$user" ] || user=${TWISTLOCK_USER:-admin}
  [ -n "$password" ] || password=${TWISTLOCK_PASSWORD:-}
  [ -n "$password" ] || fail "no password: pass --password or set TWISTLOCK_PASSWORD (or use --token)"
  status=$(post /api/v1/authenticate "{\"username\":\"$(json "$user")\",\"password\":\"$(json "$password")\"}")
  [ "$status" = 200 ] || fail "failed to authenticate with Console: $status"
  token=$(sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$tmp/answer")
  [ -n "$token" ] || fail "failed to authenticate with Console: the answer has no token"
fi

query=
[ -z "$project" ] || query="?project=$(printf '%s' "$project" | sed 's/%/%25/g; s/ /%20/g; s/&/%26/g; s/#/%23/g; s/+/%2B/g')"
job=null
[ -z "${JOB_NAME:-}" ] || job="\"$(json "$JOB_NAME")\""
body="{\"reportId\":\"$(json "$image")\",\"osDistro\":\"$(json "$distro")\",\"osDistroRelease\":\"$(json "$release")\",\"packages\":$packages,\"publish\":$publish,\"jobName\":$job}"
status=$(post "/api/v1/simulator/twistcli-scan$query" "$body" "$token")
case "$status" in
  200) ;;
  401|403) fail "Console refused the scan: $status (check the token or the user's role)" ;;
  0) fail "failed to connect to Console $address" ;;
  *) fail "Console answered $status" ;;
esac
flag() { tr -d ' \n\r\t' < "$tmp/answer" | sed -n "s/.*\"$1\":\(true\|false\).*/\1/p"; }
vulnerabilities=$(flag vulnerabilityScanPassed); [ -n "$vulnerabilities" ] || vulnerabilities=$(flag vulnerabilitiesScanPassed)
compliance=$(flag complianceScanPassed)
[ -n "$vulnerabilities" ] || fail "the Console's scan result has no vulnerabilityScanPassed flag"
[ -n "$compliance" ] || fail "the Console's scan result has no complianceScanPassed flag"

if [ -n "$output" ]; then
  partial="$output.partial.$$"
  { printf '{"results":['; cat "$tmp/answer"; printf '],"consoleURL":"%s/#!/monitor/vulnerabilities/images/ci?search=%s"}\n' "$(json "$address")" "$(json "$image")"; } > "$partial" \
    && mv -f "$partial" "$output" || { rm -f "$partial"; fail "failed to write the output file $output"; }
fi
pf() { [ "$1" = true ] && echo PASS || echo FAIL; }
echo "Scan results for: image $image ($distro $release)"
echo "Vulnerability threshold check results: $(pf "$vulnerabilities")"
echo "Compliance threshold check results: $(pf "$compliance")"
[ "$vulnerabilities" = true ] && [ "$compliance" = true ] && exit 0
echo "Scan failed the Console's CI policy"
exit 1
