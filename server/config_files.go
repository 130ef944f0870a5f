package main

import (
	"fmt"
	"os"
	"strings"
)

// readMeiliKeyFile takes the Meilisearch key from a file, as compose.yaml
// hands over the scoped key its one-shot step created: the server's
// environment then holds no key at all, and never the master key.
func readMeiliKeyFile(c *Config, path string) error {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot be read: %v", err)
	}
	key := strings.TrimSpace(string(b))
	if key == "" {
		return fmt.Errorf("holds no key")
	}
	c.MeiliKey = key
	return nil
}
