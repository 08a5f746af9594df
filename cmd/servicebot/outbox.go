package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"servicebot/cmd/internal/config"
	"servicebot/store"
)

const outboxUsage = "outbox: usage: servicebot outbox [list] | servicebot outbox retry ID | servicebot outbox retry --all [--method NAME] [--chat ID]"

// cmdOutbox runs `servicebot outbox`: the effects the deliverer set aside
// because Telegram refused them for good (with Telegram's words), and
// `retry ID` to put one back in its chat's queue once the cause is mended,
// or `retry --all` every one (of a method, to a chat) at once: a staff chat
// the bot was removed from can leave hundreds.
func cmdOutbox(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	verb := "list"
	if len(args) > 0 {
		verb = args[0]
	}
	var id int64
	var all bool
	var method string
	var chat int64
	switch {
	case verb == "list" && len(args) <= 1:
	case verb == "retry" && len(args) >= 2 && strings.HasPrefix(args[1], "-"):
		fs := flag.NewFlagSet("outbox retry", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.BoolVar(&all, "all", false, "")
		fs.StringVar(&method, "method", "", "")
		fs.Int64Var(&chat, "chat", 0, "")
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 || !all {
			return errors.New(outboxUsage)
		}
	case verb == "retry" && len(args) == 2:
		n, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("outbox: retry %q: expected an effect's id, as `servicebot outbox` lists them, or --all", args[1])
		}
		id = n
	default:
		return errors.New(outboxUsage)
	}
	cfg, err := config.Load(getenv, false)
	if err != nil {
		return err
	}
	st, closeStore, err := openMigrated(ctx, cfg, config.NewLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer closeStore()
	if all {
		n, err := st.RequeueEffects(ctx, method, chat)
		if err != nil {
			return err
		}
		if n == 0 {
			return errors.New("outbox: no effect that matches is set aside (`servicebot outbox` lists them)")
		}
		fmt.Fprintf(stdout, "%d effects are queued again; the bot sends them at Telegram's pace, each chat's in order\n", n)
		return nil
	}
	if verb == "retry" {
		ok, err := st.RequeueEffect(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("outbox: no effect %d is set aside (`servicebot outbox` lists them)", id)
		}
		fmt.Fprintf(stdout, "effect %d is queued again; the bot sends it within a few seconds\n", id)
		return nil
	}
	failed, err := st.OutboxEntries(ctx, store.EffectFailed)
	if err != nil {
		return err
	}
	if len(failed) == 0 {
		fmt.Fprintln(stdout, "no effect is set aside")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCHAT\tMETHOD\tUPDATE\tATTEMPTS\tERROR")
	for _, e := range failed {
		var body struct {
			Method string `json:"m"`
		}
		json.Unmarshal([]byte(e.Body), &body)
		update := "-"
		if e.UpdateID != 0 {
			update = strconv.FormatInt(e.UpdateID, 10)
		}
		msg := strings.Join(strings.Fields(e.LastError), " ")
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%d\t%s\n", e.ID, e.ChatID, body.Method, update, e.Attempts, msg)
	}
	return tw.Flush()
}
