package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	gozxingqr "github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"

	"servicebot/dialogs"
	"servicebot/locales"
)

const testBot = "servicebot_test_bot"

func firstCentre(t *testing.T, pack string) dialogs.Centre {
	t.Helper()
	p, err := dialogs.LoadShippedPack(pack)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Centres) == 0 {
		t.Fatalf("pack %s has no centres", pack)
	}
	return p.Centres[0]
}

// readSign opens a PNG the command wrote and reads its QR code as a phone's
// scanner would.
func readSign(t *testing.T, file string) (image.Image, string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := gozxingqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		// gozxing's finder-pattern scan misjudges the size of one code in
		// 150 or so (velykyi0545 at desk 12: 35 modules for 33). The code
		// is the square at the top of the sign; read it as a bare code.
		side := img.Bounds().Dx()
		sq, _ := gozxing.NewBinaryBitmapFromImage(img.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(image.Rect(0, 0, side, side)))
		res, err = gozxingqr.NewQRCodeReader().Decode(sq, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true})
	}
	if err != nil {
		t.Fatalf("%s: no readable QR code: %v", file, err)
	}
	return img, res.GetText()
}

func runQR(t *testing.T, getenv func(string) string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append([]string{"qr"}, args...), getenv, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestQRCodeOpensTheCentresDeepLink(t *testing.T) {
	centre := firstCentre(t, "hsc").ID
	dir := t.TempDir()
	tests := []struct {
		name   string
		getenv func(string) string
		args   []string
		want   string
	}{
		{"desk", env(), []string{"--centre", centre, "--desk", "3", "--bot", testBot}, "https://t.me/" + testBot + "?start=r_" + centre + "_3"},
		{"no desk, bot from the environment", env("BOT_USERNAME", testBot), []string{"--centre", centre}, "https://t.me/" + testBot + "?start=r_" + centre},
		// The number people know a centre by, as /stats takes it.
		{"a centre's number", env(), []string{"--centre", "5154", "--bot", testBot}, "https://t.me/" + testBot + "?start=r_odesa5154"},
		{"a centre's number with №", env(), []string{"--centre", "№5154", "--desk", "2", "--bot", testBot}, "https://t.me/" + testBot + "?start=r_odesa5154_2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".png")
			code, _, stderr := runQR(t, tt.getenv, append(tt.args, "--out", file)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			img, got := readSign(t, file)
			if got != tt.want {
				t.Errorf("the code reads %q; want %q", got, tt.want)
			}
			b := img.Bounds()
			if b.Dx() < 600 || b.Dy() <= b.Dx() {
				t.Fatalf("image is %dx%d; want at least 600 wide and the text under the code", b.Dx(), b.Dy())
			}
			// The code is square at the top; the name is drawn below it.
			dark := 0
			for y := b.Min.Y + b.Dx(); y < b.Max.Y; y++ {
				for x := b.Min.X; x < b.Max.X; x++ {
					if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
						dark++
					}
				}
			}
			if dark < 500 {
				t.Errorf("%d dark pixels under the code; the name was not drawn", dark)
			}
		})
	}
}

func TestQRAllDrawsEveryCentre(t *testing.T) {
	for _, pack := range []string{"hsc", "mfc"} {
		t.Run(pack, func(t *testing.T) {
			p, err := dialogs.LoadShippedPack(pack)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(t.TempDir(), "signs")
			code, _, stderr := runQR(t, env("DIALOGS_PACK", pack), "--all", "--desk", "12", "--bot", testBot, "--out", dir)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
			if len(files) != len(p.Centres) {
				t.Errorf("%d files for %d centres", len(files), len(p.Centres))
			}
			for _, c := range p.Centres {
				_, got := readSign(t, filepath.Join(dir, c.ID+"_12.png"))
				if want := "https://t.me/" + testBot + "?start=r_" + c.ID + "_12"; got != want {
					t.Errorf("%s reads %q; want %q", c.ID, got, want)
				}
			}
		})
	}
}

func TestQRRejectsBadInput(t *testing.T) {
	centre := firstCentre(t, "hsc").ID
	dir := t.TempDir()
	out := filepath.Join(dir, "sign.png")
	tests := []struct {
		name   string
		getenv func(string) string
		args   []string
		want   []string // all in the message
	}{
		{"unknown centre", env(), []string{"--centre", "nosuch", "--bot", testBot, "--out", out}, []string{"--centre", "nosuch", centre}},
		{"an id mistyped", env(), []string{"--centre", "odesa515", "--bot", testBot, "--out", out}, []string{"did you mean", "odesa5154"}},
		{"a town", env(), []string{"--centre", "Одеса", "--bot", testBot, "--out", out}, []string{"did you mean", "odesa5154", "odesa5141"}},
		{"desk 0", env(), []string{"--centre", centre, "--desk", "0", "--bot", testBot, "--out", out}, []string{"--desk", "1 to 999"}},
		{"desk -1", env(), []string{"--centre", centre, "--desk", "-1", "--bot", testBot, "--out", out}, []string{"--desk", "1 to 999"}},
		{"desk abc", env(), []string{"--centre", centre, "--desk", "abc", "--bot", testBot, "--out", out}, []string{"--desk", "1 to 999"}},
		{"desk 1000", env(), []string{"--centre", centre, "--desk", "1000", "--bot", testBot, "--out", out}, []string{"--desk", "1 to 999"}},
		{"no out", env(), []string{"--centre", centre, "--bot", testBot}, []string{"--out", "required"}},
		{"no out for all", env(), []string{"--all", "--bot", testBot}, []string{"--out", "required"}},
		{"no bot", env(), []string{"--centre", centre, "--out", out}, []string{"--bot"}},
		{"bot is not a username", env("BOT_USERNAME", "Service Bot"), []string{"--centre", centre, "--out", out}, []string{"BOT_USERNAME", "username"}},
		{"neither centre nor all", env(), []string{"--bot", testBot, "--out", out}, []string{"--centre", "--all"}},
		{"language the pack lacks", env(), []string{"--centre", centre, "--lang", "de", "--bot", testBot, "--out", out}, []string{"--lang", "uk"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runQR(t, tt.getenv, tt.args...)
			if code == 0 {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("message %q does not name %q", stderr, w)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("wrote %s anyway", out)
			}
		})
	}
}

// TestQRFontsCoverEveryName guards against printed names with missing
// letters: every character of every shipped centre's name and city, and
// the desk words, must be in the fonts the sign is drawn with.
func TestQRFontsCoverEveryName(t *testing.T) {
	var text []string
	for _, id := range dialogs.ShippedPacks() {
		p, err := dialogs.LoadShippedPack(id)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Centres {
			for _, s := range c.Name {
				text = append(text, s)
			}
			for _, s := range c.City {
				text = append(text, s)
			}
		}
	}
	words, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range locales.Languages {
		text = append(text, words.Text(lang, "qr.desk", map[string]any{"Desk": 0}))
	}
	text = append(text, "0123456789…")
	for name, ttf := range map[string][]byte{"gobold": gobold.TTF, "goregular": goregular.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		for _, s := range text {
			for _, r := range s {
				if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
					t.Errorf("%s has no %q (in %q)", name, r, s)
				}
			}
		}
	}
}

// Konotop's office and its exam ground share name and number: their
// posters say which is which.
func TestPostersOfCentresSharingANameDiffer(t *testing.T) {
	p, err := dialogs.LoadShippedPack("hsc")
	if err != nil {
		t.Fatal(err)
	}
	office, _ := p.Centre("konotop5942")
	exams, _ := p.Centre("konotop5942x")
	n1, t1 := posterLines(p, office, "uk")
	n2, t2 := posterLines(p, exams, "uk")
	if n1+t1 == n2+t2 || !strings.Contains(t2, "практичний іспит") {
		t.Errorf("the two Konotop posters read %q / %q and %q / %q", n1, t1, n2, t2)
	}
	if _, town := posterLines(p, p.Centres[0], "uk"); strings.Contains(town, "·") {
		t.Errorf("a centre with a name of its own gets %q", town)
	}
}

// The desk line under the name («Вікно 12») is the text of locales/
// (qr.desk) in the poster's language, and the posters read as they did
// when the words were written in Go: the sign drawn is the same, pixel
// for pixel, as one drawn with the line spelled out here.
func TestQRDeskLineComesFromTheLocales(t *testing.T) {
	text, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"uk": "Вікно 12", "ru": "Окно 12", "en": "Desk 12"}
	for _, lang := range locales.Languages {
		if got := text.Text(lang, "qr.desk", map[string]any{"Desk": 12}); got != want[lang] {
			t.Errorf("%s: locales/ give the desk line %q; want %q", lang, got, want[lang])
		}
	}
	for _, tt := range []struct{ pack, lang string }{{"hsc", "uk"}, {"hsc", "ru"}, {"mfc", "ru"}} {
		t.Run(tt.pack+"_"+tt.lang, func(t *testing.T) {
			p, err := dialogs.LoadShippedPack(tt.pack)
			if err != nil {
				t.Fatal(err)
			}
			c := p.Centres[0]
			file := filepath.Join(t.TempDir(), "sign.png")
			code, _, stderr := runQR(t, env("DIALOGS_PACK", tt.pack), "--centre", c.ID, "--desk", "12", "--lang", tt.lang, "--bot", testBot, "--out", file)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			got, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			s := qrSign{link: "https://t.me/" + testBot + "?start=r_" + c.ID + "_12", desk: want[tt.lang]}
			s.name, s.city = posterLines(p, c, tt.lang)
			img, err := drawSign(s)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := png.Encode(&buf, img); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, buf.Bytes()) {
				t.Errorf("the %s poster of %s at desk 12 differs from one reading %q under %q", tt.lang, c.ID, want[tt.lang], s.name)
			}
		})
	}
}
