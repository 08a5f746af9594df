package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"servicebot/dialogs"
)

const faqUsage = `Usage:
  servicebot faq ask [--pack ID | --dir DIR] [--lang uk|ru|en] [QUESTION]
      match QUESTION, or each line of standard input, against a pack's FAQ
      (the built-in pack ID, default DIALOGS_PACK, or the folder DIR; no database)
      and print one JSON object per question:
      {"question": …, "lang": …, "id": entry or null, "score": 0…1, "suggestions": [ids]}
  servicebot faq eval [--dir DIR] FILE.tsv
      ask every question of FILE.tsv (columns pack, lang, topic, question; a
      topic "a|b" when either is right, "out_of_scope" when none is) of the
      built-in pack its first column names (or of the pack in DIR, for rows
      of DIR's pack id), and print per pack and language how many were
      answered at once right or wrong, not answered at once, offered (the
      right topic in the answer or the suggestions), and off-topic ones
      answered; then the misses
`

// stdin is where `faq ask` reads questions when given none; tests replace it.
var stdin io.Reader = os.Stdin

// cmdFAQ runs `servicebot faq …`.
func cmdFAQ(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, faqUsage)
		return errors.New("faq: expected ask or eval")
	}
	var err error
	switch args[0] {
	case "ask":
		err = faqAsk(args[1:], getenv, stdout, stderr)
	case "eval":
		err = faqEval(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, faqUsage)
	default:
		fmt.Fprint(stderr, faqUsage)
		return fmt.Errorf("faq: unknown command %q", args[0])
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// askLine is what `faq ask` prints for one question.
type askLine struct {
	Question    string   `json:"question"`
	Lang        string   `json:"lang,omitempty"`
	ID          *string  `json:"id"`
	Score       float64  `json:"score"`
	Suggestions []string `json:"suggestions"`
}

func faqAsk(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := subcommandFlags("faq ask", faqUsage, stderr)
	packID := fset.String("pack", "", "a built-in pack (default: DIALOGS_PACK)")
	dir := fset.String("dir", "", "a pack folder instead of a built-in pack")
	lang := fset.String("lang", "", "the asker's language, recorded in the output (matching ignores it)")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *lang != "" && !knownLanguage(*lang) {
		fset.Usage()
		return fmt.Errorf("faq ask: --lang %q: expected uk, ru or en", *lang)
	}
	if *packID != "" && *dir != "" {
		fset.Usage()
		return errors.New("faq ask: --pack and --dir name two packs; give one")
	}
	src := packSource{shipped: *packID, dir: *dir}
	p, err := src.loadChosen(getenv)
	if err != nil {
		return err
	}
	if len(p.Entries) == 0 {
		fmt.Fprintf(stderr, "servicebot: warning: %s has no FAQ entries; nothing will match\n", src)
	}
	ix := dialogs.NewIndex(p.Entries, p.Matching)

	out := json.NewEncoder(stdout)
	out.SetEscapeHTML(false)
	ask := func(q string) error {
		r := ix.Ask(q)
		line := askLine{Question: q, Lang: *lang, Score: math.Round(r.Score*1000) / 1000, Suggestions: []string{}}
		if r.Best != "" {
			line.ID = &r.Best
		}
		for _, m := range r.Suggestions {
			line.Suggestions = append(line.Suggestions, m.ID)
		}
		return out.Encode(line)
	}

	if fset.NArg() > 0 {
		return ask(strings.Join(fset.Args(), " "))
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" {
			continue
		}
		if err := ask(q); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("faq ask: reading questions: %w", err)
	}
	return nil
}

func knownLanguage(lang string) bool {
	return lang == "uk" || lang == "ru" || lang == "en"
}
