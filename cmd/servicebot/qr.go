package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"servicebot/dialogs"
	"servicebot/locales"
)

const qrUsage = `Usage:
  servicebot qr --centre ID|NUMBER [--desk N] --out FILE.png [--bot USERNAME] [--pack ID | --dir DIR] [--lang L]
      draw the QR code of the centre's deep link (https://t.me/USERNAME?start=r_ID[_N]),
      with the centre's name, the desk and the city under it, for printing
  servicebot qr --all [--desk N] --out DIR [--bot USERNAME] [--pack ID | --dir DIR] [--lang L]
      draw one for every centre of the pack: DIR/ID.png, or DIR/ID_N.png with --desk

  --bot     the bot's username without @ (default: BOT_USERNAME)
  --desk    the desk (window) number, 1 to 999
  --pack    a built-in pack (default: DIALOGS_PACK); --dir: a pack folder instead
  --lang    the language of the printed text (default: the pack's first language)
`

// Desk numbers and centre ids must fit the start payload the bot reads:
// "r_<centre>_<desk>" (dialogs.ParseStartLink).
const maxDesk = 999

var (
	centreIDPattern = regexp.MustCompile(`^[a-z0-9]{1,12}$`)
	// Telegram usernames are 5–32 of A-Z a-z 0-9 _, and a bot's ends in "bot".
	botUsernamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{4,31}$`)
)

// qrSign is one printed sign: the link in the code and the text under it.
type qrSign struct {
	link string
	name string
	desk string // "Вікно 3", or empty
	city string
}

// cmdQR runs `servicebot qr …`: printable QR codes that open the bot with
// the centre (and desk) already known.
func cmdQR(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	err := qrDraw(args, getenv, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func qrDraw(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := subcommandFlags("qr", qrUsage, stderr)
	centreID := fset.String("centre", "", "the centre's id (odesa5154) or number (5154)")
	all := fset.Bool("all", false, "one code per centre of the pack")
	deskArg := fset.String("desk", "", "the desk number, 1 to 999")
	out := fset.String("out", "", "the .png file to write, or with --all the folder")
	botArg := fset.String("bot", "", "the bot's username (default: BOT_USERNAME)")
	packID := fset.String("pack", "", "a built-in pack (default: DIALOGS_PACK)")
	dir := fset.String("dir", "", "a pack folder instead of a built-in pack")
	lang := fset.String("lang", "", "the language of the printed text")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		fset.Usage()
		return fmt.Errorf("qr: unexpected argument %q; flags only", fset.Arg(0))
	}
	switch {
	case *all && *centreID != "":
		fset.Usage()
		return errors.New("qr: --centre and --all: give one")
	case !*all && *centreID == "":
		fset.Usage()
		return errors.New("qr: --centre ID or --all is required")
	case *out == "" && *all:
		return errors.New("qr: --out is required: the folder to write the .png files into")
	case *out == "":
		return errors.New("qr: --out is required: the .png file to write")
	case !*all && !strings.EqualFold(filepath.Ext(*out), ".png"):
		return fmt.Errorf("qr: --out %q: expected a file name ending in .png", *out)
	case *packID != "" && *dir != "":
		fset.Usage()
		return errors.New("qr: --pack and --dir name two packs; give one")
	}
	desk := 0
	if *deskArg != "" {
		n, err := strconv.Atoi(*deskArg)
		if err != nil || n < 1 || n > maxDesk {
			return fmt.Errorf("qr: --desk %q: expected a desk number from 1 to %d", *deskArg, maxDesk)
		}
		desk = n
	}
	bot := strings.TrimPrefix(*botArg, "@")
	from := "--bot"
	if bot == "" {
		bot, from = strings.TrimPrefix(getenv("BOT_USERNAME"), "@"), "BOT_USERNAME"
	}
	if bot == "" {
		return errors.New("qr: the bot's username is unknown: pass --bot USERNAME (as in t.me/USERNAME, without @) or set BOT_USERNAME")
	}
	if !botUsernamePattern.MatchString(bot) || !strings.HasSuffix(strings.ToLower(bot), "bot") {
		return fmt.Errorf("qr: %s %q: expected the bot's username: 5–32 of A-Z a-z 0-9 _, ending in \"bot\"", from, bot)
	}

	src := packSource{shipped: *packID, dir: *dir}
	p, err := src.loadChosen(getenv)
	if err != nil {
		return err
	}
	if len(p.Centres) == 0 {
		return fmt.Errorf("qr: %s has no centres (no centres.yaml?)", src)
	}
	if *lang == "" && len(p.Languages) > 0 {
		*lang = p.Languages[0]
	}
	if !p.Speaks(*lang) {
		return fmt.Errorf("qr: --lang %q: expected one of the pack's languages: %s", *lang, strings.Join(p.Languages, ", "))
	}

	text, err := locales.Load()
	if err != nil {
		return fmt.Errorf("qr: %w", err)
	}

	centres := p.Centres
	if !*all {
		c, err := qrCentre(p, *centreID, src.String())
		if err != nil {
			return err
		}
		centres = []dialogs.Centre{c}
	}
	files := make([]string, len(centres))
	signs := make([]qrSign, len(centres))
	for i, c := range centres {
		link, err := centreLink(bot, c.ID, desk)
		if err != nil {
			return err
		}
		signs[i] = qrSign{link: link}
		signs[i].name, signs[i].city = posterLines(p, c, *lang)
		if desk > 0 {
			signs[i].desk = deskLine(text, *lang, desk)
		}
		files[i] = *out
		if *all {
			name := c.ID
			if desk > 0 {
				name += "_" + strconv.Itoa(desk)
			}
			files[i] = filepath.Join(*out, name+".png")
		}
	}
	if *all {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return fmt.Errorf("qr: --out: %w", err)
		}
	}
	for i, s := range signs {
		img, err := drawSign(s)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			return fmt.Errorf("qr: %w", err)
		}
		if err := os.WriteFile(files[i], buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("qr: %w", err)
		}
		fmt.Fprintf(stdout, "wrote %s: %s\n", files[i], s.link)
	}
	return nil
}

// centreLink is the deep link that opens the bot with the centre (and the
// desk, if not 0) as the start payload.
func centreLink(bot, centreID string, desk int) (string, error) {
	if !centreIDPattern.MatchString(centreID) {
		return "", fmt.Errorf("qr: centre id %q cannot go into a link: expected 1–12 of a-z 0-9", centreID)
	}
	payload := "r_" + centreID
	if desk > 0 {
		payload += "_" + strconv.Itoa(desk)
	}
	if _, err := dialogs.ParseStartLink(payload); err != nil {
		return "", fmt.Errorf("qr: start payload %q: %w", payload, err)
	}
	return "https://t.me/" + bot + "?start=" + payload, nil
}

// qrCentre is the centre --centre names: its id (odesa5154) or the number
// people know it by (5154, «№5154»), as /stats takes it. Unknown, the error
// suggests the ids closest to what was typed.
func qrCentre(p *dialogs.Pack, arg, src string) (dialogs.Centre, error) {
	if c, ok := p.Centre(arg); ok {
		return c, nil
	}
	if c, ok := p.Centre(strings.ToLower(strings.TrimSpace(arg))); ok {
		return c, nil
	}
	num := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(arg), "№#"))
	var same []string
	for _, c := range p.Centres {
		if num != "" && c.Number == num {
			same = append(same, c.ID)
		}
	}
	switch {
	case len(same) == 1:
		c, _ := p.Centre(same[0])
		return c, nil
	case len(same) > 1:
		return dialogs.Centre{}, fmt.Errorf("qr: --centre %q: centres %s share that number; give the id", arg, strings.Join(same, ", "))
	}
	if near := closeCentreIDs(p, arg); len(near) > 0 {
		return dialogs.Centre{}, fmt.Errorf("qr: --centre %q: no such centre id or number in %s; did you mean %s?", arg, src, strings.Join(near, ", "))
	}
	return dialogs.Centre{}, fmt.Errorf("qr: --centre %q: no such centre id or number in %s; it has %s", arg, src, someCentreIDs(p))
}

// closeCentreIDs are the ids of the centres closest to what was typed, at
// most six: an id or a number a letter or two off, or the centres of the
// town it names («odesa», «Одеса»).
func closeCentreIDs(p *dialogs.Pack, arg string) []string {
	const most = 6
	typed := []rune(strings.ToLower(strings.TrimSpace(arg)))
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] && len(out) < most {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, c := range p.Centres {
		if levenshtein(typed, []rune(c.ID)) <= 2 || (c.Number != "" && levenshtein(typed, []rune(c.Number)) <= 1) {
			add(c.ID)
		}
	}
	for _, c := range p.FindCentres(arg) {
		add(c.ID)
	}
	return out
}

// levenshtein is the edit distance between a and b.
func levenshtein(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// someCentreIDs names a few of the pack's centres, for an error message.
func someCentreIDs(p *dialogs.Pack) string {
	const few = 5
	var ids []string
	for i, c := range p.Centres {
		if i == few {
			return strings.Join(ids, ", ") + fmt.Sprintf(", … (%d in all)", len(p.Centres))
		}
		ids = append(ids, c.ID)
	}
	return strings.Join(ids, ", ")
}

// deskLine is the line under the name that says which desk (window) the
// code is for: «Вікно 3». The words are in locales/ (qr.desk), as every
// text a person reads; a language locales/ lacks gets English.
func deskLine(text *locales.Bundle, lang string, desk int) string {
	return text.Text(lang, "qr.desk", map[string]any{"Desk": desk})
}

// The sign's geometry. The code is scaled by whole pixels per module, so
// every module is the same size: at least qrMinSide pixels in all.
const (
	qrMinSide    = 600
	qrQuietZone  = 4 // modules of white around the code, as the QR standard asks
	nameSize     = 44.0
	minNameSize  = 28.0
	citySize     = 34.0
	lineSpacing  = 1.15
	bottomMargin = 0.5 // of the quiet zone's height
)

type signFonts struct{ bold, regular *opentype.Font }

// loadSignFonts parses the Go fonts, which are compiled in and cover
// Cyrillic, so a sign looks the same on every machine.
var loadSignFonts = sync.OnceValues(func() (signFonts, error) {
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return signFonts{}, fmt.Errorf("qr: font: %w", err)
	}
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return signFonts{}, fmt.Errorf("qr: font: %w", err)
	}
	return signFonts{bold: bold, regular: regular}, nil
})

// drawSign draws the QR code of s.link on white with s's text centred
// under it.
func drawSign(s qrSign) (*image.Gray, error) {
	fonts, err := loadSignFonts()
	if err != nil {
		return nil, err
	}
	// High error correction: a printed sign gets scratched and dirty, and
	// the link is short enough that the code stays coarse.
	code, err := qrcode.New(s.link, qrcode.High)
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	code.DisableBorder = true
	modules := code.Bitmap()
	n := len(modules) + 2*qrQuietZone
	scale := (qrMinSide + n - 1) / n
	side := n * scale
	margin := qrQuietZone * scale
	textWidth := side - 2*margin

	type line struct {
		text string
		face font.Face
	}
	var lines []line
	nameFace, nameLines, err := fitName(fonts.bold, s.name, textWidth)
	if err != nil {
		return nil, err
	}
	defer nameFace.Close()
	for _, l := range nameLines {
		lines = append(lines, line{l, nameFace})
	}
	if s.desk != "" {
		lines = append(lines, line{s.desk, nameFace})
	}
	cityFace, err := opentype.NewFace(fonts.regular, &opentype.FaceOptions{Size: citySize, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("qr: font: %w", err)
	}
	defer cityFace.Close()
	if s.city != "" {
		lines = append(lines, line{ellipsize(cityFace, s.city, textWidth), cityFace})
	}

	height := side
	for _, l := range lines {
		height += lineHeight(l.face)
	}
	height += int(float64(margin) * bottomMargin)
	img := image.NewGray(image.Rect(0, 0, side, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for y, row := range modules {
		for x, dark := range row {
			if dark {
				r := image.Rect(margin+x*scale, margin+y*scale, margin+(x+1)*scale, margin+(y+1)*scale)
				draw.Draw(img, r, image.Black, image.Point{}, draw.Src)
			}
		}
	}
	// The text starts below the quiet zone, which must stay white.
	top := side
	for _, l := range lines {
		m := l.face.Metrics()
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: l.face}
		w := d.MeasureString(l.text).Ceil()
		d.Dot = fixed.Point26_6{X: fixed.I((side - w) / 2), Y: fixed.I(top) + m.Ascent}
		d.DrawString(l.text)
		top += lineHeight(l.face)
	}
	return img, nil
}

func lineHeight(f font.Face) int {
	return int(float64(f.Metrics().Height.Ceil()) * lineSpacing)
}

// fitName sets name in at most two lines of width, in the largest size
// from nameSize down to minNameSize that fits; a name that fits in none
// is cut short with an ellipsis.
func fitName(f *opentype.Font, name string, width int) (font.Face, []string, error) {
	for size := nameSize; ; size -= 2 {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err != nil {
			return nil, nil, fmt.Errorf("qr: font: %w", err)
		}
		lines, ok := wrapTwo(face, name, width)
		if ok || size-2 < minNameSize {
			for i := range lines {
				lines[i] = ellipsize(face, lines[i], width)
			}
			return face, lines, nil
		}
		face.Close()
	}
}

// wrapTwo splits text at the space that makes the longer of two lines the
// shortest, so that centred lines look balanced. ok is false when the text
// does not fit in two lines of width; the lines are then the best split.
func wrapTwo(face font.Face, text string, width int) (lines []string, ok bool) {
	w := fixed.I(width)
	if font.MeasureString(face, text) <= w {
		return []string{text}, true
	}
	words := strings.Fields(text)
	if len(words) < 2 {
		return []string{text}, false
	}
	best, bestLen := 1, fixed.Int26_6(-1)
	for i := 1; i < len(words); i++ {
		a := font.MeasureString(face, strings.Join(words[:i], " "))
		b := font.MeasureString(face, strings.Join(words[i:], " "))
		if longer := max(a, b); bestLen < 0 || longer < bestLen {
			best, bestLen = i, longer
		}
	}
	return []string{strings.Join(words[:best], " "), strings.Join(words[best:], " ")}, bestLen <= w
}

// ellipsize cuts text to fit width, ending it with "…" when cut.
func ellipsize(face font.Face, text string, width int) string {
	w := fixed.I(width)
	if font.MeasureString(face, text) <= w {
		return text
	}
	runes := []rune(text)
	for n := len(runes) - 1; n > 0; n-- {
		s := strings.TrimSpace(string(runes[:n])) + "…"
		if font.MeasureString(face, s) <= w {
			return s
		}
	}
	return "…"
}

// posterLines are the name and the town a centre's poster reads: as the
// bot names it (dialogs.Pack.NameAndTown), so that two centres sharing a
// name and a number (Konotop's office and its exam ground) differ.
func posterLines(p *dialogs.Pack, c dialogs.Centre, lang string) (name, town string) {
	return p.NameAndTown(c, lang)
}
