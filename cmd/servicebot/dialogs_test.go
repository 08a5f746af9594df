package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"servicebot/cmd/internal/config"
	"servicebot/dialogs"
	"servicebot/store/pgtest"
)

// A small pack that validates: two visible entries and a hidden one, with a
// multi-line answer, HTML, links, related and phrasings.
var fixture = map[string]string{
	"pack.yaml": `id: tst
name: {uk: "Тестовий центр", ru: "Тестовый центр"}
languages: [uk, ru]
timezone: Europe/Kyiv
categories:
  - id: booking
    title: {uk: "Запис", ru: "Запись"}
  - id: licence
    title: {uk: "Посвідчення водія", ru: "Водительское"}
`,
	"services.yaml": `services:
  - id: licence_exchange
    name: {uk: "Обмін посвідчення", ru: "Обмен удостоверения"}
`,
	"centres.yaml": `centres:
  - id: kyiv1
    name: {uk: "ТСЦ № 1", ru: "ТСЦ № 1"}
    city: {uk: "Київ", ru: "Киев"}
    address: {uk: "вул. Тестова, 1"}
    lat: 50.45
    lon: 30.52
    services: [licence_exchange]
`,
	"faq.yaml": `entries:
  - id: booking_how
    category: booking
    question:
      uk: "Як записатися до сервісного центру?"
      ru: "Как записаться в сервисный центр?"
    phrasings:
      uk: ["запис у чергу", "електронна черга тсц", "як записатись на прийом"]
      ru: ["запись в очередь", "электронная очередь тсц"]
    answer:
      uk: |-
        <b>Е-запис</b> — безкоштовно.
        Слоти відкриваються на 21 день уперед &amp; швидко зникають.
      ru: |
        <b>Е-запис</b> — бесплатно.
        Слоты открываются на 21 день вперёд &amp; быстро исчезают.
    links:
      - title: {uk: "Е-запис", ru: "Е-запис"}
        url: https://eq.hsc.gov.ua
    related: [licence_exchange]

  - id: licence_exchange
    category: licence
    question: {uk: "Як обміняти посвідчення водія?", ru: "Как обменять водительское удостоверение?"}
    phrasings:
      uk: ["обмін прав", "заміна посвідчення водія", "obmin prav"]
      ru: ["обмен прав", "замена водительского"]
    answer: {uk: "Обміняти можна в будь-якому ТСЦ або в «Дії».", ru: "Обменять можно в любом ТСЦ или в «Дії»."}

  - id: old_queue
    category: booking
    question: {uk: "Жива черга", ru: "Живая очередь"}
    answer: {uk: "Живої черги більше немає.", ru: "Живой очереди больше нет."}
    hidden: true
`,
}

// writePack writes files into a new folder and returns it.
func writePack(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// with returns a copy of files with some replaced.
func with(files map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range files {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// servicebot runs the command and returns its exit code, stdout and stderr.
func servicebot(getenv func(string) string, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, getenv, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// mustRun runs the command and fails the test unless it succeeds.
func mustRun(t *testing.T, getenv func(string) string, args ...string) string {
	t.Helper()
	code, out, errOut := servicebot(getenv, args...)
	if code != 0 {
		t.Fatalf("servicebot %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// lineOf is the line number of the first line of text containing marker.
func lineOf(t *testing.T, text, marker string) int {
	t.Helper()
	for i, line := range strings.Split(text, "\n") {
		if strings.Contains(line, marker) {
			return i + 1
		}
	}
	t.Fatalf("no %q in the text", marker)
	return 0
}

func TestDialogsValidateShippedPacks(t *testing.T) {
	for id := range config.KnownPacks {
		t.Run(id, func(t *testing.T) {
			out := mustRun(t, env("DIALOGS_PACK", id), "dialogs", "validate")
			if !strings.HasPrefix(out, "ok: "+id+": ") || strings.HasPrefix(out, "ok: "+id+": 0 entries") {
				t.Errorf("validate %s: %q; want ok with entries", id, out)
			}
		})
	}
	out := mustRun(t, env(), "dialogs", "validate", "--all")
	for id := range config.KnownPacks {
		if !strings.Contains(out, "ok: "+id+": ") {
			t.Errorf("validate --all does not report %s:\n%s", id, out)
		}
	}
}

func TestDialogsValidateFolder(t *testing.T) {
	dir := writePack(t, fixture)
	out := mustRun(t, env(), "dialogs", "validate", dir)
	if out != "ok: tst: 3 entries, 1 centres, 2 categories\n" {
		t.Errorf("validate %s: %q", dir, out)
	}
}

func TestDialogsValidateReportsWhereProblemsAre(t *testing.T) {
	faq := strings.Replace(fixture["faq.yaml"], "related: [licence_exchange]", "related: [licence_exchange, nope]", 1) + `
  - id: booking_how # again
    category: booking
    question: {uk: "Дубль", ru: "Дубль"}
    answer: {uk: "Дубль", ru: "Дубль"}

  - id: bad_html
    category: booking
    question: {uk: "Погана розмітка", ru: "Плохая разметка"}
    answer: {uk: "<b>x", ru: "<b>x</b>"}

  - id: no_ru
    category: licence
    question: {uk: "Лише українською"}
    answer: {uk: "Так", ru: "Да"}
`
	centres := fixture["centres.yaml"] + `  - id: lviv2
    name: {uk: "ТСЦ № 2", ru: "ТСЦ № 2"}
    city: {uk: "Львів", ru: "Львов"}
    address: {uk: "вул. Тестова, 2"}
    lat: 49.84
    lon: 24.02
    services: [teleport]
`
	dir := writePack(t, with(fixture, "faq.yaml", faq, "centres.yaml", centres))
	faqFile, centresFile := filepath.Join(dir, "faq.yaml"), filepath.Join(dir, "centres.yaml")
	pos := func(file, text, marker string) string {
		return fmt.Sprintf("%s:%d", file, lineOf(t, text, marker))
	}
	first := pos(faqFile, faq, "id: booking_how")
	want := []struct{ where, says string }{
		{pos(centresFile, centres, "id: lviv2"), `centre lviv2: service "teleport"`},
		{first, `related entry "nope" does not exist`},
		{pos(faqFile, faq, "id: booking_how # again"), `entry id "booking_how" is used twice (first at ` + first + ")"},
		{pos(faqFile, faq, "id: bad_html"), "entry bad_html answer (uk): Telegram cannot parse the HTML"},
		{pos(faqFile, faq, "id: no_ru"), "entry no_ru question: no ru text"},
	}

	code, out, errOut := servicebot(env(), "dialogs", "validate", dir)
	if code != 1 {
		t.Errorf("exit %d; want 1", code)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	for _, w := range want {
		found := false
		for _, line := range lines {
			if strings.HasPrefix(line, w.where+": ") && strings.Contains(line, w.says) {
				found = true
			}
		}
		if !found {
			t.Errorf("no problem %s: …%s… in:\n%s", w.where, w.says, out)
		}
	}
	if len(lines) != len(want) {
		t.Errorf("%d problems reported; want %d:\n%s", len(lines), len(want), out)
	}
	if !strings.Contains(errOut, "5 problems") {
		t.Errorf("stderr %q does not count the problems", errOut)
	}

	// import refuses before it goes near the database.
	nowhere := env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
	code, out, errOut = servicebot(nowhere, "dialogs", "import", dir)
	if code != 1 || !strings.Contains(out, "is used twice") || !strings.Contains(errOut, "nothing imported") {
		t.Errorf("import of a broken pack: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	noFAQ := writePack(t, with(fixture, "faq.yaml", "entries: []\n"))
	code, _, errOut = servicebot(nowhere, "dialogs", "import", noFAQ)
	if code != 1 || !strings.Contains(errOut, "no FAQ entries") {
		t.Errorf("import of a pack with no entries: exit %d, %q", code, errOut)
	}
}

func TestDialogsImportExportRoundTrip(t *testing.T) {
	getenv := env("DATABASE_URL", pgtest.URL(t))
	src := writePack(t, fixture)
	if out := mustRun(t, getenv, "dialogs", "import", src); out != "imported tst: 3 added, 0 changed, 0 removed\n" {
		t.Errorf("first import: %q", out)
	}

	dir := filepath.Join(t.TempDir(), "live", "tst")
	if out := mustRun(t, getenv, "dialogs", "export", "--from", src, dir); out != "exported tst: 3 entries to "+filepath.Join(dir, "faq.yaml")+"\n" {
		t.Errorf("export: %q", out)
	}
	for _, name := range []string{"pack.yaml", "services.yaml", "centres.yaml"} {
		if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != fixture[name] {
			t.Errorf("exported %s differs from the source:\n%s", name, got)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "faq.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	faq := string(raw)
	for _, want := range []string{
		"    answer:\n      uk: |-\n        <b>Е-запис</b> — безкоштовно.\n",
		"      ru: |\n        <b>Е-запис</b> — бесплатно.\n",
		`      uk: ["обмін прав", "заміна посвідчення водія", "obmin prav"]`,
		"    related: [licence_exchange]\n",
		"        url: https://eq.hsc.gov.ua\n",
		"    hidden: true\n",
	} {
		if !strings.Contains(faq, want) {
			t.Errorf("exported faq.yaml lacks %q:\n%s", want, faq)
		}
	}
	if strings.Count(faq, "hidden:") != 1 || strings.Contains(faq, `\u`) {
		t.Errorf("exported faq.yaml writes hidden: false, or escapes letters:\n%s", faq)
	}

	if out := mustRun(t, getenv, "dialogs", "validate", dir); out != "ok: tst: 3 entries, 1 centres, 2 categories\n" {
		t.Errorf("validate the export: %q", out)
	}
	if out := mustRun(t, getenv, "dialogs", "import", dir); out != "imported tst: 0 added, 0 changed, 0 removed\n" {
		t.Errorf("re-import of the export: %q", out)
	}

	// The shipped packs make the same round trip, through the built-in
	// pack.yaml, services.yaml and centres.yaml.
	for id := range config.KnownPacks {
		t.Run(id, func(t *testing.T) {
			getenv := env("DATABASE_URL", getenv("DATABASE_URL"), "DIALOGS_PACK", id)
			p, err := dialogs.LoadShippedPack(id)
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("imported %s: %d added, 0 changed, 0 removed\n", id, len(p.Entries))
			if out := mustRun(t, getenv, "dialogs", "import"); out != want {
				t.Errorf("import: %q; want %q", out, want)
			}
			dir := t.TempDir()
			mustRun(t, getenv, "dialogs", "export", dir)
			if out := mustRun(t, getenv, "dialogs", "validate", dir); !strings.HasPrefix(out, "ok: "+id+": ") {
				t.Errorf("validate the export: %q", out)
			}
			if out := mustRun(t, getenv, "dialogs", "import", dir); out != "imported "+id+": 0 added, 0 changed, 0 removed\n" {
				t.Errorf("re-import of the export: %q", out)
			}
		})
	}
}

func TestDialogsCommandLineMistakes(t *testing.T) {
	for _, args := range [][]string{
		{"dialogs"},
		{"dialogs", "frobnicate"},
		{"dialogs", "validate", "a", "b"},
		{"dialogs", "validate", "--all", "a"},
		{"dialogs", "export"},
		{"dialogs", "import", "--bogus"},
		{"dialogs", "validate", filepath.Join(t.TempDir(), "missing")},
	} {
		code, _, errOut := servicebot(env(), args...)
		if code != 1 || !strings.Contains(errOut, "servicebot: ") {
			t.Errorf("servicebot %s: exit %d, %q", strings.Join(args, " "), code, errOut)
		}
	}
}
