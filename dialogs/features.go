package dialogs

import (
	"cmp"
	"math"
	"slices"
)

// What the FAQ classifier sees of a text: character n-grams (2 to 5
// letters, each word padded with spaces) of every folded word, and the
// light stems of the meaningful words, alone and in pairs, with the
// pack's synonyms joined into one token. Character n-grams carry typos,
// surzhyk and word forms; stems and pairs carry the words' meaning.

const (
	// maxWordRunes cuts longer words: nobody types a 33-letter word, and a
	// 4,096-letter one must not cost more than a short one.
	maxWordRunes = 32
	// maxWords is how many words of a question are read: a question is
	// a sentence or two, and a pasted page must not cost more.
	maxWords = 80
)

// word is one word of a text as folded: a Latin h reads as г (Ukrainian)
// and, when that differs, as х (Russian) in alt.
type word struct {
	folded, alt string
}

// words splits s into folded words, each cut to maxWordRunes letters.
// The words share one string.
func words(s string) []word {
	buf := make([]byte, 0, 2*min(len(s), 4*maxWordRunes*maxWords))
	type span struct{ at, mid, end int } // folded buf[at:mid], alt buf[mid:end]
	var spans []span
	eachWord(s, func(w []rune) {
		if len(spans) >= maxWords {
			return
		}
		if len(w) > maxWordRunes {
			w = w[:maxWordRunes]
		}
		at := len(buf)
		buf = foldWord(buf, w, 'г')
		if len(buf) == at {
			return
		}
		mid := len(buf)
		if slices.Contains(w, 'h') {
			buf = foldWord(buf, w, 'х')
			if string(buf[mid:]) == string(buf[at:mid]) {
				buf = buf[:mid]
			}
		}
		spans = append(spans, span{at, mid, len(buf)})
	})
	all := string(buf)
	out := make([]word, len(spans))
	for i, sp := range spans {
		out[i] = word{folded: all[sp.at:sp.mid], alt: all[sp.mid:sp.end]}
	}
	return out
}

// minGram is the shortest character n-gram read.
var minGram = 3

// Feature kinds, mixed into their hashes.
const (
	kindChar   = 'c'
	kindStem   = 's'
	kindBigram = 'b'
)

// hashOf is FNV-1a over a kind and strings; the top bit tells a
// character n-gram (0) from a word feature (1).
func hashOf(kind byte, parts ...string) uint64 {
	h := uint64(14695981039346656037)
	h = (h ^ uint64(kind)) * 1099511628211
	for i, p := range parts {
		if i > 0 {
			h = (h ^ ' ') * 1099511628211
		}
		for j := 0; j < len(p); j++ {
			h = (h ^ uint64(p[j])) * 1099511628211
		}
	}
	h &^= 1 << 63
	if kind != kindChar {
		h |= 1 << 63
	}
	return h
}

func isCharFeature(h uint64) bool { return h>>63 == 0 }

// rawFeatures counts features by hash: added to as a text is read, then
// merged, in hash order, one count a feature.
type rawFeatures []hashCount

type hashCount struct {
	h uint64
	n float32
}

func (f *rawFeatures) add(h uint64, n float32) { *f = append(*f, hashCount{h, n}) }

// merged sorts f by hash and sums the counts of each feature, in place.
func (f rawFeatures) merged() rawFeatures {
	slices.SortFunc(f, func(a, b hashCount) int { return cmp.Compare(a.h, b.h) })
	out := f[:0]
	for _, x := range f {
		if k := len(out) - 1; k >= 0 && out[k].h == x.h {
			out[k].n += x.n
			continue
		}
		out = append(out, x)
	}
	return out
}

// charSeed is FNV-1a's offset basis with kindChar mixed in.
var charSeed = func() uint64 {
	h := uint64(14695981039346656037) ^ kindChar
	return h * fnvPrime
}()

const fnvPrime = 1099511628211

// addChars adds the character n-grams of a folded word, weighted by w.
// Their hashes are FNV-1a over the letters' code points, built up one
// letter at a time from each starting letter.
func (f *rawFeatures) addChars(folded string, w float32) {
	var buf [2*maxWordRunes + 2]rune
	r := append(buf[:0], ' ')
	for _, c := range folded {
		if len(r) == len(buf)-1 {
			break
		}
		r = append(r, c)
	}
	r = append(r, ' ')
	for i := range r {
		h := charSeed
		for n := 1; n <= 5 && i+n <= len(r); n++ {
			h = (h ^ uint64(r[i+n-1])) * fnvPrime
			if n >= minGram {
				f.add(h&^(1<<63), w)
			}
		}
	}
}

// vocabulary is the stems the index knows, with ways to find a known stem
// from a typo or a cut-off word.
type vocabulary struct {
	ids      map[string]int32
	stems    []string
	deletes  map[string][]int32 // a stem with one letter deleted → stems
	prefixes map[string][]int32 // the first 4–6 letters of a longer stem → stems
	syn      map[string][]synonym
}

// synonym is one phrase of a synonym group, as stems, and the token the
// group stands for.
type synonym struct {
	stems []string
	token string
}

func newVocabulary() *vocabulary {
	return &vocabulary{ids: map[string]int32{}, deletes: map[string][]int32{}, prefixes: map[string][]int32{}, syn: map[string][]synonym{}}
}

// maxPrefixStems bounds what one cut-off word may stand for.
const maxPrefixStems = 4

func (v *vocabulary) add(s string) {
	if _, ok := v.ids[s]; ok {
		return
	}
	id := int32(len(v.stems))
	v.ids[s] = id
	v.stems = append(v.stems, s)
	for _, d := range deletions(s) {
		v.deletes[d] = append(v.deletes[d], id)
	}
	r := []rune(s)
	for n := 4; n <= 6 && n < len(r); n++ {
		p := string(r[:n])
		if len(v.prefixes[p]) < maxPrefixStems {
			v.prefixes[p] = append(v.prefixes[p], id)
		}
	}
}

// deletions lists s with one letter removed (for words of 4 letters or more).
func deletions(s string) []string {
	r := []rune(s)
	if len(r) < 4 {
		return nil
	}
	out := make([]string, 0, len(r))
	for i := range r {
		out = append(out, string(r[:i])+string(r[i+1:]))
	}
	return out
}

// guess is a known stem a query stem may stand for, and how sure that is.
type guess struct {
	stem string
	w    float32
}

// resolve finds the known stems s stands for: itself; else stems one edit
// away (a typo); else stems it begins (a cut-off word). exact tells the
// first case.
func (v *vocabulary) resolve(s string) (gs []guess, exact bool) {
	if _, ok := v.ids[s]; ok {
		return []guess{{s, 1}}, true
	}
	// A short word one letter off is as likely another word as a typo.
	n := len([]rune(s))
	if isNumber(s) || n < 5 {
		return nil, false
	}
	add := func(id int32, w float32) {
		st := v.stems[id]
		for _, g := range gs {
			if g.stem == st {
				return
			}
		}
		gs = append(gs, guess{st, w})
	}
	// s with one letter deleted, or a stem with one deleted, or both at the
	// same place: insertion, deletion, substitution, and (mostly)
	// transposition.
	for _, id := range v.deletes[s] {
		add(id, 0.8)
	}
	for _, d := range deletions(s) {
		if id, ok := v.ids[d]; ok {
			add(id, 0.8)
		}
		if n < 6 {
			continue // a substitution in a five-letter word changes a fifth of it
		}
		for _, id := range v.deletes[d] {
			add(id, 0.7)
		}
	}
	if len(gs) == 0 {
		for _, id := range v.prefixes[s] {
			add(id, 0.7)
		}
	}
	if len(gs) > maxPrefixStems {
		gs = gs[:maxPrefixStems]
	}
	return gs, false
}

// addSynonyms learns the pack's synonym groups: each phrase, as stems,
// stands for the group's token.
func (v *vocabulary) addSynonyms(groups [][]string) {
	for i, g := range groups {
		token := "~" + itoa(i)
		for _, phrase := range g {
			var stems []string
			for _, w := range words(phrase) {
				if !stopwords[w.folded] {
					stems = append(stems, stem(w.folded))
				}
			}
			if len(stems) == 0 {
				continue
			}
			for _, s := range stems {
				v.add(s)
			}
			v.syn[stems[0]] = append(v.syn[stems[0]], synonym{stems: stems, token: token})
		}
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// text is a text as the classifier reads it.
type text struct {
	raw   rawFeatures
	known int // meaningful words the vocabulary knows, exactly or as typos
	words int // meaningful words
}

// read turns s into features. For training (learn), every word is added
// to the vocabulary and both readings of a Latin h count; for a question,
// words are matched to the vocabulary, and an h is read as the known one.
// Without chars, only stems and pairs are read. The features are appended
// to into[:0].
func (v *vocabulary) read(s string, learn, chars bool, into rawFeatures) text {
	t := text{raw: into[:0]}
	var seq []string // the meaningful stems, best guess each, for pairs and synonyms
	for _, w := range words(s) {
		forms := []string{w.folded}
		if w.alt != "" {
			forms = append(forms, w.alt)
		}
		if !learn && len(forms) == 2 {
			_, k0 := v.ids[stem(forms[0])]
			_, k1 := v.ids[stem(forms[1])]
			if k1 && !k0 {
				forms = forms[1:]
			} else if k0 && !k1 {
				forms = forms[:1]
			}
		}
		share := 1 / float32(len(forms))
		for _, f := range forms {
			if chars {
				t.raw.addChars(f, share)
			}
		}
		if stopwords[w.folded] {
			// Question words («коли», «де», «скільки») still tell a
			// topic: their letters count, their stems do not.
			continue
		}
		t.words++
		first := ""
		knownWord := false
		for _, f := range forms {
			s := stem(f)
			if learn {
				v.add(s)
				t.raw.add(hashOf(kindStem, s), share)
				if first == "" {
					first = s
				}
				continue
			}
			gs, exact := v.resolve(s)
			knownWord = knownWord || exact || len(gs) > 0
			for _, g := range gs {
				t.raw.add(hashOf(kindStem, g.stem), share*g.w)
				if first == "" {
					first = g.stem
				}
			}
		}
		if knownWord || learn {
			t.known++
		}
		if first == "" {
			first = stem(w.folded)
		}
		seq = append(seq, first)
	}
	for i := 1; i < len(seq); i++ {
		t.raw.add(hashOf(kindBigram, seq[i-1], seq[i]), 1)
	}
	for i := 0; i < len(seq); i++ {
		for _, sy := range v.syn[seq[i]] {
			if i+len(sy.stems) <= len(seq) && equalStems(seq[i:i+len(sy.stems)], sy.stems) {
				t.raw.add(hashOf(kindStem, sy.token), 1)
			}
		}
	}
	t.raw = t.raw.merged()
	return t
}

func equalStems(a, b []string) bool {
	for i := range b {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// weigh turns counts into (1 + ln tf)·idf, normalised to unit length per
// kind of feature. ids maps a hash to a feature; an unknown feature counts
// towards the length with the highest idf and is dropped, so that a
// question of mostly unknown words matches nothing strongly.
func weigh(raw rawFeatures, ids map[uint64]int32, idf []float32, maxIDF float32, wordShare float32, out []feature) []feature {
	var chars, stems float64
	out = out[:0]
	for _, x := range raw {
		h, tf := x.h, x.n
		if tf <= 0 {
			continue
		}
		w := float32(1 + math.Log(float64(tf)))
		if tf < 1 {
			w = tf
		}
		id, ok := ids[h]
		if ok {
			w *= idf[id]
		} else {
			w *= maxIDF
		}
		if isCharFeature(h) {
			chars += float64(w * w)
		} else {
			stems += float64(w * w)
		}
		if ok {
			out = append(out, feature{id: id, v: w, char: isCharFeature(h)})
		}
	}
	cn, sn := float32(1/math.Sqrt(max(chars, 1e-12))), wordShare*float32(1/math.Sqrt(max(stems, 1e-12)))
	for i := range out {
		if out[i].char {
			out[i].v *= cn
		} else {
			out[i].v *= sn
		}
	}
	return out
}

type feature struct {
	id   int32
	v    float32
	char bool
}
