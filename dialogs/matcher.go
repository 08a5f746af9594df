package dialogs

import (
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Index finds FAQ entries for what a person typed. It is built once per
// version of the FAQ and then read by any number of goroutines.
//
// It is a linear classifier (multinomial logistic regression) over the
// features of features.go, trained when the index is built on every
// question and phrasing of every entry, in every language, and on the
// pack's out-of-scope questions as a class of their own. A question's
// class probabilities decide: answer the first entry when it is likely
// enough and clearly ahead of the second, else offer the likely ones,
// else nothing (as Rasa's FallbackClassifier does with its threshold and
// ambiguity threshold). A question none of whose meaningful words the
// pack knows gets nothing.
type Index struct {
	entries []string // entry class → entry id; class len(entries) is out of scope
	topics  []string // topic class → category; class len(topics) is out of scope
	topicOf []int32  // entry class → topic class
	vocab   *vocabulary
	ids     map[uint64]int32 // feature hash → feature
	idf     []float32
	maxIDF  float32
	model   *linear // over entries and out of scope
	bribe   string  // the entry that answers a message telling of a bribe, if shown
	all     []int32 // every class, in order
	// topicExpBias sums exp(bias) over each topic's classes.
	topicExpBias []float64

	scratchPool sync.Pool // *scratch, per-question working space
}

// Decision thresholds on the classifier's probabilities, tuned on half of
// dialogs/testdata/dev_questions.tsv and checked on the other half and on
// dialogs/testdata's sets (see the README's Measured section).
const (
	AnswerAt  = 0.475 // the likeliest topic's probability to answer at once
	Ambiguity = 0.0   // how far ahead of the next topic (or out of scope) it must be
	SuggestAt = 0.01  // an entry's probability to be offered
	DeclineAt = 0.5   // out of scope's probability to offer nothing
	// wordShare is the weight of the stem features beside the character
	// n-grams.
	wordShare = 1.0
	// spokenLift is how many times more than the typical class a question
	// must raise an entry over its prior share for it to be offered.
	spokenLift = 2.0
)

// Match is an entry and how well it matches, from 0 to 1.
type Match struct {
	ID    string
	Score float64
}

// Result is what the bot should do with a question: answer Best (when not
// empty), or offer Suggestions, or neither.
type Result struct {
	Best        string
	Score       float64
	Suggestions []Match
}

// scratch is per-question working space, sized to the index.
type scratch struct {
	post  *posterior // over entries and out of scope
	topic []float64
	feats []feature
	raw   rawFeatures
}

func (ix *Index) scratch() *scratch {
	if sc, ok := ix.scratchPool.Get().(*scratch); ok {
		return sc
	}
	return &scratch{post: newPosterior(len(ix.entries) + 1), topic: make([]float64, len(ix.topics)+1)}
}

// NewIndex trains the matcher on the visible entries and on what the pack
// says of matching (synonyms, out-of-scope questions).
func NewIndex(entries []Entry, m Matching) *Index {
	ix := &Index{vocab: newVocabulary(), ids: map[uint64]int32{}}
	for _, e := range entries {
		if e.ID == m.Bribe && !e.Hidden {
			ix.bribe = e.ID
		}
	}
	ix.vocab.addSynonyms(m.Synonyms)
	type doc struct {
		class int32
		raw   rawFeatures
	}
	var docs []doc
	learn := func(class int32, s string, chars bool) {
		if t := ix.vocab.read(s, true, chars, nil); len(t.raw) > 0 {
			docs = append(docs, doc{class, t.raw})
		}
	}
	topic := map[string]int32{}
	for _, e := range entries {
		if e.Hidden {
			continue
		}
		class := int32(len(ix.entries))
		ix.entries = append(ix.entries, e.ID)
		t, ok := topic[e.Category]
		if !ok {
			t = int32(len(ix.topics))
			topic[e.Category] = t
			ix.topics = append(ix.topics, e.Category)
		}
		ix.topicOf = append(ix.topicOf, t)
		for _, lang := range sortedKeys(e.Question) {
			learn(class, e.Question[lang], true)
		}
		for _, lang := range sortedKeys(e.Phrasings) {
			for _, s := range e.Phrasings[lang] {
				learn(class, s, true)
				// People leave words out: the phrasing with one word
				// dropped, at a few places, teaches the entry from
				// what remains rather than from one telling word.
				for _, short := range dropOneWord(s) {
					learn(class, short, true)
				}
			}
		}
		// An answer's words are how the entry talks about its subject:
		// they teach the words a phrasing lacks (their stems; their
		// letters would cost more than they teach).
		for _, lang := range sortedKeys(e.Answer) {
			if plain, _, err := ParseHTML(e.Answer[lang]); err == nil {
				learn(class, plain, false)
			}
		}
	}
	oos := int32(len(ix.entries))
	ix.topicOf = append(ix.topicOf, int32(len(ix.topics)))
	for _, lang := range sortedKeys(m.OutOfScope) {
		for _, s := range m.OutOfScope[lang] {
			learn(oos, s, true)
		}
	}

	// Features and their document frequencies.
	var df []int32
	for _, d := range docs {
		for _, x := range d.raw {
			h := x.h
			id, ok := ix.ids[h]
			if !ok {
				id = int32(len(df))
				ix.ids[h] = id
				df = append(df, 0)
			}
			df[id]++
		}
	}
	n := float64(len(docs))
	ix.idf = make([]float32, len(df))
	for i, c := range df {
		ix.idf[i] = float32(math.Log((n+1)/(float64(c)+1)) + 1)
		ix.maxIDF = max(ix.maxIDF, ix.idf[i])
	}
	// Each class counts as much as another in training, however many
	// texts it has: out of scope's hundred questions must not outweigh an
	// entry's twenty by their number (its bias grew with it, and won
	// uncertain questions from the entries).
	perClass := make([]int, len(ix.entries)+1)
	for _, d := range docs {
		perClass[d.class]++
	}
	mean := float64(len(docs)) / float64(len(perClass))
	samples := make([]sample, len(docs))
	for i, d := range docs {
		samples[i] = sample{class: d.class, feats: weigh(d.raw, ix.ids, ix.idf, ix.maxIDF, wordShare, nil), w: float32(mean / float64(perClass[d.class]))}
	}
	ix.model = trainLinear(samples, len(ix.entries)+1, len(df))
	ix.all = make([]int32, len(ix.entries)+1)
	ix.topicExpBias = make([]float64, len(ix.topics)+1)
	for c := range ix.all {
		ix.all[c] = int32(c)
		ix.topicExpBias[ix.topicOf[c]] += ix.model.expBias[c]
	}
	return ix
}

// dropWords is how many shortened copies of a phrasing are learnt.
const dropWords = 3

// dropOneWord returns s with one word left out, at up to dropWords places
// spread over it (the same places for the same text), for phrasings of
// three words or more.
func dropOneWord(s string) []string {
	ws := strings.Fields(s)
	if len(ws) < 3 {
		return nil
	}
	var out []string
	step := max(1, len(ws)/dropWords)
	for k := 0; k < dropWords && k < len(ws); k++ {
		i := (len(s) + k*step) % len(ws)
		out = append(out, strings.Join(slices.Concat(ws[:i], ws[i+1:]), " "))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// classify computes the entries' probabilities for query into sc.post,
// and returns how many of its meaningful words are known (none: nothing
// was computed).
func (ix *Index) classify(query string, sc *scratch) int {
	t := ix.vocab.read(query, false, true, sc.raw)
	sc.raw = t.raw
	if t.known == 0 || len(ix.entries) == 0 {
		return 0
	}
	sc.feats = weigh(t.raw, ix.ids, ix.idf, ix.maxIDF, wordShare, sc.feats)
	ix.model.posterior(sc.feats, sc.post)
	return t.known
}

// Search returns the entries most likely to answer query, best first, with
// their probabilities; limit <= 0 means all.
func (ix *Index) Search(query string, limit int) []Match {
	sc := ix.scratch()
	defer ix.scratchPool.Put(sc)
	if ix.classify(query, sc) == 0 {
		return nil
	}
	return ix.ranked(sc.post, limit)
}

// ranked lists the entries by probability, best first, dropping the
// out-of-scope class and entries under one in a thousand: those the
// question touched, and the others only when one of them could reach that.
func (ix *Index) ranked(post *posterior, limit int) []Match {
	if limit <= 0 || limit > len(ix.entries) {
		limit = len(ix.entries)
	}
	const least = 0.001
	classes := post.touched
	if ix.model.maxUntouched(post) >= least {
		classes = ix.all
	}
	out := make([]Match, 0, limit+1)
	for _, c := range classes {
		if int(c) == len(ix.entries) {
			continue
		}
		p := ix.model.prob(post, c)
		if p < least || len(out) == limit && p <= out[limit-1].Score {
			continue
		}
		k := sort.Search(len(out), func(i int) bool {
			return out[i].Score < p || out[i].Score == p && out[i].ID > ix.entries[c]
		})
		out = slices.Insert(out, k, Match{ID: ix.entries[c], Score: p})
		if len(out) > limit {
			out = out[:limit]
		}
	}
	return out
}

// spokenFor lists the entries the question speaks for, by probability,
// best first: those it raises at least spokenLift times as much as it
// raises the typical class (the median of all, out of scope among them).
// An entry's probability is its prior share (its bias) raised by what the
// question says of it, so a question that says little of any one entry
// leaves their order that of their priors, and the entry with the largest
// prior (the MFC's «money for speeding up») came first: offered to «инн»
// and «выписка из егрн», which touched none of its features, to «метро
// Китай-город», a letter group of which raised it from 5.0% to 5.2%, and
// to «hello мфц», which raises every MFC entry alike.
func (ix *Index) spokenFor(post *posterior, limit int) []Match {
	out := make([]Match, 0, limit+1)
	typical := ix.medianLift(post)
	for _, c := range post.touched {
		if int(c) == len(ix.entries) {
			continue
		}
		p := ix.model.prob(post, c)
		if p < spokenLift*typical*ix.model.expBias[c]*post.untouched || len(out) == limit && p <= out[limit-1].Score {
			continue
		}
		k := sort.Search(len(out), func(i int) bool {
			return out[i].Score < p || out[i].Score == p && out[i].ID > ix.entries[c]
		})
		out = slices.Insert(out, k, Match{ID: ix.entries[c], Score: p})
		if len(out) > limit {
			out = out[:limit]
		}
	}
	return out
}

// medianLift is the median over all classes of how many times its prior
// share the question makes a class: 1 for a class it does not touch.
func (ix *Index) medianLift(post *posterior) float64 {
	n := len(ix.entries) + 1
	if 2*len(post.touched) <= n {
		// Most classes are untouched, the median among them: unless the
		// touched ones below 1 reach past the middle, it is 1.
		below := 0
		for _, c := range post.touched {
			if post.p[c] < ix.model.expBias[c]*post.untouched {
				below++
			}
		}
		if below <= n/2 && n-len(post.touched)+below > n/2 {
			return 1
		}
	}
	lifts := make([]float64, 0, n)
	for _, c := range post.touched {
		lifts = append(lifts, post.p[c]/(ix.model.expBias[c]*post.untouched))
	}
	for len(lifts) < n {
		lifts = append(lifts, 1)
	}
	slices.Sort(lifts)
	return lifts[n/2]
}

// verdict is what the models say of a question, before thresholds.
type verdict struct {
	ranked []Match // entries, most likely first
	best   string  // the likeliest entry of the likeliest topic; "" when that is out of scope
	p      float64 // the likeliest topic's probability
	second float64 // the next topic's, or out of scope's
	known  int     // meaningful words the pack knows
	oos    float64 // out of scope's probability
}

// judge weighs a question. A topic's probability is the sum of its
// entries': two entries of one topic splitting the probability still make
// a clear answer to the topic, and the second shows among the answer's
// related entries when the pack links them.
func (ix *Index) judge(query string) (verdict, bool) {
	sc := ix.scratch()
	defer ix.scratchPool.Put(sc)
	known := ix.classify(query, sc)
	if known == 0 {
		return verdict{}, false
	}
	// Every class first as if untouched, then the touched ones corrected.
	post := sc.post
	for t, e := range ix.topicExpBias {
		sc.topic[t] = e * post.untouched
	}
	for _, c := range post.touched {
		sc.topic[ix.topicOf[c]] += post.p[c] - ix.model.expBias[c]*post.untouched
	}
	top, v := 0, verdict{ranked: ix.spokenFor(post, 3), known: known}
	for t := range sc.topic {
		if sc.topic[t] > sc.topic[top] {
			top = t
		}
	}
	v.p, v.oos = sc.topic[top], sc.topic[len(ix.topics)]
	for t, p := range sc.topic {
		if t != top {
			v.second = max(v.second, p)
		}
	}
	if top < len(ix.topics) {
		bestP := -1.0
		pick := func(classes []int32) {
			for _, c := range classes {
				if ix.topicOf[c] != int32(top) {
					continue
				}
				if p := ix.model.prob(post, c); p > bestP || p == bestP && ix.entries[c] < v.best {
					v.best, bestP = ix.entries[c], p
				}
			}
		}
		pick(post.touched)
		if ix.model.maxUntouched(post) > bestP {
			pick(ix.all) // an entry the question did not touch may still lead its topic
		}
	}
	return v, true
}

// decide turns a verdict into a Result under the given thresholds. One
// word («права», «техпаспорт») is a topic, not a question: it gets
// suggestions, never an answer at once.
func (v verdict) decide(answerAt, ambiguity, suggestAt, declineAt float64) Result {
	if v.oos >= declineAt {
		return Result{} // it looks like what the pack says it does not answer
	}
	if v.best != "" && v.known >= 2 && v.p >= answerAt && v.p-v.second >= ambiguity {
		return Result{Best: v.best, Score: v.p}
	}
	r := Result{Score: v.p}
	for _, m := range v.ranked {
		if m.Score >= suggestAt {
			r.Suggestions = append(r.Suggestions, m)
		}
	}
	return r
}

// Ask decides what to do with a question: a confident answer, up to three
// suggestions, or nothing. A message telling of a bribe gets the pack's
// entry on reporting one, whatever else it names: every other word of
// «інспектор на іспиті сказав, що без 200 доларів не здам» is the exam's.
func (ix *Index) Ask(query string) Result {
	if ix.bribe != "" && TellsOfBribe(query) {
		return Result{Best: ix.bribe, Score: 1}
	}
	v, ok := ix.judge(query)
	if !ok {
		return Result{}
	}
	return v.decide(AnswerAt, Ambiguity, SuggestAt, DeclineAt)
}

// Size is the number of entries indexed.
func (ix *Index) Size() int { return len(ix.entries) }
