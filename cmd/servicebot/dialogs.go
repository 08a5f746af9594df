package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"servicebot/cmd/internal/config"
	"servicebot/dialogs"
	"servicebot/store"
)

const dialogsUsage = `Usage:
  servicebot dialogs validate [DIR]     check the pack DIALOGS_PACK names, or the pack folder DIR
  servicebot dialogs validate --all     check every pack built into servicebot
  servicebot dialogs import [DIR]       validate, then make the database's FAQ equal to the pack's
                                        (edits made in the bot since are replaced: export them first)
  servicebot dialogs export [--from DIR2] DIR
                                        write the database's FAQ as DIR/faq.yaml, with pack.yaml,
                                        services.yaml and the centres (centres*.yaml, regions.yaml,
                                        places.yaml) from the built-in pack or DIR2
`

// cmdDialogs runs `servicebot dialogs …`: content packs on disk, in the
// binary and in the database.
func cmdDialogs(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, dialogsUsage)
		return errors.New("dialogs: expected validate, import or export")
	}
	var err error
	switch args[0] {
	case "validate":
		err = dialogsValidate(args[1:], getenv, stdout, stderr)
	case "import":
		err = dialogsImport(ctx, args[1:], getenv, stdout, stderr)
	case "export":
		err = dialogsExport(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, dialogsUsage)
	default:
		fmt.Fprint(stderr, dialogsUsage)
		return fmt.Errorf("dialogs: unknown command %q", args[0])
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// subcommandFlags is a flag set that prints the usage of a command family
// on a mistake.
func subcommandFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fset := flag.NewFlagSet(name, flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, usage) }
	return fset
}

func dialogsValidate(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := subcommandFlags("dialogs validate", dialogsUsage, stderr)
	all := fset.Bool("all", false, "check every pack built into servicebot")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() > 1 || (*all && fset.NArg() > 0) {
		fset.Usage()
		return errors.New("dialogs validate: expected one pack folder, or --all")
	}
	if *all {
		return validateShipped(stdout, stderr)
	}
	var src packSource
	if fset.NArg() > 0 {
		src.dir = fset.Arg(0)
	}
	p, err := src.loadChosen(getenv)
	if err != nil {
		return err
	}
	if n := validatePack(stdout, stderr, src, p); n > 0 {
		return fmt.Errorf("%s: %d problems", src, n)
	}
	return nil
}

// validateShipped checks the built-in packs, and that every pack
// DIALOGS_PACK may name is among them.
func validateShipped(stdout, stderr io.Writer) error {
	ids := dialogs.ShippedPacks()
	for id := range config.KnownPacks {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var bad []string
	for _, id := range ids {
		src := packSource{shipped: id}
		p, err := src.load()
		if err != nil {
			fmt.Fprintf(stdout, "%s: %v\n", src, err)
			bad = append(bad, id)
			continue
		}
		if validatePack(stdout, stderr, src, p) > 0 {
			bad = append(bad, id)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("packs with problems: %s", strings.Join(bad, ", "))
	}
	return nil
}

// checkPack validates p and prints each problem as file:line: message; it
// returns how many there are.
func checkPack(w io.Writer, src packSource, p *dialogs.Pack) int {
	problems := dialogs.Validate(p)
	for _, pr := range problems {
		pr.Pos = src.where(pr.Pos)
		fmt.Fprintln(w, pr)
	}
	return len(problems)
}

// validatePack checks p and says so when it is good; warnings, which do
// not make it bad, go to warn.
func validatePack(w, warn io.Writer, src packSource, p *dialogs.Pack) int {
	for _, pr := range dialogs.Warnings(p) {
		pr.Pos = src.where(pr.Pos)
		fmt.Fprintln(warn, "warning: "+pr.String())
	}
	n := checkPack(w, src, p)
	if n == 0 {
		fmt.Fprintf(w, "ok: %s: %d entries, %d centres, %d categories\n", p.ID, len(p.Entries), len(p.Centres), len(p.Categories))
	}
	return n
}

func dialogsImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := subcommandFlags("dialogs import", dialogsUsage, stderr)
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() > 1 {
		fset.Usage()
		return errors.New("dialogs import: expected at most one pack folder")
	}
	cfg, err := config.Load(getenv, false)
	if err != nil {
		return err
	}
	src := chosenPack(cfg, fset.Args())
	p, err := src.load()
	if err != nil {
		return err
	}
	if n := checkPack(stdout, src, p); n > 0 {
		return fmt.Errorf("%s: %d problems; nothing imported", src, n)
	}
	if len(p.Entries) == 0 {
		// Importing nothing would delete every live entry.
		return fmt.Errorf("%s has no FAQ entries (no faq.yaml?); nothing imported", src)
	}
	st, closeStore, err := openMigrated(ctx, cfg, config.NewLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer closeStore()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	added, changed, removed, err := st.ImportFAQ(ctx, p.ID, p.Entries, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %s: %d added, %d changed, %d removed\n", p.ID, added, changed, removed)
	return nil
}

func dialogsExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := subcommandFlags("dialogs export", dialogsUsage, stderr)
	from := fset.String("from", "", "copy pack.yaml, services.yaml and the centres' files from this pack folder")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() != 1 {
		fset.Usage()
		return errors.New("dialogs export: expected the folder to write")
	}
	dir := fset.Arg(0)
	cfg, err := config.Load(getenv, false)
	if err != nil {
		return err
	}
	src := packSource{shipped: cfg.Bot.Pack}
	if *from != "" {
		src = packSource{dir: *from}
	}
	p, err := src.load()
	if err != nil {
		return err
	}

	st, closeStore, err := openMigrated(ctx, cfg, config.NewLogger(stderr, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer closeStore()
	has, err := st.HasFAQ(ctx, p.ID)
	if err != nil {
		return err
	}
	if !has {
		return fmt.Errorf("the database has no FAQ for %s; load one with `servicebot dialogs import`", p.ID)
	}
	entries, err := store.FAQEntries(ctx, st.DB(), p.ID)
	if err != nil {
		return err
	}
	faq, err := faqYAML(p, entries)
	if err != nil {
		return err
	}

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("dialogs export: %w", err)
	}
	for _, name := range []string{"pack.yaml", "services.yaml", "centres.yaml", "centres-list.yaml", "regions.yaml", "places.yaml"} {
		raw, err := src.file(name)
		if errors.Is(err, fs.ErrNotExist) && name != "pack.yaml" {
			continue
		}
		if err != nil {
			return fmt.Errorf("dialogs export: %w", err)
		}
		if err := writeFile(filepath.Join(dir, name), raw); err != nil {
			return err
		}
	}
	if err := writeFile(filepath.Join(dir, "faq.yaml"), faq); err != nil {
		return err
	}

	// The live copy is edited in the bot, which checks less than Validate
	// does; say what would stop the folder from importing again.
	out := packSource{dir: dir}
	if exported, err := out.load(); err != nil {
		fmt.Fprintf(stderr, "servicebot: warning: %v\n", err)
	} else if problems := dialogs.Validate(exported); len(problems) > 0 {
		fmt.Fprintf(stderr, "servicebot: warning: %s has %d problems; fix them before importing it:\n", dir, len(problems))
		checkPack(stderr, out, exported)
	}
	fmt.Fprintf(stdout, "exported %s: %d entries to %s\n", p.ID, len(entries), filepath.Join(dir, "faq.yaml"))
	return nil
}

// chosenPack is the pack folder named on the command line, else the
// built-in pack DIALOGS_PACK names.
func chosenPack(cfg config.Config, args []string) packSource {
	if len(args) > 0 {
		return packSource{dir: args[0]}
	}
	return packSource{shipped: cfg.Bot.Pack}
}

// packSource is where a pack is read from: a folder on disk (dir), or a pack
// built into the binary (shipped, its id).
type packSource struct {
	dir     string
	shipped string
}

func (s packSource) String() string {
	if s.dir != "" {
		return s.dir
	}
	return "dialogs/packs/" + s.shipped
}

// loadChosen reads the pack named by a --pack or --dir flag, or else the
// configured one (DIALOGS_PACK).
func (s *packSource) loadChosen(getenv func(string) string) (*dialogs.Pack, error) {
	if s.shipped == "" && s.dir == "" {
		cfg, err := config.Load(getenv, false)
		if err != nil {
			return nil, err
		}
		s.shipped = cfg.Bot.Pack
	}
	return s.load()
}

// load reads the pack. A folder is read through osPaths, so that every
// position, in problems and in parse errors alike, names the file by the
// path the operator typed: "packs/x/faq.yaml:12", not "faq.yaml:12".
func (s packSource) load() (*dialogs.Pack, error) {
	if s.dir != "" {
		return dialogs.LoadPack(osPaths{}, filepath.ToSlash(s.dir))
	}
	return dialogs.LoadShippedPack(s.shipped)
}

// where turns a position as the pack reports it into a path to open: a
// built-in pack's files are under dialogs/ in the source tree.
func (s packSource) where(pos dialogs.Pos) dialogs.Pos {
	if s.dir == "" && pos.File != "" {
		pos.File = path.Join("dialogs", pos.File)
	}
	return pos
}

// file returns one of the pack's files as it is written.
func (s packSource) file(name string) ([]byte, error) {
	if s.dir != "" {
		return os.ReadFile(filepath.Join(s.dir, name))
	}
	return fs.ReadFile(dialogs.Packs, path.Join("packs", s.shipped, name))
}

// osPaths opens files by the path given, relative to the working directory
// or absolute. It is an fs.FS for dialogs.LoadPack only: unlike os.DirFS it
// takes any path, so positions keep the folder's name.
type osPaths struct{}

func (osPaths) Open(name string) (fs.File, error) { return os.Open(filepath.FromSlash(name)) }

// writeFile replaces name with data, never leaving it half written.
func writeFile(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fmt.Errorf("dialogs export: %w", err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("dialogs export: %w", err)
	}
	return nil
}

// faqYAML writes entries in faq.yaml's schema and in the shipped files'
// style, so that a diff against them shows only what was edited: texts list
// the pack's languages first, one-line texts are double-quoted, multi-line
// ones are literal blocks (an answer reads as it will be shown). Reading the
// result back gives the same entries. Comments are not kept.
func faqYAML(p *dialogs.Pack, entries []dialogs.Entry) ([]byte, error) {
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, e := range entries {
		list.Content = append(list.Content, entryNode(e, p.Languages))
	}
	root := &yaml.Node{Kind: yaml.MappingNode}
	root.HeadComment = fmt.Sprintf("The FAQ of %s as it is live in the database, written by `servicebot dialogs export`.", p.ID)
	addPair(root, "entries", list)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("dialogs export: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("dialogs export: %w", err)
	}
	// A blank line between entries, as people write them. Deeper lines are
	// indented further, so only an entry's first line matches.
	return bytes.ReplaceAll(buf.Bytes(), []byte("\n  - id: "), []byte("\n\n  - id: ")), nil
}

// entryNode writes an entry's fields in faq.yaml's order, leaving out the
// empty optional ones.
func entryNode(e dialogs.Entry, langs []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	addPair(n, "id", str(e.ID))
	addPair(n, "category", str(e.Category))
	addPair(n, "question", textNode(e.Question, langs, 0))
	if len(e.Phrasings) > 0 {
		ph := &yaml.Node{Kind: yaml.MappingNode}
		for _, lang := range textOrder(e.Phrasings, langs) {
			addPair(ph, lang, textList(e.Phrasings[lang]))
		}
		addPair(n, "phrasings", ph)
	}
	addPair(n, "answer", textNode(e.Answer, langs, 0))
	if e.Action != "" {
		addPair(n, "action", str(e.Action))
	}
	if len(e.Links) > 0 {
		links := &yaml.Node{Kind: yaml.SequenceNode}
		for _, l := range e.Links {
			link := &yaml.Node{Kind: yaml.MappingNode}
			addPair(link, "title", textNode(l.Title, langs, yaml.FlowStyle))
			addPair(link, "url", str(l.URL))
			links.Content = append(links.Content, link)
		}
		addPair(n, "links", links)
	}
	if len(e.Related) > 0 {
		addPair(n, "related", idList(e.Related))
	}
	if e.Hidden {
		addPair(n, "hidden", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"})
	}
	return n
}

// textNode writes a text, in flow style ({uk: …, ru: …}) when asked and
// none of it has several lines.
func textNode(t dialogs.Text, langs []string, style yaml.Style) *yaml.Node {
	if t == nil {
		return null()
	}
	n := &yaml.Node{Kind: yaml.MappingNode, Style: style}
	for _, lang := range textOrder(t, langs) {
		v := text(t[lang])
		if v.Style == yaml.LiteralStyle {
			n.Style = 0
		}
		n.Content = append(n.Content, str(lang), v)
	}
	return n
}

// textOrder lists the keys of m: the pack's languages first, in its order,
// then any others alphabetically.
func textOrder[V any](m map[string]V, langs []string) []string {
	var out, rest []string
	for _, l := range langs {
		if _, ok := m[l]; ok {
			out = append(out, l)
		}
	}
	for l := range m {
		if !slices.Contains(langs, l) {
			rest = append(rest, l)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// str is an id, a category or a URL: plain unless YAML needs quotes.
func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// text is a text a person reads: a literal block when it has several lines,
// else double-quoted.
func text(s string) *yaml.Node {
	n := str(s)
	n.Style = yaml.DoubleQuotedStyle
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

// textList writes a list of texts, ["…", "…"]; nil stays null, so that
// the entry reads back exactly as it was.
func textList(list []string) *yaml.Node {
	if list == nil {
		return null()
	}
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range list {
		v := text(s)
		if v.Style == yaml.LiteralStyle {
			n.Style = 0
		}
		n.Content = append(n.Content, v)
	}
	return n
}

func idList(ids []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, id := range ids {
		n.Content = append(n.Content, str(id))
	}
	return n
}

func null() *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"} }

func addPair(m *yaml.Node, key string, value *yaml.Node) {
	m.Content = append(m.Content, str(key), value)
}
