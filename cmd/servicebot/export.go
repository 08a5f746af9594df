package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"servicebot/cmd/internal/config"
	"servicebot/dialogs"
	"servicebot/store"
)

// cmdExport runs `servicebot export responses`: the submitted responses as
// CSV or JSON on stdout, one row per response, one column per question.
func cmdExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "responses" {
		return errors.New("export: usage: servicebot export responses [--format csv|json] [--since YYYY-MM-DD] [--kind mystery|rating]")
	}
	fs := flag.NewFlagSet("export responses", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "csv", "csv or json")
	since := fs.String("since", "", "only responses submitted on or after this date (YYYY-MM-DD)")
	kind := fs.String("kind", "", "mystery or rating (default: both)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *format != "csv" && *format != "json" {
		return fmt.Errorf("export: --format %q: expected csv or json", *format)
	}
	if *kind != "" && *kind != "mystery" && *kind != "rating" {
		return fmt.Errorf("export: --kind %q: expected mystery or rating", *kind)
	}
	var from time.Time
	if *since != "" {
		t, err := time.Parse("2006-01-02", *since)
		if err != nil {
			return fmt.Errorf("export: --since %q: expected a date such as 2026-11-01", *since)
		}
		from = t
	}
	cfg, err := config.Load(getenv, false)
	if err != nil {
		return err
	}
	pack, err := dialogs.LoadShippedPack(cfg.Bot.Pack)
	if err != nil {
		return err
	}
	st, closeStore, err := openMigrated(ctx, cfg, config.NewLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer closeStore()
	f := store.ResponseFilter{Kind: *kind, Since: from}
	// Rows are written as they are read, in a transaction so that the
	// export is one consistent snapshot.
	tx, err := st.DB().BeginTxx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if *format == "json" {
		jw := dialogs.NewResultsJSON(stdout)
		if err := store.EachSubmitted(ctx, tx, f, func(r store.Response) error { return jw.Write(r.Submission()) }); err != nil {
			return err
		}
		return jw.Close()
	}
	var qs []*dialogs.Questionnaire
	for _, k := range []string{"mystery", "rating"} {
		if q, ok := pack.Questionnaire(k); ok && (*kind == "" || *kind == k) {
			qs = append(qs, q)
		}
	}
	_, err = store.ExportCSV(ctx, tx, f, qs, stdout)
	return err
}
