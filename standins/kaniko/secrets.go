package main

import (
	"fmt"
	"os"
	"strings"
)

// secretValue is a --secret read at start-up, so wiping the root between stages cannot lose its source.
type secretValue struct {
	data []byte
}

// loadSecrets parses the osscontainertools fork's --secret id=X[,src=/file][,env=VAR][,type=file|env].
func loadSecrets(specs []string) (map[string]secretValue, error) {
	out := map[string]secretValue{}
	for _, spec := range specs {
		fields := map[string]string{}
		for _, part := range strings.Split(spec, ",") {
			k, v, ok := strings.Cut(part, "=")
			if !ok {
				return nil, fmt.Errorf("invalid --secret %q: expected key=value pairs", redactSpec(spec))
			}
			switch k {
			case "id", "src", "source", "env", "type":
				fields[k] = v
			default:
				return nil, fmt.Errorf("invalid --secret: unknown key %q", k)
			}
		}
		id := fields["id"]
		if id == "" {
			return nil, fmt.Errorf("invalid --secret: id is required")
		}
		src := fields["src"]
		if src == "" {
			src = fields["source"]
		}
		env := fields["env"]
		switch fields["type"] {
		case "", "file", "env":
		default:
			return nil, fmt.Errorf("invalid --secret %s: type must be file or env", id)
		}
		if fields["type"] == "env" && env == "" {
			env = src
			src = ""
			if env == "" {
				env = id
			}
		}
		if src == "" && env == "" {
			if _, ok := os.LookupEnv(id); ok {
				env = id
			} else {
				src = id
			}
		}
		if env != "" {
			v, ok := os.LookupEnv(env)
			if !ok {
				return nil, fmt.Errorf("secret %s: environment variable %s is not set", id, env)
			}
			out[id] = secretValue{data: []byte(v)}
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return nil, fmt.Errorf("secret %s: reading %s: %w", id, src, err)
		}
		out[id] = secretValue{data: data}
	}
	return out, nil
}

func redactSpec(spec string) string {
	id := ""
	for _, part := range strings.Split(spec, ",") {
		if strings.HasPrefix(part, "id=") {
			id = part
		}
	}
	return id + ",…"
}
