// Package intake takes updates into the inbox: by long polling, in one
// process at a time under a leader lock, or by webhook. An update is
// acknowledged only once it is stored.
package intake

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"servicebot/bot/metrics"
	"servicebot/bot/outbox"
	"servicebot/bot/tg"
	"servicebot/store"
)

// The update kinds servicebot asks Telegram for.
// AllowedUpdates are the update kinds the bot asks Telegram for.
var AllowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// errNoUpdateID marks a body that is not an Update at all.
var errNoUpdateID = errors.New("bot: not an update: no update_id")

// Classify reads what the inbox needs from a raw update: its id, its kind,
// and the chat whose order it belongs to.
//
// Bytes that are not UTF-8 (which Telegram never sends, but a proxy or a
// fake might) become U+FFFD: PostgreSQL would refuse the whole batch for
// them, and hold up every citizen behind it.
func Classify(raw []byte) (store.InboxUpdate, error) {
	if !utf8.Valid(raw) {
		raw = bytes.ToValidUTF8(raw, []byte("\uFFFD"))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return store.InboxUpdate{}, fmt.Errorf("bot: not an update: %w", err)
	}
	var id int64
	if err := json.Unmarshal(fields["update_id"], &id); err != nil || id < 0 {
		return store.InboxUpdate{}, errNoUpdateID
	}
	u := store.InboxUpdate{UpdateID: id, Payload: raw}
	for k, v := range fields {
		if k == "update_id" || bytes.Equal(v, []byte("null")) {
			continue
		}
		u.Kind = k
		break
	}
	if u.Kind == "" {
		u.Kind, u.Skip = "empty", true
		return u, nil
	}
	if !tg.KnownKinds[u.Kind] {
		u.Skip = true
		return u, nil
	}
	// The ordering key: the chat for anything that happens in a chat, the
	// user for what happens to a user (inline queries, poll answers).
	var body struct {
		Chat    *struct{ ID int64 } `json:"chat"`
		From    *struct{ ID int64 } `json:"from"`
		User    *struct{ ID int64 } `json:"user"`
		Message *struct {
			Chat struct{ ID int64 } `json:"chat"`
		} `json:"message"`
	}
	if err := json.Unmarshal(fields[u.Kind], &body); err == nil {
		switch {
		case body.Chat != nil:
			u.ChatKey = body.Chat.ID
		case body.Message != nil && body.Message.Chat.ID != 0:
			u.ChatKey = body.Message.Chat.ID
		case body.From != nil:
			u.ChatKey = body.From.ID
		case body.User != nil:
			u.ChatKey = body.User.ID
		}
	}
	return u, nil
}

// Intake stores what Telegram delivers, and acknowledges it only once stored.
type Intake struct {
	Store   *store.Store
	Log     *slog.Logger
	Stored  func(work []store.Pending) // tells local workers of the updates stored to be handled
	APIURL  string
	Token   string
	Secret  string // the webhook's secret token
	HTTP    *http.Client
	Timeout time.Duration // long-poll timeout
	Metrics *metrics.Metrics
}

// Poll runs the long-polling loop. Only one process may poll a bot at a time
// (Telegram answers 409 to the second), so Poll first becomes the leader by
// holding a PostgreSQL advisory lock on a dedicated connection; the other
// processes wait as followers and still handle what the leader stores.
func (in *Intake) Poll(ctx context.Context, beforePolling func(context.Context) error) error {
	for {
		err := in.pollAsLeader(ctx, beforePolling)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, errUnauthorized) {
			return err
		}
		if err != nil {
			in.Log.Warn("polling stopped; will try again", "err", err)
		}
		if outbox.Sleep(ctx, 2*time.Second) != nil {
			return nil
		}
	}
}

var errUnauthorized = errors.New("bot: Telegram does not accept the token (401); check TELEGRAM_TOKEN")

func (in *Intake) pollAsLeader(ctx context.Context, beforePolling func(context.Context) error) error {
	lease, leader, err := in.Store.Lead(ctx, store.LockPoller)
	if err != nil {
		return fmt.Errorf("intake: poller: %w", err)
	}
	if !leader {
		return nil // another process polls; check again later
	}
	defer lease.Release()
	in.Log.Info("polling for updates")
	if beforePolling != nil {
		if err := beforePolling(ctx); err != nil {
			return err
		}
	}
	var offset int64
	failures := 0
	for ctx.Err() == nil {
		// Leadership lasts as long as the connection holding the lock.
		if err := lease.Alive(ctx); err != nil {
			return fmt.Errorf("intake: poller: %w", err)
		}
		raws, err := in.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, errUnauthorized) {
				return err
			}
			failures++
			d := time.Duration(min(failures, 6)) * time.Second
			in.Log.Warn("getUpdates failed", "err", err, "retry_in", d.String())
			if outbox.Sleep(ctx, d) != nil {
				return nil
			}
			continue
		}
		failures = 0
		if len(raws) == 0 {
			continue
		}
		next, err := in.storeBatch(ctx, raws)
		if err != nil {
			return err
		}
		// Only now may Telegram forget the batch: it is committed.
		offset = next
	}
	return nil
}

// storeBatch stores raw updates, retrying while the database is away, and
// returns the offset that acknowledges them.
func (in *Intake) storeBatch(ctx context.Context, raws []json.RawMessage) (int64, error) {
	var next int64
	batch := make([]store.InboxUpdate, 0, len(raws))
	for _, raw := range raws {
		u, err := Classify(raw)
		if err != nil {
			in.Log.Error("Telegram sent something that is not an update; skipping it", "err", err, "bytes", len(raw))
			continue
		}
		batch = append(batch, u)
		next = max(next, u.UpdateID+1)
	}
	var work []store.Pending
	for attempt := 1; ; attempt++ {
		var err error
		work, err = in.add(ctx, batch)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		in.Metrics.DBError(metrics.OpStoreUpdates)
		in.Log.Error("cannot store updates; holding the batch", "err", err, "updates", len(batch), "attempt", attempt)
		if outbox.Sleep(ctx, time.Duration(min(attempt, 5))*time.Second) != nil {
			return 0, ctx.Err()
		}
	}
	for _, u := range batch {
		in.Metrics.Received(u.Kind)
	}
	in.Stored(work)
	return next, nil
}

// add stores a batch. When PostgreSQL refuses it for the data in it
// (SQLSTATE class 22), the updates are stored one by one and each one it
// refuses alone is set aside as failed, so that one bad update never stops
// intake for everyone. A redelivered id whose content changed is logged.
func (in *Intake) add(ctx context.Context, batch []store.InboxUpdate) ([]store.Pending, error) {
	added, err := in.Store.AddUpdates(ctx, batch)
	if store.IsDataError(err) {
		var work []store.Pending
		for _, u := range batch {
			one, err := in.Store.AddUpdates(ctx, []store.InboxUpdate{u})
			if store.IsDataError(err) {
				err = in.setAside(ctx, u, err)
			}
			if err != nil {
				return nil, err
			}
			work = append(work, one.Work...)
		}
		return work, nil
	}
	if err != nil {
		return nil, err
	}
	if added.New < len(batch) {
		changed, err := in.Store.ChangedRedeliveries(ctx, batch)
		if err != nil {
			in.Log.Warn("cannot compare redelivered updates", "err", err)
		}
		for _, id := range changed {
			in.Log.Warn("an update id came again with other content; the first one is kept", "update_id", id)
		}
	}
	return added.Work, nil
}

// setAside records an update PostgreSQL refused to store as failed.
func (in *Intake) setAside(ctx context.Context, u store.InboxUpdate, cause error) error {
	// The kind is the name of the update's field, which could be the very
	// text PostgreSQL refused.
	if u.Kind = strings.ReplaceAll(strings.ToValidUTF8(u.Kind, ""), "\x00", ""); u.Kind == "" {
		u.Kind = "refused"
	}
	if _, err := in.Store.SetAsideUpdate(ctx, u, cause.Error()); err != nil {
		return err
	}
	in.Metrics.SetAside(u.Kind)
	in.Log.Error("the database refused an update; set aside as failed", "update_id", u.UpdateID, "kind", u.Kind, "err", cause)
	return nil
}

// getUpdates is written here rather than taken from go-telegram/bot, which
// moves the offset before the updates are handled.
func (in *Intake) getUpdates(ctx context.Context, offset int64) ([]json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{
		"offset": offset, "limit": 100, "timeout": int(in.Timeout.Seconds()), "allowed_updates": AllowedUpdates,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, in.APIURL+"/bot"+in.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, errors.New("bot: getUpdates: bad TELEGRAM_API_URL")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := in.HTTP.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			in.Metrics.TelegramAnswer("getUpdates", 0)
		}
		return nil, fmt.Errorf("bot: getUpdates: %s", tg.Redact(err.Error(), in.Token))
	}
	defer resp.Body.Close()
	in.Metrics.TelegramAnswer("getUpdates", resp.StatusCode)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("bot: getUpdates: %s", tg.Redact(err.Error(), in.Token))
	}
	var ans outbox.APIAnswer
	if err := json.Unmarshal(raw, &ans); err != nil {
		return nil, fmt.Errorf("bot: getUpdates: HTTP %d and an answer that is not JSON", resp.StatusCode)
	}
	if !ans.OK {
		if ans.ErrorCode == http.StatusUnauthorized || ans.ErrorCode == http.StatusNotFound {
			return nil, errUnauthorized
		}
		if ans.Parameters.RetryAfter > 0 {
			outbox.Sleep(ctx, time.Duration(ans.Parameters.RetryAfter)*time.Second)
		}
		return nil, fmt.Errorf("bot: getUpdates: %d %s", ans.ErrorCode, ans.Description)
	}
	var ups []json.RawMessage
	if err := json.Unmarshal(ans.Result, &ups); err != nil {
		return nil, fmt.Errorf("bot: getUpdates: result is not a list: %w", err)
	}
	return ups, nil
}

// ServeHTTP is the webhook endpoint. Telegram gets 200 only after the update
// is committed; a missing or wrong secret gets 401 and nothing is stored.
func (in *Intake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(in.Secret)) != 1 {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<20))
	if err != nil {
		http.Error(w, "body too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	u, err := Classify(raw)
	if err != nil {
		// Telegram would only send the same thing again: say it is bad.
		in.Log.Warn("webhook body is not an update", "err", err, "bytes", len(raw))
		http.Error(w, "not an update", http.StatusBadRequest)
		return
	}
	work, err := in.add(r.Context(), []store.InboxUpdate{u})
	if err != nil {
		// Not stored: Telegram will deliver it again.
		in.Metrics.DBError(metrics.OpStoreUpdates)
		in.Log.Error("cannot store webhook update", "update_id", u.UpdateID, "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	in.Metrics.Received(u.Kind)
	in.Stored(work)
	w.WriteHeader(http.StatusOK)
}
