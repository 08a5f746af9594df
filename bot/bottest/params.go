package bottest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
)

const maxBody = 64 << 20

// readParams reads the query string and the body (multipart/form-data,
// application/x-www-form-urlencoded or application/json) of a request.
func readParams(r *http.Request) (map[string]string, map[string]File, error) {
	params := map[string]string{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, nil, fmt.Errorf("can't read request body: %w", err)
	}
	if len(body) > maxBody {
		return nil, nil, errors.New("request body is too large")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return params, nil, nil
	}
	ct := r.Header.Get("Content-Type")
	mt, mp, _ := mime.ParseMediaType(ct)
	switch mt {
	case "multipart/form-data":
		r2 := r.Clone(r.Context())
		r2.Body = io.NopCloser(bytes.NewReader(body))
		r2.Header.Set("Content-Type", ct)
		if mp["boundary"] == "" {
			return nil, nil, errors.New("multipart body without boundary")
		}
		if err := r2.ParseMultipartForm(maxBody); err != nil {
			return nil, nil, fmt.Errorf("can't parse multipart body: %w", err)
		}
		defer r2.MultipartForm.RemoveAll()
		for k, v := range r2.MultipartForm.Value {
			if len(v) > 0 {
				params[k] = v[0]
			}
		}
		var files map[string]File
		for k, fhs := range r2.MultipartForm.File {
			if len(fhs) == 0 {
				continue
			}
			fh := fhs[0]
			f, err := fh.Open()
			if err != nil {
				return nil, nil, err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, nil, err
			}
			if files == nil {
				files = map[string]File{}
			}
			files[k] = File{Filename: fh.Filename, ContentType: fh.Header.Get("Content-Type"), Data: data}
		}
		return params, files, nil
	case "application/x-www-form-urlencoded":
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, fmt.Errorf("can't parse urlencoded body: %w", err)
		}
		for k, v := range vals {
			if len(v) > 0 {
				params[k] = v[0]
			}
		}
		return params, nil, nil
	case "application/json":
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		var obj map[string]json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			return nil, nil, fmt.Errorf("can't parse JSON object: %w", err)
		}
		for k, raw := range obj {
			raw = bytes.TrimSpace(raw)
			if bytes.Equal(raw, []byte("null")) {
				continue
			}
			if len(raw) > 0 && raw[0] == '"' {
				var sv string
				if err := json.Unmarshal(raw, &sv); err != nil {
					return nil, nil, err
				}
				params[k] = sv
				continue
			}
			var buf bytes.Buffer
			if err := json.Compact(&buf, raw); err != nil {
				return nil, nil, err
			}
			params[k] = buf.String()
		}
		return params, nil, nil
	default:
		// Telegram ignores bodies of other types.
		return params, nil, nil
	}
}
