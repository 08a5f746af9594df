// Command servicebot runs the service-centre bot and its operator tasks.
// It only wires: configuration, the store, the bot, a subcommand.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"
	_ "time/tzdata" // the pack's timezone, also on machines without zoneinfo

	"servicebot/bot"
	"servicebot/cmd/internal/config"
	"servicebot/locales"
	"servicebot/store"
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(ctx, getenv, stderr)
	case "migrate":
		err = cmdMigrate(ctx, getenv, stdout, stderr)
	case "dialogs":
		err = cmdDialogs(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		err = cmdExport(ctx, args[1:], getenv, stdout, stderr)
	case "faq":
		err = cmdFAQ(args[1:], getenv, stdout, stderr)
	case "qr":
		err = cmdQR(args[1:], getenv, stdout, stderr)
	case "outbox":
		err = cmdOutbox(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		// The whole help would scroll the error out of sight.
		fmt.Fprintf(stderr, "servicebot: unknown command %q; `servicebot help` lists the commands and settings\n", args[0])
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "servicebot: %v\n", err)
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprint(w, `servicebot: a Telegram bot for public service centres.

Usage:
  servicebot run       run the bot (migrates the database first)
  servicebot migrate   apply database migrations and exit
  servicebot dialogs validate [DIR | --all]
                       check a content pack (DIALOGS_PACK's, the folder DIR, or every built-in one)
  servicebot dialogs import [DIR]
                       validate a pack, then load its FAQ into the database
  servicebot dialogs export [--from DIR2] DIR
                       write the database's FAQ out as a complete pack folder DIR
  servicebot faq ask [--pack ID | --dir DIR] [--lang L] [QUESTION]
                       match questions (or stdin's lines) against a pack's FAQ, one JSON line each
  servicebot faq eval [--dir DIR] FILE.tsv
                       measure the matcher on a set of questions (pack, lang, topic, question) per pack and language
  servicebot qr --centre ID|NUMBER [--desk N] --out FILE.png [--bot USERNAME] [--lang L]
  servicebot qr --all [--desk N] --out DIR [--bot USERNAME] [--lang L]
                       draw a centre's (or every centre's) deep-link QR code with its name, for printing
  servicebot export responses [--format csv|json] [--since YYYY-MM-DD] [--kind mystery|rating]
                       write the submitted questionnaires and ratings to stdout
  servicebot outbox [list]
                       the messages and calls Telegram refused for good, set aside with its answer
  servicebot outbox retry ID
  servicebot outbox retry --all [--method NAME] [--chat ID]
                       queue one of them again, or every one (of a method, to a chat), once the cause is mended
  servicebot help      this text

Settings (environment variables):
`)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tDEFAULT\tMEANING")
	for _, s := range config.Settings {
		def := s.Default
		if def == "" {
			def = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Name, def, s.Help)
	}
	tw.Flush()
}

func cmdRun(ctx context.Context, getenv func(string) string, stderr io.Writer) error {
	cfg, err := config.Load(getenv, true)
	if err != nil {
		return err
	}
	log := config.NewLogger(stderr, cfg.LogLevel)
	// SIGTERM or Ctrl-C while starting (Telegram or the database not
	// answering yet) is a stop like any other: exit 0, not the error it
	// cut short.
	stopped := func(err error) error {
		if err != nil && ctx.Err() != nil {
			log.Info("stopped", "while", "starting")
			return nil
		}
		return err
	}
	st, closeStore, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return stopped(err)
	}
	defer closeStore()
	text, err := locales.Load()
	if err != nil {
		return err
	}
	app, err := bot.New(cfg.Bot, st, text, log)
	if err != nil {
		return err
	}
	if err = app.Run(ctx); err != nil {
		return stopped(err)
	}
	log.Info("stopped")
	return nil
}

func cmdMigrate(ctx context.Context, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.Load(getenv, false)
	if err != nil {
		return err
	}
	_, closeStore, err := openMigrated(ctx, cfg, config.NewLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer closeStore()
	fmt.Fprintln(stdout, "servicebot: the database is migrated and up to date")
	return nil
}

// openMigrated is openStore, then the migrations.
func openMigrated(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.Store, func(), error) {
	st, closeStore, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	if err := st.Migrate(ctx); err != nil {
		closeStore()
		return nil, nil, err
	}
	return st, closeStore, nil
}

// openStore connects to DATABASE_URL, or, when it is unset, starts a private
// PostgreSQL under DATA_DIR and stops it again on close.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.Store, func(), error) {
	// The workers, the deliverer (its lock and its lanes) and the rest.
	maxConns := cfg.Bot.Workers + cfg.Bot.DeliveryLanes + 9
	if cfg.DatabaseURL != "" {
		st, err := store.Open(ctx, cfg.DatabaseURL, maxConns)
		if err != nil {
			return nil, nil, err
		}
		return st, func() { st.Close() }, nil
	}
	log.Info("DATABASE_URL is unset; starting a private PostgreSQL", "data_dir", cfg.DataDir)
	pg, err := store.StartEmbedded(ctx, cfg.DataDir, log)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, pg.URL(), maxConns)
	if err != nil {
		pg.Stop(context.WithoutCancel(ctx))
		return nil, nil, err
	}
	return st, func() {
		st.Close()
		if err := pg.Stop(context.Background()); err != nil {
			log.Error("stopping the private PostgreSQL", "err", err)
		}
	}, nil
}
