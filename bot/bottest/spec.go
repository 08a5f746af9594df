package bottest

import (
	_ "embed"
	"encoding/json"
	"fmt"
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

//go:embed apispec/bot-api.json
var specJSON []byte

var (
	specOnce   sync.Once
	specLoaded *apiSpec
	specErr    error
)

// loadSpec parses the embedded Bot API spec once per process.
func loadSpec() (*apiSpec, error) {
	specOnce.Do(func() {
		specLoaded, specErr = parseSpec("apispec/bot-api.json", specJSON)
	})
	return specLoaded, specErr
}

func parseSpec(path string, raw []byte) (*apiSpec, error) {
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
