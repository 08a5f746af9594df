package bot

import (
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"servicebot/bot/metrics"
	"servicebot/bot/tg"
)

// A multipart form streamed through a pipe, as go-telegram/bot sends every
// call, reaches the server whole, with its length, and not chunked.
func TestRequestsGoOutWithTheirLength(t *testing.T) {
	var got struct {
		chunked bool
		length  int64
		text    string
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.chunked = len(r.TransferEncoding) > 0
		got.length = r.ContentLength
		got.text = r.FormValue("text")
	}))
	defer srv.Close()

	pr, pw := io.Pipe()
	form := multipart.NewWriter(pw)
	go func() {
		form.WriteField("chat_id", "42")
		form.WriteField("text", "Добрий день")
		form.Close()
		pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, srv.URL, pr)
	req.Header.Set("Content-Type", form.FormDataContentType())
	client := tg.APIClient{HTTP: apiHTTPClient(1), Count: metrics.New(nil).TelegramAnswer}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got.chunked || got.length <= 0 {
		t.Errorf("the request went out chunked=%v with length %d; want its length, not chunked", got.chunked, got.length)
	}
	if got.text != "Добрий день" {
		t.Errorf("the server read text %q", got.text)
	}
}
