package bottest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// specField is one parameter of a Bot API method as described in bot-api.json.
type specField struct {
	Name        string   `json:"name"`
	Types       []string `json:"types"`
	Required    bool     `json:"required"`
	Description string   `json:"description"`
}

// specMethod is one Bot API method as described in bot-api.json.
type specMethod struct {
	Name    string      `json:"name"`
	Fields  []specField `json:"fields"`
	Returns []string    `json:"returns"`
}

func (m *specMethod) field(name string) *specField {
	for i := range m.Fields {
		if m.Fields[i].Name == name {
			return &m.Fields[i]
		}
	}
	return nil
}

type apiSpec struct {
	Version string
	path    string
	methods map[string]*specMethod // key: lower-case method name
}

func (s *apiSpec) method(name string) *specMethod {
	return s.methods[strings.ToLower(name)]
}

var (
	specOnce   sync.Once
	specLoaded *apiSpec
	specErr    error
)

// loadSpec finds and parses the Bot API spec once per process.
func loadSpec() (*apiSpec, error) {
	specOnce.Do(func() {
		path, err := findSpec()
		if err != nil {
			specErr = err
			return
		}
		specLoaded, specErr = parseSpec(path)
	})
	return specLoaded, specErr
}

const specRelPath = "shared/telegram/bot-api.json"

// findSpec returns $BOT_API_SPEC, or the first ancestor of the working
// directory containing shared/telegram/bot-api.json.
func findSpec() (string, error) {
	if p := os.Getenv("BOT_API_SPEC"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("BOT_API_SPEC=%q: %w", p, err)
		}
		return p, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("getwd: %w", err)
	}
	for dir := wd; ; {
		p := filepath.Join(dir, filepath.FromSlash(specRelPath))
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("%s not found in %s or any of its parents; set BOT_API_SPEC to its path", specRelPath, wd)
}

func parseSpec(path string) (*apiSpec, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Version string                 `json:"version"`
		Methods map[string]*specMethod `json:"methods"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if len(doc.Methods) == 0 {
		return nil, fmt.Errorf("parse %s: no methods", path)
	}
	s := &apiSpec{Version: doc.Version, path: path, methods: make(map[string]*specMethod, len(doc.Methods))}
	for name, m := range doc.Methods {
		if m.Name == "" {
			m.Name = name
		}
		s.methods[strings.ToLower(m.Name)] = m
	}
	return s, nil
}
