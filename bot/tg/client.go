package tg

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"servicebot/bot/outbox"
)

// APIClient is the HTTP client given to go-telegram/bot: it turns 5xx
// answers into a serverError, which the library wraps with %w, and counts
// every answer by method and status.
type APIClient struct {
	HTTP *http.Client
	// Count is told every answer: the API path and its HTTP status (0: no
	// answer).
	Count func(path string, status int)
}

// Do sends req, with its length, and counts the answer.
func (c APIClient) Do(req *http.Request) (*http.Response, error) {
	if err := withLength(req); err != nil {
		return nil, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if req.Context().Err() == nil { // not a call given up at shutdown
			c.Count(req.URL.Path, 0)
		}
		return nil, err
	}
	c.Count(req.URL.Path, resp.StatusCode)
	if resp.StatusCode >= 500 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		return nil, &outbox.ServerError{Status: resp.StatusCode}
	}
	return resp, nil
}

// withLength reads a request body of unknown length into memory and gives
// the request its length. go-telegram/bot streams its multipart form through
// a pipe, which net/http sends chunked, flushing every chunk: a system call
// for each field of the form. Whole, the request goes out in one or two.
// Bodies are small: texts, keyboards, and files the bot made (a QR code, a
// CSV export).
func withLength(req *http.Request) error {
	if req.Body == nil || req.Body == http.NoBody || req.ContentLength > 0 {
		return nil
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return fmt.Errorf("bot: unable to build the request: %w", err)
	}
	req.ContentLength = int64(len(body))
	req.Body = io.NopCloser(bytes.NewReader(body))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	return nil
}
