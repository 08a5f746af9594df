package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// faq eval counts by topic: an answer from a right category is right, an
// off-topic question must get none, and each miss is listed.
func TestFAQEvalCountsByTopic(t *testing.T) {
	dir := writePack(t, fixture)
	set := filepath.Join(t.TempDir(), "set.tsv")
	tsv := "pack\tlang\ttopic\tquestion\n" +
		"tst\tuk\tbooking\tяк записатися до сервісного центру\n" +
		"tst\tuk\tbooking|licence\tобмін прав\n" +
		"tst\tru\tlicence\tзапись в очередь\n" +
		"tst\tru\tout_of_scope\tпогода в москве завтра\n"
	if err := os.WriteFile(set, []byte(tsv), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, env(), "faq", "eval", "--dir", dir, set)
	for _, want := range []string{
		"| tst | uk | 2 | 100.0% (2) | 0.0% (0) | 0.0% (0) | 100.0% (2) | 0 | – |",
		"| tst | ru | 1 | 0.0% (0) | 100.0% (1) | 0.0% (0) | 0.0% (0) | 1 | 0.0% (0) |",
		`line 4 tst/ru [licence] "запись в очередь": wrong`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("faq eval: no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "line 2 ") {
		t.Errorf("faq eval lists a question answered right as a miss:\n%s", out)
	}

	if err := os.WriteFile(set, []byte("tst\tuk\tbooking\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := servicebot(env(), "faq", "eval", "--dir", dir, set); code != 1 || !strings.Contains(errOut, "line 1: 3 columns") {
		t.Errorf("a line of 3 columns: exit %d, %q; want 1 and the line named", code, errOut)
	}
}
