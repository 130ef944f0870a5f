package backup

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Tool finds pg_dump and pg_restore: in bin when it is set, else on PATH,
// else in the newest /usr/lib/postgresql/N/bin, where Debian and Ubuntu
// install them without putting them on PATH.
func Tool(bin, name string) (string, error) {
	if bin != "" {
		p := filepath.Join(bin, name)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s not found in %s (FACHNETZ_PG_BIN)", name, bin)
		}
		return p, nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return major(dirs[i]) > major(dirs[j]) })
	for _, d := range dirs {
		if p := filepath.Join(d, name); fileExists(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found: install the PostgreSQL client (apt-get install postgresql-client) or set FACHNETZ_PG_BIN to its directory", name)
}

func major(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// runTool runs a PostgreSQL program against databaseURL. The password
// goes through PGPASSWORD, not the command line, where every local user
// could read it.
func runTool(ctx context.Context, tool, databaseURL string, args ...string) error {
	conn, password, err := splitPassword(databaseURL)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, tool, append(args, "--dbname="+conn)...)
	cmd.Env = os.Environ()
	if password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+password)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", filepath.Base(tool), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

func splitPassword(databaseURL string) (string, string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", "", fmt.Errorf("database URL: %w", err)
	}
	password, _ := u.User.Password()
	if password != "" {
		u.User = url.User(u.User.Username())
	}
	return u.String(), password, nil
}
