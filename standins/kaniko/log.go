package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// Logging shaped like kaniko's logrus output ("INFO[0001] message"), so log readers written for the real
// executor read the stand-in's too.

type level int

const (
	levelPanic level = iota
	levelFatal
	levelError
	levelWarn
	levelInfo
	levelDebug
	levelTrace
)

var levelNames = map[string]level{"panic": levelPanic, "fatal": levelFatal, "error": levelError, "warn": levelWarn,
	"warning": levelWarn, "info": levelInfo, "debug": levelDebug, "trace": levelTrace}

var logger = struct {
	sync.Mutex
	level  level
	format string
	start  time.Time
}{level: levelInfo, format: "text", start: time.Now()}

func configureLogging(verbosity, format string) error {
	l, ok := levelNames[strings.ToLower(verbosity)]
	if !ok {
		return fmt.Errorf("not a valid logrus Level: %q", verbosity)
	}
	switch format {
	case "text", "color", "json":
	default:
		return fmt.Errorf("not a valid log format: %q. Please specify one of (text, color, json)", format)
	}
	logger.level = l
	logger.format = format
	return nil
}

func logAt(l level, name string, msg string, args ...interface{}) {
	if l > logger.level {
		return
	}
	if len(args) > 0 {
		msg = fmt.Sprintf(msg, args...)
	}
	logger.Lock()
	defer logger.Unlock()
	if logger.format == "json" {
		b, _ := json.Marshal(map[string]string{"level": strings.ToLower(name), "msg": msg, "time": time.Now().UTC().Format(time.RFC3339)})
		fmt.Fprintln(os.Stderr, string(b))
		return
	}
	elapsed := int(time.Since(logger.start).Seconds())
	fmt.Fprintf(os.Stderr, "%s[%04d] %s\n", name, elapsed, msg)
}

func infof(msg string, args ...interface{})  { logAt(levelInfo, "INFO", msg, args...) }
func warnf(msg string, args ...interface{})  { logAt(levelWarn, "WARN", msg, args...) }
func debugf(msg string, args ...interface{}) { logAt(levelDebug, "DEBU", msg, args...) }
func tracef(msg string, args ...interface{}) { logAt(levelTrace, "TRAC", msg, args...) }
