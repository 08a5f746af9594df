package main

import (
	"encoding/json"
	"io"
	"math"
	"strings"
	"testing"
)

// askLines decodes faq ask's output, one JSON object a line.
func askLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatalf("not a JSON line: %q: %v", line, err)
		}
		for _, key := range []string{"question", "id", "score", "suggestions"} {
			if _, ok := v[key]; !ok {
				t.Errorf("%q has no %q", line, key)
			}
		}
		if _, ok := v["suggestions"].([]any); !ok {
			t.Errorf("%q: suggestions is not a list", line)
		}
		if s, _ := v["score"].(float64); s < 0 || s > 1 || math.Abs(s*1000-math.Round(s*1000)) > 1e-6 {
			t.Errorf("%q: score is not from 0 to 1 in thousandths", line)
		}
		lines = append(lines, v)
	}
	return lines
}

func TestFAQAskAnswersAQuestion(t *testing.T) {
	dir := writePack(t, fixture)
	tests := []struct {
		args []string
		id   any // nil: JSON null
	}{
		{args: []string{"--dir", dir, "--lang", "uk", "як записатися до сервісного центру"}, id: "booking_how"},
		{args: []string{"--dir", dir, "обмен", "прав"}, id: "licence_exchange"},
		{args: []string{"--dir", dir, "погода в києві завтра"}, id: nil},
		{args: []string{"--dir", dir, "жива"}, id: nil}, // only the hidden entry has this word
		{args: []string{"--pack", "hsc", "погода в києві завтра"}, id: nil},
		{args: []string{"--pack", "mfc", "погода в москве завтра"}, id: nil},
	}
	for _, tt := range tests {
		out := mustRun(t, env(), append([]string{"faq", "ask"}, tt.args...)...)
		lines := askLines(t, out)
		if len(lines) != 1 {
			t.Fatalf("faq ask %v: %d lines; want 1", tt.args, len(lines))
		}
		if got := lines[0]["id"]; got != tt.id {
			t.Errorf("faq ask %v: id %v; want %v", tt.args, got, tt.id)
		}
		if q := tt.args[len(tt.args)-1]; !strings.HasSuffix(lines[0]["question"].(string), q) {
			t.Errorf("faq ask %v: question %q", tt.args, lines[0]["question"])
		}
	}
	out := mustRun(t, env(), "faq", "ask", "--dir", dir, "--lang", "ru", "запись в очередь")
	if l := askLines(t, out)[0]; l["lang"] != "ru" || l["question"] != "запись в очередь" {
		t.Errorf("--lang ru: %s", out)
	}
	if code, _, _ := servicebot(env(), "faq", "ask", "--lang", "de", "x"); code != 1 {
		t.Errorf("--lang de: exit %d; want 1", code)
	}
}

func TestFAQAskReadsQuestionsFromStdin(t *testing.T) {
	dir := writePack(t, fixture)
	defer func(old io.Reader) { stdin = old }(stdin)
	stdin = strings.NewReader("обмін прав\n\n   \r\nпогода в києві завтра\r\n  запись в очередь  \n")

	lines := askLines(t, mustRun(t, env(), "faq", "ask", "--dir", dir))
	want := []struct {
		q  string
		id any
	}{
		{"обмін прав", "licence_exchange"},
		{"погода в києві завтра", nil},
		{"запись в очередь", "booking_how"},
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines for %d questions: %v", len(lines), len(want), lines)
	}
	for i, w := range want {
		if lines[i]["question"] != w.q || lines[i]["id"] != w.id {
			t.Errorf("line %d: %v; want question %q, id %v", i+1, lines[i], w.q, w.id)
		}
	}
}
