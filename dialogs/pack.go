package dialogs

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Packs holds the content packs that ship with servicebot, one folder each.
//
//go:embed packs
var Packs embed.FS

// Text is one text in several languages: "uk" → "…", "ru" → "…".
type Text map[string]string

// In returns the text in lang, else in the first of fallbacks that has it.
func (t Text) In(lang string, fallbacks ...string) string {
	if s := t[lang]; s != "" {
		return s
	}
	for _, f := range fallbacks {
		if s := t[f]; s != "" {
			return s
		}
	}
	return ""
}

// Pos is where something was read from, for messages that name the file
// and the line.
type Pos struct {
	File string
	Line int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Pack is one organisation's content.
type Pack struct {
	ID            string          `yaml:"id"`
	Name          Text            `yaml:"name"`
	Languages     []string        `yaml:"languages"`
	Timezone      string          `yaml:"timezone"`
	BusinessHours []BusinessHours `yaml:"business_hours"`
	// CentreHours is the centres' usual schedule, for those without one of
	// their own; none means a centre's hours are known only as its text.
	CentreHours []BusinessHours `yaml:"centre_hours"`
	Channels    []Channel       `yaml:"channels"`
	// Coverage says what the centres' list covers, where a place or a
	// location is beyond it (the mfc pack knows Moscow's offices only).
	Coverage   Text       `yaml:"coverage"`
	Categories []Category `yaml:"categories"`
	Services   []Service  `yaml:"-"`
	Centres    []Centre   `yaml:"-"`
	// Regions and Places come from regions.yaml and places.yaml: the
	// regions centres are grouped by, and the settlements' coordinates.
	Regions []Region `yaml:"-"`
	Places  []Place  `yaml:"-"`
	// Gazetteer is where the country's settlements are, by the skeleton of
	// their Latin name (gazetteer.tsv): the centres nearest a place that
	// has none are found by it.
	Gazetteer map[string]GazetteerPlace `yaml:"-"`
	// Renamings are towns' former names, still typed (renamed.yaml).
	Renamings []Renaming `yaml:"-"`
	Entries   []Entry    `yaml:"-"`
	// Questionnaires are read from questionnaires/*.yaml, one a file.
	Questionnaires []Questionnaire `yaml:"-"`
	// Matching is read from matching.yaml.
	Matching Matching `yaml:"-"`
	Pos      Pos      `yaml:"-"`
}

// BusinessHours is when moderators answer, on the given weekdays.
type BusinessHours struct {
	Days  []string `yaml:"days"` // mon … sun
	Open  string   `yaml:"open"` // "08:00"
	Close string   `yaml:"close"`
}

// Channel is an official channel citizens are pointed to.
type Channel struct {
	ID    string `yaml:"id"`
	Kind  string `yaml:"kind"` // website, booking, integrity, complaint, hotline, chatbot, app
	Title Text   `yaml:"title"`
	URL   string `yaml:"url"`
	Note  Text   `yaml:"note"`
	Pos   Pos    `yaml:"-"`
}

// Category is a FAQ topic.
type Category struct {
	ID    string `yaml:"id"`
	Title Text   `yaml:"title"`
	Pos   Pos    `yaml:"-"`
}

// Service is something a centre does.
type Service struct {
	ID   string `yaml:"id"`
	Name Text   `yaml:"name"`
	Pos  Pos    `yaml:"-"`
}

// Centre is a service centre.
type Centre struct {
	ID string `yaml:"id"`
	// Number is the number people and the e-queue know it by ("5154").
	Number string `yaml:"number"`
	Name   Text   `yaml:"name"`
	// Region is the id of one of the pack's regions.
	Region string `yaml:"region"`
	City   Text   `yaml:"city"`
	// District is the part of a city people name the centre by (Moscow's
	// districts: «Арбат», «Сокол»); typed, it finds the centre as a town
	// does.
	District Text `yaml:"district"`
	Address  Text `yaml:"address"`
	// Note is what a citizen should know before going: "practical exam only".
	Note  Text   `yaml:"note"`
	Hours Text   `yaml:"hours"`
	Map   string `yaml:"map"`
	// Lat and Lon place the centre itself; without them the centre is
	// where its settlement (City in Region, from places.yaml) is.
	Lat float64 `yaml:"lat"`
	Lon float64 `yaml:"lon"`
	// Opening is the centre's own schedule; without it the pack's
	// business hours are the centre's.
	Opening  []BusinessHours `yaml:"opening"`
	Services []string        `yaml:"services"`
	Source   string          `yaml:"source"`
	Pos      Pos             `yaml:"-"`
}

// Region is an area centres are grouped by (an oblast, a krai).
type Region struct {
	ID   string `yaml:"id"`
	Name Text   `yaml:"name"`
	Pos  Pos    `yaml:"-"`
}

// Place is a settlement with centres, and where it is.
type Place struct {
	Name   Text    `yaml:"name"`
	Region string  `yaml:"region"`
	Lat    float64 `yaml:"lat"`
	Lon    float64 `yaml:"lon"`
	// Source names the gazetteer entry the coordinates come from.
	Source string `yaml:"source"`
	Pos    Pos    `yaml:"-"`
}

// Renaming is a town's name now and the names it had that people still
// type («Днепропетровск» for Дніпро), with the act that renamed it.
type Renaming struct {
	Town   string   `yaml:"town"`   // as the centres' list names it
	Former []string `yaml:"former"` // as people type them, in any language
	Source string   `yaml:"source"`
	Pos    Pos      `yaml:"-"`
}

// Matching is what a pack tells the FAQ matcher beyond its entries.
type Matching struct {
	// Synonyms are groups of words or phrases that mean the same to a
	// citizen («права», «посвідчення водія», «водительское удостоверение»).
	Synonyms [][]string `yaml:"synonyms"`
	// OutOfScope are questions, per language, that the pack must not answer
	// (other agencies' services, fines, insurance, weather): the matcher
	// learns them as a class of their own.
	OutOfScope map[string][]string `yaml:"out_of_scope"`
	// Bribe is the entry that answers a message telling of money demanded
	// or offered for a service («без 200 доларів не здам», «просили денег
	// за ускорение»; see TellsOfBribe), whatever else the message names.
	Bribe string `yaml:"bribe"`
	Pos   Pos    `yaml:"-"`
}

// Link is a titled URL under an answer.
type Link struct {
	Title Text   `yaml:"title" json:"title"`
	URL   string `yaml:"url" json:"url"`
}

// Entry is one FAQ entry: the question, how people phrase it, the answer.
type Entry struct {
	ID        string              `yaml:"id" json:"id"`
	Category  string              `yaml:"category" json:"category"`
	Question  Text                `yaml:"question" json:"question"`
	Phrasings map[string][]string `yaml:"phrasings" json:"phrasings,omitempty"`
	Answer    Text                `yaml:"answer" json:"answer"`
	Links     []Link              `yaml:"links" json:"links,omitempty"`
	Related   []string            `yaml:"related" json:"related,omitempty"`
	Hidden    bool                `yaml:"hidden,omitempty" json:"hidden,omitempty"`
	// Action is what the bot does besides answering: ActionFindCentre asks
	// for the person's location or town and shows the centres there.
	Action string `yaml:"action,omitempty" json:"action,omitempty"`
	Pos    Pos    `yaml:"-" json:"-"`
}

// ActionFindCentre marks an entry that finds centres ("where is the
// nearest service centre").
const ActionFindCentre = "find_centre"

// Entry returns the entry with id, if the pack has it.
func (p *Pack) Entry(id string) (Entry, bool) {
	for _, e := range p.Entries {
		if e.ID == id {
			return e, true
		}
	}
	return Entry{}, false
}

// Centre returns the centre with id, if the pack has it.
func (p *Pack) Centre(id string) (Centre, bool) {
	for _, c := range p.Centres {
		if c.ID == id {
			return c, true
		}
	}
	return Centre{}, false
}

// Category returns the category with id, if the pack has it.
func (p *Pack) Category(id string) (Category, bool) {
	for _, c := range p.Categories {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// Local is a text of the pack in lang, or in the pack's own language
// when it has none in lang.
func (p *Pack) Local(t Text, lang string) string { return t.In(lang, p.Languages...) }

// Speaks reports whether the pack has content in lang.
func (p *Pack) Speaks(lang string) bool {
	for _, l := range p.Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// ErrNoPack is returned for a pack folder that does not exist.
var ErrNoPack = errors.New("dialogs: no such pack")

// LoadPack reads the pack in folder dir of fsys: pack.yaml, services.yaml,
// centres.yaml, centres-list.yaml, regions.yaml, places.yaml, renamed.yaml,
// gazetteer.tsv, faq.yaml, matching.yaml and questionnaires/*.yaml. It checks only that
// the files parse; Validate checks the content.
func LoadPack(fsys fs.FS, dir string) (*Pack, error) {
	if _, err := fs.Stat(fsys, path.Join(dir, "pack.yaml")); err != nil {
		return nil, fmt.Errorf("%w: %s (no pack.yaml)", ErrNoPack, dir)
	}
	p := &Pack{}
	root, err := readYAML(fsys, dir, "pack.yaml")
	if err != nil {
		return nil, err
	}
	file := path.Join(dir, "pack.yaml")
	if err := root.Decode(p); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p.Pos = Pos{File: file, Line: 1}
	// Lists are read item by item, so that each knows its line.
	p.Channels, p.Categories = nil, nil
	if err := eachItem(root, file, "channels", func(n *yaml.Node, pos Pos) error { return addItem(&p.Channels, n, pos) }); err != nil {
		return nil, err
	}
	if err := eachItem(root, file, "categories", func(n *yaml.Node, pos Pos) error { return addItem(&p.Categories, n, pos) }); err != nil {
		return nil, err
	}

	for _, part := range []struct {
		name, key string
		add       func(n *yaml.Node, pos Pos) error
	}{
		{"services.yaml", "services", func(n *yaml.Node, pos Pos) error { return addItem(&p.Services, n, pos) }},
		{"centres.yaml", "centres", func(n *yaml.Node, pos Pos) error { return addItem(&p.Centres, n, pos) }},
		// Centres generated from a public list, with the ones above taking precedence.
		{"centres-list.yaml", "centres", func(n *yaml.Node, pos Pos) error { return addItem(&p.Centres, n, pos) }},
		{"regions.yaml", "regions", func(n *yaml.Node, pos Pos) error { return addItem(&p.Regions, n, pos) }},
		{"places.yaml", "places", func(n *yaml.Node, pos Pos) error { return addItem(&p.Places, n, pos) }},
		{"renamed.yaml", "renamed", func(n *yaml.Node, pos Pos) error { return addItem(&p.Renamings, n, pos) }},
		{"faq.yaml", "entries", func(n *yaml.Node, pos Pos) error { return addItem(&p.Entries, n, pos) }},
	} {
		if !fileExists(fsys, path.Join(dir, part.name)) {
			continue
		}
		file := path.Join(dir, part.name)
		root, err := readYAML(fsys, dir, part.name)
		if err != nil {
			return nil, err
		}
		if err := eachItem(root, file, part.key, part.add); err != nil {
			return nil, err
		}
	}

	if file := path.Join(dir, "gazetteer.tsv"); fileExists(fsys, file) {
		g, err := readGazetteer(fsys, file)
		if err != nil {
			return nil, err
		}
		p.Gazetteer = g
	}

	if file := path.Join(dir, "matching.yaml"); fileExists(fsys, file) {
		root, err := readYAML(fsys, dir, "matching.yaml")
		if err != nil {
			return nil, err
		}
		if err := root.Decode(&p.Matching); err != nil {
			return nil, fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
		}
		p.Matching.Pos = Pos{File: file, Line: 1}
	}

	qdir := path.Join(dir, "questionnaires")
	files, err := fs.ReadDir(fsys, qdir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("dialogs: %s: %w", qdir, err)
	}
	for _, f := range files {
		if f.IsDir() || !strings.HasSuffix(f.Name(), ".yaml") {
			continue
		}
		q, err := loadQuestionnaire(fsys, path.Join(qdir, f.Name()))
		if err != nil {
			return nil, err
		}
		p.Questionnaires = append(p.Questionnaires, q)
	}
	return p, nil
}

// LoadPackDir reads a pack from a folder on disk.
func LoadPackDir(dir string) (*Pack, error) {
	return LoadPack(os.DirFS(dir), ".")
}

// LoadShippedPack reads one of the packs built into the binary.
func LoadShippedPack(id string) (*Pack, error) {
	return LoadPack(Packs, path.Join("packs", id))
}

// ShippedPacks lists the ids of the packs built into the binary.
func ShippedPacks() []string {
	ents, _ := fs.ReadDir(Packs, "packs")
	var ids []string
	for _, e := range ents {
		if e.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	return ids
}

func fileExists(fsys fs.FS, file string) bool {
	_, err := fs.Stat(fsys, file)
	return !errors.Is(err, fs.ErrNotExist)
}

func readYAML(fsys fs.FS, dir, name string) (*yaml.Node, error) {
	file := path.Join(dir, name)
	raw, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("dialogs: %s: %w", file, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: the file is empty", file)
	}
	return doc.Content[0], nil
}

// eachItem calls f for each element of the sequence under key.
func eachItem(root *yaml.Node, file, key string, f func(n *yaml.Node, pos Pos) error) error {
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("%s:%d: expected a mapping with %q", file, root.Line, key)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != key {
			continue
		}
		seq := root.Content[i+1]
		if seq.Kind != yaml.SequenceNode {
			return fmt.Errorf("%s:%d: %s must be a list", file, seq.Line, key)
		}
		for _, n := range seq.Content {
			if err := f(n, Pos{File: file, Line: n.Line}); err != nil {
				return err
			}
		}
	}
	return nil
}

type positioned interface {
	Channel | Category | Service | Centre | Entry | Region | Place | Renaming
}

func addItem[T positioned](list *[]T, n *yaml.Node, pos Pos) error {
	var v T
	if err := n.Decode(&v); err != nil {
		return fmt.Errorf("%s: %s", pos, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	setItemPos(&v, pos)
	*list = append(*list, v)
	return nil
}

func setItemPos[T positioned](v *T, pos Pos) {
	switch x := any(v).(type) {
	case *Channel:
		x.Pos = pos
	case *Category:
		x.Pos = pos
	case *Service:
		x.Pos = pos
	case *Centre:
		x.Pos = pos
	case *Entry:
		x.Pos = pos
	case *Region:
		x.Pos = pos
	case *Place:
		x.Pos = pos
	case *Renaming:
		x.Pos = pos
	}
}
