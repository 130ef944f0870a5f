package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// The operator commands that make something with a slug and a name, and
// their lists, through the one database connection every command opens.
func TestOperatorCommandsAddAndList(t *testing.T) {
	env := testEnv(t, nil)
	cmd := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, env, strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	suffix := fmt.Sprint(time.Now().UnixNano() % 1_000_000_000)
	agency, group := "cli-amt-"+suffix, "cli-team-"+suffix

	if code, out, errOut := cmd("agencies", "add", agency, "--name", "Amt für Tests"); code != 0 || out != "created agency "+agency+" (Amt für Tests)\n" {
		t.Fatalf("agencies add: %d, %q, %q", code, out, errOut)
	}
	if code, _, errOut := cmd("agencies", "add", agency+"-2", "--name", "Rat"); code != 0 {
		t.Fatalf("agencies add: %d, %q", code, errOut)
	}
	if code, out, _ := cmd("agencies", "list"); code != 0 || !hasRow(out, "SLUG", "NAME") || !hasRow(out, agency, "Amt", "für", "Tests") || !hasRow(out, agency+"-2", "Rat") {
		t.Errorf("agencies list: %d, %q, want the agency in aligned columns", code, out)
	}
	if code, _, errOut := cmd("agencies", "add", agency, "--name", "Noch einmal"); code == 0 || !strings.Contains(errOut, "agencies add "+agency) {
		t.Errorf("agencies add of a taken slug: %d, %q, want an error naming the command", code, errOut)
	}
	if code, _, errOut := cmd("agencies", "add", "cli-ohne-"+suffix); code != 2 || !strings.Contains(errOut, "agencies add: --name is required") {
		t.Errorf("agencies add without a name: %d, %q", code, errOut)
	}
	if code, _, errOut := cmd("groups", "add", "--name", "Team"); code != 2 || !strings.Contains(errOut, "usage: fachnetz groups add SLUG --name NAME") {
		t.Errorf("groups add without a slug: %d, %q", code, errOut)
	}

	if code, out, errOut := cmd("groups", "add", group, "--name", "Team Test"); code != 0 || out != "created group @"+group+" (Team Test)\n" {
		t.Fatalf("groups add: %d, %q, %q", code, out, errOut)
	}
	if code, out, _ := cmd("groups", "list"); code != 0 || !hasRow(out, "@"+group, "Team", "Test", "0") {
		t.Errorf("groups list: %d, %q, want the group with no members", code, out)
	}
	if code, out, _ := cmd("users", "list"); code != 0 || !hasRow(out, "HANDLE", "E-MAIL", "NAME", "AGENCY", "ROLES", "STATUS") {
		t.Errorf("users list: %d, %q, want a table", code, out)
	}
}

// hasRow reports whether a line of a table consists of the fields.
func hasRow(table string, fields ...string) bool {
	for _, line := range strings.Split(table, "\n") {
		if slices.Equal(strings.Fields(line), fields) {
			return true
		}
	}
	return false
}
