package bottest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// apiError is an error answer.
type apiError struct {
	code       int
	desc       string
	retryAfter int
	counted    bool // a validation rejection (listed by Rejected)
	injected   bool // from Fail
}

func (e *apiError) Error() string { return e.desc }

func badRequest(format string, args ...any) *apiError {
	return &apiError{code: http.StatusBadRequest, desc: "Bad Request: " + fmt.Sprintf(format, args...), counted: true}
}

func errChatNotFound() *apiError { return badRequest("chat not found") }

const (
	maxTextLen    = 4096
	maxCaptionLen = 1024
)

// isPresent reports whether a spec field was sent with a non-empty value.
// A literal "null" counts as absent unless the field is a plain String.
func isPresent(f *specField, req *Request) bool {
	if _, ok := req.Files[f.Name]; ok {
		return true
	}
	v, ok := req.Params[f.Name]
	if !ok || v == "" {
		return false
	}
	if v == "null" && !(len(f.Types) == 1 && f.Types[0] == "String") {
		return false
	}
	return true
}

func hasType(f *specField, t string) bool {
	for _, x := range f.Types {
		if x == t {
			return true
		}
	}
	return false
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

func missingError(m *specMethod, f *specField) *apiError {
	switch {
	case f.Name == "chat_id":
		return badRequest("chat_id is empty")
	case f.Name == "text" && (m.Name == "sendMessage" || m.Name == "editMessageText"):
		return badRequest("message text is empty")
	case f.Name == "message_id":
		return badRequest("message identifier is not specified")
	case hasType(f, "InputFile"):
		return badRequest("there is no %s in the request", f.Name)
	}
	return badRequest("parameter \"%s\" is required", f.Name)
}

// checkType checks a present value against the field's spec types.
func checkType(f *specField, req *Request) *apiError {
	v := req.Params[f.Name]
	_, isFile := req.Files[f.Name]
	for _, t := range f.Types {
		switch {
		case t == "String":
			if !isFile {
				return nil
			}
		case t == "Integer":
			if _, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && !isFile {
				return nil
			}
		case t == "Float":
			if _, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && !isFile {
				return nil
			}
		case t == "Boolean":
			if _, ok := parseBool(strings.TrimSpace(v)); ok && !isFile {
				return nil
			}
		case t == "InputFile":
			if isFile {
				return nil
			}
			if name, ok := strings.CutPrefix(v, "attach://"); ok {
				if _, ok := req.Files[name]; ok {
					return nil
				}
			}
		case strings.HasPrefix(t, "Array of"):
			if isJSONKind(v, '[') {
				return nil
			}
		default: // an object type
			if isJSONKind(v, '{') {
				return nil
			}
		}
	}
	t := f.Types[0]
	switch {
	case f.Name == "reply_markup":
		return badRequest("can't parse reply keyboard markup JSON object")
	case t == "InputFile":
		return badRequest("there is no %s in the request", f.Name)
	case strings.HasPrefix(t, "Array of"):
		return badRequest("can't parse %s JSON array", f.Name)
	case t == "Integer" || t == "Float" || t == "Boolean" || t == "String":
		return badRequest("field \"%s\" must be of type %s", f.Name, t)
	default:
		return badRequest("can't parse %s JSON object", f.Name)
	}
}

func isJSONKind(v string, open byte) bool {
	v = strings.TrimSpace(v)
	if v == "" || v[0] != open {
		return false
	}
	return json.Valid([]byte(v))
}

// validateGeneric checks a request against the spec of its method.
func validateGeneric(m *specMethod, req *Request) *apiError {
	for k, v := range req.Params {
		if !utf8.ValidString(v) {
			return badRequest("parameter \"%s\" must be encoded in UTF-8", k)
		}
	}
	for i := range m.Fields {
		f := &m.Fields[i]
		present := isPresent(f, req)
		if !present {
			if f.Required && !(m.Name == "setWebhook" && f.Name == "url") {
				return missingError(m, f)
			}
			continue
		}
		if err := checkType(f, req); err != nil {
			return err
		}
	}
	// edit-like methods: either inline_message_id or chat_id + message_id.
	if m.field("inline_message_id") != nil && m.field("chat_id") != nil && m.field("message_id") != nil {
		if !isPresent(m.field("inline_message_id"), req) {
			if !isPresent(m.field("chat_id"), req) {
				return badRequest("chat_id is empty")
			}
			if !isPresent(m.field("message_id"), req) {
				return badRequest("message identifier is not specified")
			}
		}
	}
	if f := m.field("parse_mode"); f != nil && isPresent(f, req) {
		switch strings.ToLower(req.Params["parse_mode"]) {
		case "html", "markdown", "markdownv2":
		default:
			return badRequest("unsupported parse_mode")
		}
	}
	if (m.Name == "sendMessage" || m.Name == "editMessageText") && !isPresent(&specField{Name: "rich_message", Types: []string{"InputRichMessage"}}, req) {
		plain, _, err := formatted(req.Params["text"], req.Params["parse_mode"])
		if err != nil {
			return err
		}
		plain = strings.TrimFunc(plain, unicode.IsSpace)
		if plain == "" {
			return badRequest("message text is empty")
		}
		if utf16Len(plain) > maxTextLen {
			return badRequest("message is too long")
		}
	}
	if f := m.field("caption"); f != nil && isPresent(f, req) {
		plain, _, err := formatted(req.Params["caption"], req.Params["parse_mode"])
		if err != nil {
			return err
		}
		if utf16Len(strings.TrimFunc(plain, unicode.IsSpace)) > maxCaptionLen {
			return badRequest("message caption is too long")
		}
	}
	if f := m.field("reply_markup"); f != nil && isPresent(f, req) {
		if err := validateReplyMarkup(req.Params["reply_markup"], f.Types); err != nil {
			return err
		}
	}
	return nil
}

// formatted parses text according to parse_mode.
func formatted(text, parseMode string) (string, []Entity, *apiError) {
	switch strings.ToLower(parseMode) {
	case "html":
		plain, ents, err := parseHTML(text)
		if err != nil {
			return "", nil, badRequest("can't parse entities: %s", err.Error())
		}
		return plain, ents, nil
	case "markdownv2":
		return markdownV2Plain(text), nil, nil
	case "markdown":
		return markdownPlain(text), nil, nil
	}
	return text, nil, nil
}

var inlineActions = []string{
	"url", "callback_data", "web_app", "login_url", "switch_inline_query",
	"switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game", "pay",
}

// validateReplyMarkup checks a reply_markup JSON value.
func validateReplyMarkup(raw string, types []string) *apiError {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
		return badRequest("can't parse reply keyboard markup JSON object")
	}
	if ik, ok := obj["inline_keyboard"]; ok {
		return validateInlineKeyboard(ik)
	}
	inlineOnly := len(types) == 1
	for _, k := range []string{"keyboard", "remove_keyboard", "force_reply"} {
		if v, ok := obj[k]; ok {
			if inlineOnly {
				return badRequest("inline keyboard expected")
			}
			if k == "keyboard" {
				return validateKeyboard(v)
			}
			return nil
		}
	}
	return badRequest("can't parse reply keyboard markup JSON object")
}

func validateInlineKeyboard(raw json.RawMessage) *apiError {
	var rows []json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil || !isJSONKind(string(raw), '[') {
		return badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array")
	}
	for _, row := range rows {
		var buttons []map[string]json.RawMessage
		if err := json.Unmarshal(row, &buttons); err != nil || !isJSONKind(string(row), '[') {
			return badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays")
		}
		for _, b := range buttons {
			if err := validateInlineButton(b); err != nil {
				return err
			}
		}
	}
	return nil
}

func validateInlineButton(b map[string]json.RawMessage) *apiError {
	if b == nil {
		return badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
	}
	rawText, ok := b["text"]
	if !ok {
		return badRequest("can't parse inline keyboard button: Can't find field \"text\"")
	}
	var text string
	if err := json.Unmarshal(rawText, &text); err != nil {
		return badRequest("can't parse inline keyboard button: Field \"text\" must be of type String")
	}
	if strings.TrimSpace(text) == "" {
		return badRequest("BUTTON_TEXT_INVALID")
	}
	action := false
	for _, k := range inlineActions {
		if v, ok := b[k]; ok && string(v) != "null" && string(v) != "false" {
			action = true
		}
	}
	if v, ok := b["copy_text"]; ok {
		// go-telegram always sends "copy_text":{"text":""}; only a non-empty one is an action.
		var ct struct {
			Text string `json:"text"`
		}
		if json.Unmarshal(v, &ct) == nil && ct.Text != "" {
			action = true
		}
	}
	if !action {
		return badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	}
	if v, ok := b["callback_data"]; ok {
		var data string
		if err := json.Unmarshal(v, &data); err != nil {
			return badRequest("can't parse inline keyboard button: Field \"callback_data\" must be of type String")
		}
		if len(data) < 1 || len(data) > 64 {
			return badRequest("BUTTON_DATA_INVALID")
		}
	}
	if v, ok := b["url"]; ok {
		var u string
		if err := json.Unmarshal(v, &u); err != nil {
			return badRequest("can't parse inline keyboard button: Field \"url\" must be of type String")
		}
		if !validButtonURL(u) {
			return badRequest("BUTTON_URL_INVALID")
		}
	}
	return nil
}

func validateKeyboard(raw json.RawMessage) *apiError {
	var rows [][]json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		return badRequest("field \"keyboard\" of the ReplyKeyboardMarkup must be an Array of Arrays")
	}
	for _, row := range rows {
		for _, b := range row {
			b = bytes.TrimSpace(b)
			var text string
			if len(b) > 0 && b[0] == '"' {
				_ = json.Unmarshal(b, &text)
			} else {
				var kb struct {
					Text *string `json:"text"`
				}
				if err := json.Unmarshal(b, &kb); err != nil || kb.Text == nil {
					return badRequest("can't parse keyboard button: Can't find field \"text\"")
				}
				text = *kb.Text
			}
			if strings.TrimSpace(text) == "" {
				return badRequest("BUTTON_TEXT_INVALID")
			}
		}
	}
	return nil
}

// validButtonURL accepts http(s) URLs with a dotted host (scheme optional,
// as Telegram adds http://) and tg:// links.
func validButtonURL(u string) bool {
	if u == "" || strings.ContainsAny(u, " \t\r\n") {
		return false
	}
	lower := strings.ToLower(u)
	if strings.HasPrefix(lower, "tg://") {
		return len(u) > len("tg://")
	}
	if !strings.Contains(lower, "://") {
		u = "http://" + u
	}
	pu, err := url.Parse(u)
	if err != nil {
		return false
	}
	if s := strings.ToLower(pu.Scheme); s != "http" && s != "https" {
		return false
	}
	host := pu.Hostname()
	return host != "" && strings.Contains(strings.Trim(host, "."), ".")
}

// canonicalJSON re-encodes JSON with sorted keys, for comparisons.
func canonicalJSON(raw string) string {
	if raw == "" {
		return ""
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return raw
	}
	b, err := json.Marshal(v)
	if err != nil {
		return raw
	}
	return string(b)
}
