package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"servicebot/dialogs"
)

// faqEval runs `servicebot faq eval FILE.tsv`.
func faqEval(args []string, stdout, stderr io.Writer) error {
	fset := subcommandFlags("faq eval", faqUsage, stderr)
	dir := fset.String("dir", "", "a pack folder to use for the rows of its pack id, instead of the built-in pack")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		fset.Usage()
		return errors.New("faq eval: expected one FILE.tsv")
	}
	f, err := os.Open(fset.Arg(0))
	if err != nil {
		return fmt.Errorf("faq eval: %w", err)
	}
	defer f.Close()
	qs, err := dialogs.ReadEvalSet(f)
	if err != nil {
		return fmt.Errorf("faq eval: %s: %w", fset.Arg(0), err)
	}
	var local *dialogs.Pack
	if *dir != "" {
		if local, err = (packSource{dir: *dir}).load(); err != nil {
			return err
		}
	}
	var packs []string
	for _, q := range qs {
		if !contains(packs, q.Pack) {
			packs = append(packs, q.Pack)
		}
	}
	var all dialogs.EvalReport
	for _, id := range packs {
		p := local
		if p == nil || p.ID != id {
			if p, err = (packSource{shipped: id}).load(); err != nil {
				return fmt.Errorf("faq eval: the set names pack %q: %w", id, err)
			}
		}
		rep := dialogs.Evaluate(p, dialogs.NewIndex(p.Entries, p.Matching), qs)
		all.Rows = append(all.Rows, rep.Rows...)
		all.Misses = append(all.Misses, rep.Misses...)
		if len(packs) > 1 || len(rep.Rows) > 1 {
			all.Rows = append(all.Rows, rep.Total(id))
		}
	}
	printEval(stdout, all, len(packs) > 1)
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// printEval writes the report as a Markdown table, then the misses.
func printEval(w io.Writer, rep dialogs.EvalReport, total bool) {
	pct := func(n, of int) string {
		if of == 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f%% (%d)", 100*float64(n)/float64(of), n)
	}
	fmt.Fprintln(w, "| pack | lang | in scope | answered at once, right | answered at once, wrong | no direct answer | right topic in answer + 3 suggestions | off-topic | off-topic answered |")
	fmt.Fprintln(w, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	row := func(r dialogs.EvalRow) {
		fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %s | %d | %s |\n", r.Pack, r.Lang, r.InScope,
			pct(r.Right, r.InScope), pct(r.Wrong, r.InScope), pct(r.NoDirect(), r.InScope), pct(r.Offered, r.InScope),
			r.OffTopic, pct(r.OffAnswered, r.OffTopic))
	}
	var sum dialogs.EvalRow
	for _, r := range rep.Rows {
		row(r)
		if r.Lang != "all" {
			sum.Add(r)
		}
	}
	if total {
		sum.Pack, sum.Lang = "all", "all"
		row(sum)
	}
	if len(rep.Misses) == 0 {
		return
	}
	fmt.Fprintln(w, "\nMisses:")
	for _, m := range rep.Misses {
		var got []string
		if m.Result.Best != "" {
			got = append(got, "answer "+m.Result.Best)
		}
		for _, s := range m.Result.Suggestions {
			got = append(got, "suggest "+s.ID)
		}
		if len(got) == 0 {
			got = append(got, "nothing")
		}
		fmt.Fprintf(w, "  line %d %s/%s [%s] %q: %s (%.2f): %s\n", m.Q.Line, m.Q.Pack, m.Q.Lang,
			strings.Join(m.Q.Topics, "|"), m.Q.Question, m.Kind, m.Result.Score, strings.Join(got, ", "))
	}
}
