package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lib/pq"
)

// Listen subscribes to a LISTEN/NOTIFY channel. The returned channel gets a
// value (coalesced) for every notification, and also after the connection was
// lost and re-established, when notifications may have been missed. It is
// closed when ctx ends. Notifications this Store sent itself (AddUpdates')
// are left out: its caller knows of them already.
func (s *Store) Listen(ctx context.Context, channel string) (<-chan struct{}, error) {
	out := make(chan struct{}, 1)
	signal := func() {
		select {
		case out <- struct{}{}:
		default:
		}
	}
	// A nil notification comes after a reconnect; either way there may be work.
	notified := func(n *pq.Notification) {
		if n == nil || n.Extra != s.origin {
			signal()
		}
	}
	err := s.listen(ctx, channel, notified, signal, func() { close(out) })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListenChats subscribes to a channel whose notifications name chats (as
// AddEffects sends them: ids joined by commas). Each chat named comes on
// the returned channel; nil comes when some may have been missed (the
// connection was lost, or the reader fell behind), and the reader should
// look at everything. It is closed when ctx ends.
func (s *Store) ListenChats(ctx context.Context, channel string) (<-chan []int64, error) {
	out := make(chan []int64, 1024)
	missed := func() {
		select {
		case out <- nil:
		default:
		}
	}
	notified := func(n *pq.Notification) {
		if n == nil {
			missed()
			return
		}
		var chats []int64
		for _, f := range strings.Split(n.Extra, ",") {
			if id, err := strconv.ParseInt(f, 10, 64); err == nil {
				chats = append(chats, id)
			}
		}
		select {
		case out <- chats:
		default:
			missed() // full: the reader looks at everything instead
		}
	}
	if err := s.listen(ctx, channel, notified, missed, func() { close(out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// newOrigin names a Store in its notifications: random, so that no two
// processes (or two Stores of one test) share it.
func newOrigin() string {
	var b [8]byte
	rand.Read(b[:])
	return "origin:" + hex.EncodeToString(b[:])
}

// listen runs a LISTEN on its own connection until ctx ends, calling
// notified for each notification (nil after a reconnect), reconnected when
// the connection came back, and closed once it stops.
func (s *Store) listen(ctx context.Context, channel string, notified func(*pq.Notification), reconnected, closed func()) error {
	l := pq.NewListener(s.dsn, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		if ev == pq.ListenerEventReconnected {
			reconnected()
		}
	})
	if err := l.Listen(channel); err != nil {
		l.Close()
		return fmt.Errorf("store: unable to listen on %s: %w", channel, err)
	}
	go func() {
		defer closed()
		defer l.Close()
		ping := time.NewTicker(30 * time.Second)
		defer ping.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case n := <-l.Notify:
				notified(n)
			case <-ping.C:
				go l.Ping()
			}
		}
	}()
	return nil
}
