package bottest

import (
	"embed"
	"io/fs"
	"path"
	"sort"
)

// The real Update payloads of updates/ (sources and licences in
// updates/MANIFEST.md), embedded so that a test or a built benchmark needs
// no file beside it.
//
//go:embed updates/*.json
var fixtureFS embed.FS

// Fixture is one real Update payload, as Telegram or another library's test
// suite sent it.
type Fixture struct {
	Name string // the file's name, e.g. "message_photo.json"
	Raw  []byte
}

// Fixtures returns every update fixture, sorted by name.
func Fixtures() []Fixture {
	names, err := fs.Glob(fixtureFS, "updates/*.json")
	if err != nil {
		panic("bottest: " + err.Error()) // the pattern is a constant
	}
	sort.Strings(names)
	out := make([]Fixture, 0, len(names))
	for _, n := range names {
		raw, err := fixtureFS.ReadFile(n)
		if err != nil {
			panic("bottest: " + err.Error()) // embedded: cannot fail
		}
		out = append(out, Fixture{Name: path.Base(n), Raw: raw})
	}
	return out
}
