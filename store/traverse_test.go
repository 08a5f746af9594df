package store

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Run as root, the private server's user must reach DATA_DIR: a parent
// it cannot enter gets search permission, and the warning says which
// directory and its new mode in octal, as ls and chmod write it.
func TestTraversableLogsTheModeInOctal(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "home")
	dir := filepath.Join(parent, "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(parent, 0o700); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	e := &Embedded{
		cred: &syscall.Credential{Uid: 65534, Gid: 65534}, // not us, nor our group
		log:  slog.New(slog.NewJSONHandler(&logs, nil)),
	}
	if err := e.ensureTraversable(dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(parent)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o701 {
		t.Errorf("%s has mode %#o; want 0701", parent, fi.Mode().Perm())
	}
	if !strings.Contains(logs.String(), `"dir":"`+parent+`","mode":"0701"`) {
		t.Errorf("the warning does not name %s with mode 0701:\n%s", parent, logs.String())
	}
}
